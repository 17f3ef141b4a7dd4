import { type OnApplicationShutdown } from '@nestjs/common';
import { type ExternalGuardrailConfig } from '@gatehouse/domain';
import { type Agent } from 'undici';
import { type ClientSignal } from '../upstream';
import {
  callExternalGuardrail,
  createExternalGuardrailDispatcher,
  type ExternalGuardrailVerdict,
} from './external-guardrail';

export interface ExternalGuardrailsOptions {
  /** `GUARDRAIL_ALLOW_LOOPBACK`: a service on this machine (tests, development); never in production. */
  allowLoopback: boolean;
}

/**
 * The gateway's client of the external guardrail services that policies name: one connection pool (an undici
 * Agent, behind the outbound guard) for every service, made when the pipeline's module is built and closed on
 * shutdown.
 */
export class ExternalGuardrails implements OnApplicationShutdown {
  private readonly dispatcher: Agent;

  constructor(options: ExternalGuardrailsOptions) {
    this.dispatcher = createExternalGuardrailDispatcher({ policy: { allowLoopback: options.allowLoopback } });
  }

  /** The service's verdict on `text`, or its fail mode's; rejects only when the client left (`signal`). */
  check(config: ExternalGuardrailConfig, text: string, signal: ClientSignal): Promise<ExternalGuardrailVerdict> {
    return callExternalGuardrail(config, text, signal, this.dispatcher);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }
}
