import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '../http/public-route.decorator';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HEALTH_PROBES, type HealthProbe } from './health-probe';

/** A probe that does not answer within this time counts as down: a health check must not hang. */
const PROBE_TIMEOUT_MS = 2_000;

@ApiExcludeController()
@PublicRoute()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_PROBES) private readonly probes: HealthProbe[],
  ) {}

  /**
   * 200 when every dependency answers; 503 with `error.<name>` for each one that does not. The report is
   * written here rather than thrown, so that an app's exception filter cannot reshape it.
   */
  @Get('healthz')
  async check(@Res({ passthrough: true }) response: { status(code: number): unknown }) {
    try {
      return await this.health.check(this.probes.map((probe) => () => this.run(probe)));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse();
    }
  }

  private async run(probe: HealthProbe) {
    const indicator = this.indicators.check(probe.name);
    try {
      await withTimeout(probe.ping(), PROBE_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: `${probe.name} is unreachable: ${describe(error)}` });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
