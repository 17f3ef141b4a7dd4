import { All, Controller, Req, Res } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { CurrentKey } from '../auth/authenticated-request';
import { Meter } from '../usage/metered-request';
import { type RequestMeter } from '../usage/request-meter';
import { HttpProductsService } from './http-products.service';

/**
 * HTTP products, every method on `/apis/{productSlug}` and below. Guarded by the global API key guard. The handler
 * reads the raw URL (the route's decoded parameters would hide encoded separators) and the raw body, and writes
 * the reply itself (`@Res()`), streaming the upstream's answer through `reply.raw`.
 */
@Controller('apis')
export class HttpProductsController {
  constructor(private readonly products: HttpProductsService) {}

  @All([':slug', ':slug/*'])
  forward(
    @CurrentKey() key: KeySnapshot,
    @Meter() meter: RequestMeter,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.products.forward(key, meter, request, reply);
  }
}
