import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly, TenantAccess } from '../auth/access/access-rule';
import { AuditQueryService } from './audit-query.service';
import { AuditEventListDto, AuditListQueryDto, AuditVerifyResultDto, TenantAuditListQueryDto } from './dto/audit.dto';

/** The platform's audit trail, and its proof of integrity. */
@ApiTags('admin: audit')
@AdminOnly()
@Controller('admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @ZodResponse({ status: 200, type: AuditEventListDto })
  list(@Query() query: AuditListQueryDto) {
    return this.audit.list(query);
  }

  @Get('verify')
  @ZodResponse({ status: 200, type: AuditVerifyResultDto })
  verify() {
    return this.audit.verify();
  }
}

/** A tenant owner's view of the trail: the events of that tenant only. */
@ApiTags('audit')
@Controller('tenants/:tenantId/audit')
export class TenantAuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @TenantAccess('OWNER')
  @Get()
  @ZodResponse({ status: 200, type: AuditEventListDto })
  list(@Param('tenantId') tenantId: string, @Query() query: TenantAuditListQueryDto) {
    return this.audit.listForTenant(asTenantId(tenantId), query);
  }
}
