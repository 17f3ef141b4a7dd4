import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor, type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentActor, CurrentUser } from '../auth/current-user.decorator';
import { ListMembersQueryDto, MemberDto, MemberListDto, UpdateMemberDto } from './dto/update-member.dto';
import { TenantLimitUsageDto } from './dto/tenant-limit-usage.dto';
import { TenantDto, UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantLimitsService } from './tenant-limits.service';
import { TenantsService } from './tenants.service';

// The access guard has checked the caller's membership of :tenantId before any handler runs, which is what
// makes asTenantId() legitimate here.
@ApiTags('tenants')
@Controller('tenants/:tenantId')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly limits: TenantLimitsService,
  ) {}

  @Get()
  @TenantAccess('VIEWER')
  @ZodResponse({ status: 200, type: TenantDto })
  get(@Param('tenantId') tenantId: string, @CurrentUser() user: AuthenticatedUser) {
    return this.tenants.get(asTenantId(tenantId), user);
  }

  @Patch()
  @TenantAccess('OWNER')
  @ZodResponse({ status: 200, type: TenantDto })
  update(
    @Param('tenantId') tenantId: string,
    @Body() body: UpdateTenantDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentActor() actor: Actor,
  ) {
    return this.tenants.update(asTenantId(tenantId), user, actor, body);
  }

  /** The tenant-wide counters now (its monthly budget across all subscriptions), for usage bars. */
  @Get('limits')
  @TenantAccess('VIEWER')
  @ZodResponse({ status: 200, type: TenantLimitUsageDto })
  usage(@Param('tenantId') tenantId: string) {
    return this.limits.usage(asTenantId(tenantId));
  }

  @Get('members')
  @TenantAccess('VIEWER')
  @ZodResponse({ status: 200, type: MemberListDto })
  listMembers(@Param('tenantId') tenantId: string, @Query() query: ListMembersQueryDto) {
    return this.tenants.listMembers(asTenantId(tenantId), query);
  }

  @Patch('members/:userId')
  @TenantAccess('OWNER')
  @ZodResponse({ status: 200, type: MemberDto })
  updateMember(
    @Param('tenantId') tenantId: string,
    @Param('userId') userId: string,
    @Body() body: UpdateMemberDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.tenants.updateMember(asTenantId(tenantId), actor, userId, body);
  }

  @Delete('members/:userId')
  @TenantAccess('OWNER')
  @HttpCode(204)
  async removeMember(
    @Param('tenantId') tenantId: string,
    @Param('userId') userId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.tenants.removeMember(asTenantId(tenantId), actor, userId);
  }
}
