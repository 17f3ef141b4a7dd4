import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { CallLogService } from './call-log.service';
import { CallLogDetailDto, TenantCallLogDto, TenantCallLogQueryDto } from './dto/call-log.dto';

/** A tenant's calls through the gateway, one by one. Every member may read them: they hold no bodies. */
@ApiTags('call log')
@TenantAccess('VIEWER')
@Controller('tenants/:tenantId/logs')
export class CallLogController {
  constructor(private readonly calls: CallLogService) {}

  /** The calls of a window (default: the last 24 hours, at most 31 days), newest first, filtered. */
  @Get()
  @ZodResponse({ status: 200, type: TenantCallLogDto })
  list(@Param('tenantId') tenantId: string, @Query() query: TenantCallLogQueryDto) {
    return this.calls.listForTenant(asTenantId(tenantId), query);
  }

  /** One call by its `x-request-id`, whenever it was made; 404 when it is not this tenant's. */
  @Get(':requestId')
  @ZodResponse({ status: 200, type: CallLogDetailDto })
  detail(@Param('tenantId') tenantId: string, @Param('requestId') requestId: string) {
    return this.calls.findForTenant(asTenantId(tenantId), requestId);
  }
}
