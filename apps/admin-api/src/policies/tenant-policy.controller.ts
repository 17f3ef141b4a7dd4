import { Body, Controller, Get, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import {
  DryRunDto,
  PolicyActivityDto,
  PolicyActivityQueryDto,
  DryRunResultDto,
  EffectivePolicyDto,
  EffectivePolicyQueryDto,
  PolicyDto,
  PolicyValidationDto,
  PolicyVersionDetailDto,
  PolicyVersionRefDto,
  PutPolicyDto,
  RollbackPolicyDto,
  ValidatePolicyDto,
} from './dto/policy.dto';
import { PoliciesService, tenantPolicyName } from './policies.service';
import { PolicyEvaluationService } from './policy-evaluation.service';

// The access guard has checked the caller's membership of :tenantId before any handler runs, which is what
// makes asTenantId() legitimate here. The document's name comes from the path, so no other one is reachable.
/** A tenant's own policy document (`tenant:<tenantId>`), for its owners and platform admins. */
@ApiTags('policies')
@Controller('tenants/:tenantId/policy')
@TenantAccess('OWNER')
export class TenantPolicyController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly evaluation: PolicyEvaluationService,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: PolicyDto })
  get(@Param('tenantId') tenantId: string) {
    return this.policies.get(tenantPolicyName(asTenantId(tenantId)));
  }

  /** Every rule the tenant's calls to `product` must pass, with the document each comes from; for every member. */
  @Get('effective')
  @TenantAccess('VIEWER')
  @ZodResponse({ status: 200, type: EffectivePolicyDto })
  effective(@Param('tenantId') tenantId: string, @Query() query: EffectivePolicyQueryDto) {
    return this.evaluation.effective(asTenantId(tenantId), query.product);
  }

  @Get('activity')
  @TenantAccess('VIEWER')
  @ZodResponse({ status: 200, type: PolicyActivityDto })
  activity(@Param('tenantId') tenantId: string, @Query() query: PolicyActivityQueryDto) {
    return this.evaluation.activity({ kind: 'tenant', tenantId: asTenantId(tenantId) }, query);
  }

  @Get('versions/:version')
  @ZodResponse({ status: 200, type: PolicyVersionDetailDto })
  version(@Param('tenantId') tenantId: string, @Param('version', ParseIntPipe) version: number) {
    return this.policies.version(tenantPolicyName(asTenantId(tenantId)), version);
  }

  @Post('dry-run')
  @ZodResponse({ status: 200, type: DryRunResultDto })
  dryRun(@Param('tenantId') tenantId: string, @Body() body: DryRunDto) {
    return this.evaluation.dryRun({ kind: 'tenant', tenantId: asTenantId(tenantId) }, body);
  }

  @Put()
  @ZodResponse({ status: 200, type: PolicyVersionRefDto })
  put(@Param('tenantId') tenantId: string, @Body() body: PutPolicyDto, @CurrentActor() actor: Actor) {
    return this.policies.put(actor, tenantPolicyName(asTenantId(tenantId)), body);
  }

  @Post('validate')
  @ZodResponse({ status: 200, type: PolicyValidationDto })
  validate(@Param('tenantId') tenantId: string, @Body() body: ValidatePolicyDto) {
    return this.policies.validate(body.yaml, tenantPolicyName(asTenantId(tenantId)));
  }

  @Post('rollback')
  @ZodResponse({ status: 200, type: PolicyVersionRefDto })
  rollback(@Param('tenantId') tenantId: string, @Body() body: RollbackPolicyDto, @CurrentActor() actor: Actor) {
    return this.policies.rollback(actor, tenantPolicyName(asTenantId(tenantId)), body);
  }
}
