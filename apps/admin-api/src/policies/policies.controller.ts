import { Body, Controller, Get, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import {
  DryRunDto,
  PolicyActivityDto,
  PolicyActivityQueryDto,
  DryRunResultDto,
  PolicyDto,
  PolicyJsonSchemaDto,
  PolicyListDto,
  PolicyValidationDto,
  PolicyVersionDetailDto,
  PolicyVersionRefDto,
  PutPolicyDto,
  RollbackPolicyDto,
  ValidatePolicyDto,
} from './dto/policy.dto';
import { PoliciesService } from './policies.service';
import { PolicyEvaluationService } from './policy-evaluation.service';

/**
 * Every policy document (global, product and tenant ones), for platform admins. `schema`, `validate`, `dry-run`
 * and `activity` are declared before `:name`, which they would otherwise match (none is a policy name).
 */
@ApiTags('policies')
@Controller('admin/policies')
@AdminOnly()
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly evaluation: PolicyEvaluationService,
  ) {}

  @Get('schema')
  @ZodResponse({ status: 200, type: PolicyJsonSchemaDto })
  schema() {
    return this.policies.schema();
  }

  @Post('validate')
  @ZodResponse({ status: 200, type: PolicyValidationDto })
  validate(@Body() body: ValidatePolicyDto) {
    return this.policies.validate(body.yaml);
  }

  /**
   * What a candidate document's access rules would do to given calls and to the calls recorded in a window (its
   * content rules read bodies, which are not recorded); changes nothing.
   */
  @Post('dry-run')
  @ZodResponse({ status: 200, type: DryRunResultDto })
  dryRun(@Body() body: DryRunDto) {
    return this.evaluation.dryRun({ kind: 'platform' }, body);
  }

  /** The calls of a window that each rule (access and content) acted on, per tenant, document, rule and decision. */
  @Get('activity')
  @ZodResponse({ status: 200, type: PolicyActivityDto })
  activity(@Query() query: PolicyActivityQueryDto) {
    return this.evaluation.activity({ kind: 'platform' }, query);
  }

  @Get()
  @ZodResponse({ status: 200, type: PolicyListDto })
  list() {
    return this.policies.list();
  }

  @Get(':name')
  @ZodResponse({ status: 200, type: PolicyDto })
  get(@Param('name') name: string) {
    return this.policies.get(name);
  }

  @Get(':name/versions/:version')
  @ZodResponse({ status: 200, type: PolicyVersionDetailDto })
  version(@Param('name') name: string, @Param('version', ParseIntPipe) version: number) {
    return this.policies.version(name, version);
  }

  @Put(':name')
  @ZodResponse({ status: 200, type: PolicyVersionRefDto })
  put(@Param('name') name: string, @Body() body: PutPolicyDto, @CurrentActor() actor: Actor) {
    return this.policies.put(actor, name, body);
  }

  @Post(':name/rollback')
  @ZodResponse({ status: 200, type: PolicyVersionRefDto })
  rollback(@Param('name') name: string, @Body() body: RollbackPolicyDto, @CurrentActor() actor: Actor) {
    return this.policies.rollback(actor, name, body);
  }
}
