import { Injectable } from '@nestjs/common';
import { type UpstreamResponse } from '../../upstream';
import { ALLOW, type Decision } from '../decision';
import { type ModelCall } from '../protocols/model-call';
import { type RequestContext } from '../request-context';

/**
 * Stages 3 and 8, `policy.input` and `policy.output`: where the policy documents' rules (access, validation, PII,
 * prompt injection, deny lists) decide what may be sent and returned. No rule is enforced yet: both allow every
 * request; the pipeline already ends a request they refuse, before the limits are asked (input) or before any
 * byte of the answer is sent (output).
 */
@Injectable()
export class PolicyStage {
  input(_context: RequestContext, _call: ModelCall): Decision {
    return ALLOW;
  }

  output(_context: RequestContext, _response: UpstreamResponse): Decision {
    return ALLOW;
  }
}
