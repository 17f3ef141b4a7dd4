import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_PROBES, type HealthProbe } from './health-probe';
import { HealthController } from './health.controller';

/**
 * `GET /healthz` for a Nest app. Each app lists the probes of its own dependencies; the probe classes
 * live beside the clients they check (`@gatehouse/db`, `@gatehouse/redis`) and must be provided by
 * modules the app imports.
 */
@Module({})
export class HealthModule {
  static register(probes: Type<HealthProbe>[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_PROBES,
          useFactory: (...instances: HealthProbe[]) => instances,
          inject: probes,
        },
      ],
    };
  }
}
