import { Injectable } from '@nestjs/common';
import { type UpstreamResponse } from '../../upstream';
import { ALLOW, type Decision } from '../decision';
import { type ModelCall } from '../protocols/model-call';
import { type RequestContext } from '../request-context';

/**
 * Stages 5 and 9, `cache.lookup` and `cache.store`: where the response cache answers a repeated call without an
 * upstream and keeps what an upstream answered. No cache exists yet: the lookup always misses (it may still refuse,
 * as a policy on cached answers would) and nothing is stored.
 */
@Injectable()
export class CacheStage {
  lookup(context: RequestContext, _call: ModelCall): Decision {
    context.cacheResult = 'miss';
    return ALLOW;
  }

  store(_context: RequestContext, _response: UpstreamResponse): void {
    // Nothing is cached yet.
  }
}
