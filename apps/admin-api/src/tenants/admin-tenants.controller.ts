import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
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
}
