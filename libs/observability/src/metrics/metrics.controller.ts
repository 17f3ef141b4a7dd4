import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '../http/public-route.decorator';
import { register } from 'prom-client';

@ApiExcludeController()
@PublicRoute()
@Controller()
export class MetricsController {
  /** Prometheus text exposition of the process's metrics. */
  @Get('metrics')
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
