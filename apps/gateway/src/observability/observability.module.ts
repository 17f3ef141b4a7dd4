import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type GatewayConfig } from '@gatehouse/config';
import { type MetricsServer, startMetricsServer } from '@gatehouse/observability';
import { PinoLogger } from 'nestjs-pino';
import { type Logger } from 'pino';
import { GatewayMetrics } from './gateway-metrics';
import { RequestLog } from './request-log';

type ObservabilityConfig = Pick<GatewayConfig, 'metrics' | 'requestLogLevel'>;

const OBSERVABILITY_CONFIG = Symbol('OBSERVABILITY_CONFIG');

/**
 * The metrics listener (GATEWAY_METRICS_HOST:GATEWAY_METRICS_PORT), up before the public port is and closed with
 * the app. A port taken fails boot: a gateway whose metrics nobody can scrape should not pass for a healthy one.
 */
@Injectable()
export class GatewayMetricsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private server: MetricsServer | null = null;

  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(OBSERVABILITY_CONFIG) private readonly config: ObservabilityConfig,
  ) {}

  /** The port it listens on, once started (the system's choice when configured as 0). */
  get port(): number | null {
    return this.server?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { host, port } = this.config.metrics;
    this.server = await startMetricsServer(this.metrics.registry, host, port);
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}

/**
 * The gateway's metrics and request log line, global so that the upstream caller and the pipeline's `record`
 * stage both reach the one registry. Tests may pass the logger the request lines go to.
 */
@Global()
@Module({})
export class GatewayObservabilityModule {
  static forRoot(config: ObservabilityConfig, requestLogger?: Logger): DynamicModule {
    return {
      module: GatewayObservabilityModule,
      providers: [
        { provide: OBSERVABILITY_CONFIG, useValue: config },
        { provide: GatewayMetrics, useFactory: () => new GatewayMetrics(config.metrics) },
        {
          provide: RequestLog,
          inject: [PinoLogger],
          useFactory: (pino: PinoLogger) => new RequestLog(requestLogger ?? pino.logger, config.requestLogLevel),
        },
        GatewayMetricsServer,
      ],
      exports: [GatewayMetrics, RequestLog, GatewayMetricsServer],
    };
  }
}
