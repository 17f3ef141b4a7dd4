import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { PlatformUsageQueryDto, PlatformUsageSeriesDto, PlatformUsageSummaryDto } from './dto/usage.dto';
import { csvFile } from './usage-csv';
import { UsageSummaryService } from './usage-summary.service';
import { UsageService } from './usage.service';

/** Usage and cost across every tenant, for platform admins. */
@ApiTags('admin: usage')
@AdminOnly()
@Controller('admin/usage')
export class AdminUsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly summaries: UsageSummaryService,
  ) {}

  /** A series of UTC buckets in `[from, to)`, optionally grouped by tenant, model or product. */
  @Get()
  @ZodResponse({ status: 200, type: PlatformUsageSeriesDto })
  series(@Query() query: PlatformUsageQueryDto) {
    return this.usage.platformSeries(query);
  }

  /** This UTC month: total spend, top tenants and models, and the tenants burning through their budgets. */
  @Get('summary')
  @ZodResponse({ status: 200, type: PlatformUsageSummaryDto })
  summary() {
    return this.summaries.platformSummary();
  }

  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180 CSV with a header line', schema: { type: 'string' } })
  async exportCsv(@Query() query: PlatformUsageQueryDto): Promise<StreamableFile> {
    return csvFile(await this.usage.platformCsv(query));
  }
}
