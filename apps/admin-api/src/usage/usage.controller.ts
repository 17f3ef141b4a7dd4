import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { TenantUsageQueryDto, TenantUsageSeriesDto, TenantUsageSummaryDto } from './dto/usage.dto';
import { csvFile } from './usage-csv';
import { UsageSummaryService } from './usage-summary.service';
import { UsageService } from './usage.service';

/** A tenant's usage and cost reports, from the rollups. Every member may read them. */
@ApiTags('usage')
@TenantAccess('VIEWER')
@Controller('tenants/:tenantId/usage')
export class UsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly summaries: UsageSummaryService,
  ) {}

  /** A series of UTC buckets in `[from, to)`, optionally grouped by model, key or product. */
  @Get()
  @ZodResponse({ status: 200, type: TenantUsageSeriesDto })
  series(@Param('tenantId') tenantId: string, @Query() query: TenantUsageQueryDto) {
    return this.usage.tenantSeries(asTenantId(tenantId), query);
  }

  /** The current month in the tenant's time zone against its budget and its subscriptions' limits. */
  @Get('summary')
  @ZodResponse({ status: 200, type: TenantUsageSummaryDto })
  summary(@Param('tenantId') tenantId: string) {
    return this.summaries.tenantSummary(asTenantId(tenantId));
  }

  /** The series' rows as a CSV attachment. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180 CSV with a header line', schema: { type: 'string' } })
  async exportCsv(@Param('tenantId') tenantId: string, @Query() query: TenantUsageQueryDto): Promise<StreamableFile> {
    return csvFile(await this.usage.tenantCsv(asTenantId(tenantId), query));
  }
}
