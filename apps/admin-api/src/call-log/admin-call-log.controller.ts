import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { CallLogService } from './call-log.service';
import { CallLogDetailDto, PlatformCallLogDto, PlatformCallLogQueryDto } from './dto/call-log.dto';

/** Every tenant's calls, for platform admins. */
@ApiTags('admin: call log')
@AdminOnly()
@Controller('admin/logs')
export class AdminCallLogController {
  constructor(private readonly calls: CallLogService) {}

  /** The tenant's filters, plus `tenantId`. */
  @Get()
  @ZodResponse({ status: 200, type: PlatformCallLogDto })
  list(@Query() query: PlatformCallLogQueryDto) {
    return this.calls.listForPlatform(query);
  }

  /** Any tenant's call by its `x-request-id`, for a search across tenants. */
  @Get(':requestId')
  @ZodResponse({ status: 200, type: CallLogDetailDto })
  detail(@Param('requestId') requestId: string) {
    return this.calls.findForPlatform(requestId);
  }
}
