import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { CallLogService } from './call-log.service';
import { PlatformCallLogDto, PlatformCallLogQueryDto } from './dto/call-log.dto';

/** Every tenant's calls, for platform admins (a call's detail is its tenant's route: admins act on every tenant). */
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
}
