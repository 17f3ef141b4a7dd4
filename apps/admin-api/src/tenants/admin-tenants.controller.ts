import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import { AdminTenantsService } from './admin-tenants.service';
import {
  AdminTenantDetailDto,
  AdminTenantListDto,
  CreateAdminTenantDto,
  CreatedAdminTenantDto,
  ListAdminTenantsQueryDto,
  ReactivateTenantDto,
  SuspendTenantDto,
  UpdateAdminTenantDto,
} from './dto/create-admin-tenant.dto';

@ApiTags('admin')
@Controller('admin/tenants')
@AdminOnly()
export class AdminTenantsController {
  constructor(private readonly tenants: AdminTenantsService) {}

  @Get()
  @ZodResponse({ status: 200, type: AdminTenantListDto })
  list(@Query() query: ListAdminTenantsQueryDto) {
    return this.tenants.list(query);
  }

  @Post()
  @ZodResponse({ status: 201, type: CreatedAdminTenantDto })
  create(@Body() body: CreateAdminTenantDto, @CurrentActor() actor: Actor) {
    return this.tenants.create(actor, body);
  }

  @Get(':tenantId')
  @ZodResponse({ status: 200, type: AdminTenantDetailDto })
  get(@Param('tenantId') tenantId: string) {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenantId')
  @ZodResponse({ status: 200, type: AdminTenantDetailDto })
  update(@Param('tenantId') tenantId: string, @Body() body: UpdateAdminTenantDto, @CurrentActor() actor: Actor) {
    return this.tenants.update(actor, tenantId, body);
  }

  /** Stops every API key of the tenant at the gateways within a second; members still sign in. Idempotent. */
  @Post(':tenantId/suspend')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AdminTenantDetailDto })
  suspend(@Param('tenantId') tenantId: string, @Body() body: SuspendTenantDto, @CurrentActor() actor: Actor) {
    return this.tenants.setStatus(actor, tenantId, 'SUSPENDED', body.reason ?? null);
  }

  /** Lets the tenant's keys work again. Idempotent. The body is only checked: `{}`, unknown fields refused. */
  @Post(':tenantId/reactivate')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AdminTenantDetailDto })
  reactivate(@Param('tenantId') tenantId: string, @Body() _body: ReactivateTenantDto, @CurrentActor() actor: Actor) {
    return this.tenants.setStatus(actor, tenantId, 'ACTIVE', null);
  }
}
