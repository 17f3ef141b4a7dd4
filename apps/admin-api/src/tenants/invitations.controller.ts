import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { SignedIn, TenantAccess } from '../auth/access/access-rule';
import { type Actor, type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentActor, CurrentUser } from '../auth/current-user.decorator';
import { RetryAfterFilter } from '../auth/throttle/retry-after.filter';
import {
  AcceptedInvitationDto,
  AcceptInvitationDto,
  CreatedInvitationDto,
  CreateInvitationDto,
  InvitationListDto,
  ListInvitationsQueryDto,
} from './dto/create-invitation.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('tenants')
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('tenants/:tenantId/invitations')
  @TenantAccess('OWNER')
  @UseFilters(RetryAfterFilter)
  @ZodResponse({ status: 201, type: CreatedInvitationDto })
  create(@Param('tenantId') tenantId: string, @Body() body: CreateInvitationDto, @CurrentActor() actor: Actor) {
    return this.invitations.create(asTenantId(tenantId), actor, body);
  }

  @Get('tenants/:tenantId/invitations')
  @TenantAccess('OWNER')
  @ZodResponse({ status: 200, type: InvitationListDto })
  listPending(@Param('tenantId') tenantId: string, @Query() query: ListInvitationsQueryDto) {
    return this.invitations.listPending(asTenantId(tenantId), query);
  }

  @Delete('tenants/:tenantId/invitations/:invitationId')
  @TenantAccess('OWNER')
  @HttpCode(204)
  async withdraw(
    @Param('tenantId') tenantId: string,
    @Param('invitationId') invitationId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.invitations.withdraw(asTenantId(tenantId), actor, invitationId);
  }

  /** Any signed-in user: the token names the tenant, and the invitation's email must be the user's. */
  @Post('invitations/accept')
  @SignedIn()
  @ZodResponse({ status: 200, type: AcceptedInvitationDto })
  accept(@Body() body: AcceptInvitationDto, @CurrentUser() user: AuthenticatedUser, @CurrentActor() actor: Actor) {
    return this.invitations.accept(user, actor, body.token);
  }
}
