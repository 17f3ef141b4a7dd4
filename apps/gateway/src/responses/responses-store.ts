import { Inject, Injectable, Logger } from '@nestjs/common';
import { GatewayErrorCode } from '@gatehouse/contracts';
import {
  type CallLogKeyring,
  decryptUnderCallLogKeys,
  encryptUnderCallLogKeys,
  type ResponsesInputItem,
  type ResponsesResponse,
} from '@gatehouse/domain';
import { REDIS_CLIENT, REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { GatewayError } from '../common/gateway-error';

export interface ResponsesStoreOptions {
  /** How long a stored response stays readable; 0 keeps none (GATEWAY_RESPONSES_RETENTION_HOURS). */
  retentionHours: number;
  /** The call log's keys, which seal what is stored. */
  keyring: CallLogKeyring;
  /**
   * The largest stored response with its conversation, in bytes of JSON: a conversation carried from answer to
   * answer grows with each, and Redis holds it in memory. A larger one is not stored (the answer says so).
   */
  maxStoredBytes: number;
  /** How long an answer waits for its save; past it the answer goes out saying it was not stored. */
  saveTimeoutMs: number;
}

export const RESPONSES_STORE_OPTIONS = Symbol('RESPONSES_STORE_OPTIONS');

export const DEFAULT_MAX_STORED_BYTES = 1024 * 1024;
export const DEFAULT_SAVE_TIMEOUT_MS = 2_000;

/** A stored response: the Response object as answered, and the conversation a follow-up carries on. */
export interface StoredResponse {
  response: ResponsesResponse;
  /** Every item of the conversation up to and including this answer: a follow-up's history. */
  conversation: ResponsesInputItem[];
}

/** Whether a save kept the response; every other outcome answers with `store: false`. */
export type SaveOutcome = 'stored' | 'too_large' | 'failed';

/** The ids the gateway gives responses: `resp_` and the request id's characters (request-id.ts), nothing to escape. */
const RESPONSE_ID = /^resp_[A-Za-z0-9._:]{1,128}$/;

/** What Redis holds for one response: the sealed JSON and the version of the key that sealed it. */
interface SealedRecord {
  keyVersion: number;
  iv: string;
  tag: string;
  ciphertext: string;
}

/**
 * The Responses API's state (`previous_response_id`, `GET` and `DELETE /v1/responses/{id}`): each stored response in
 * Redis under its tenant's key (`{t:<tenant>}:responses:<id>`), so a tenant can only ever name its own, sealed with
 * the call log's keys (AES-256-GCM, the tenant and the id as associated data: a record copied under another tenant or
 * id does not open) and expiring after the retention. Nothing of a response's content is ever logged.
 */
@Injectable()
export class ResponsesStore {
  private readonly logger = new Logger(ResponsesStore.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(RESPONSES_STORE_OPTIONS) private readonly options: ResponsesStoreOptions,
  ) {}

  /** False when the gateway keeps no responses (retention 0): answers say `store: false`. */
  get enabled(): boolean {
    return this.options.retentionHours > 0;
  }

  /**
   * Keeps the response for the retention. Never throws: a response too large, a Redis that fails or does not answer
   * in time, is reported (without content) and the caller answers with `store: false`, the answer itself intact.
   */
  async save(tenantId: string, stored: StoredResponse): Promise<SaveOutcome> {
    const id = stored.response.id;
    const json = JSON.stringify(stored);
    if (Buffer.byteLength(json, 'utf8') > this.options.maxStoredBytes) {
      this.logger.warn(
        { tenantId, responseId: id, maxBytes: this.options.maxStoredBytes },
        'response too large to store',
      );
      return 'too_large';
    }
    const ttlSeconds = this.options.retentionHours * 3_600;
    const saving = this.redis.set(this.keyOf(tenantId, id), this.seal(tenantId, id, json), 'EX', ttlSeconds);
    try {
      await withDeadline(saving, this.options.saveTimeoutMs);
      return 'stored';
    } catch (error) {
      // A save that lands after the deadline stores a response its answer called unstored: harmless, it is the
      // client's own and expires like any other.
      saving.catch(() => undefined);
      this.logger.warn({ tenantId, responseId: id, err: errorName(error) }, 'response not stored');
      return 'failed';
    }
  }

  /** The tenant's stored response, or null (never stored, another tenant's, expired, deleted, or unreadable). */
  async find(tenantId: string, id: string): Promise<StoredResponse | null> {
    if (!this.enabled || !RESPONSE_ID.test(id)) return null;
    let value: string | null;
    try {
      value = await this.redis.get(this.keyOf(tenantId, id));
    } catch {
      throw GatewayError.serviceUnavailable('Stored responses cannot be read right now; try again shortly.');
    }
    if (value === null) return null;
    try {
      return JSON.parse(this.open(tenantId, id, value)) as StoredResponse;
    } catch (error) {
      // Sealed under a key no longer configured, or altered: as good as gone.
      this.logger.warn({ tenantId, responseId: id, err: errorName(error) }, 'stored response cannot be read');
      return null;
    }
  }

  /** Removes the tenant's stored response; false when it had none of that id. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    if (!this.enabled || !RESPONSE_ID.test(id)) return false;
    try {
      return (await this.redis.del(this.keyOf(tenantId, id))) > 0;
    } catch {
      throw GatewayError.serviceUnavailable('Stored responses cannot be changed right now; try again shortly.');
    }
  }

  /** `GET /v1/responses/{id}`: the Response object; 404 in OpenAI's shape when the tenant has none of that id. */
  async retrieve(tenantId: string, id: string): Promise<ResponsesResponse> {
    const stored = await this.find(tenantId, id);
    if (stored === null) throw responseNotFound(id);
    return stored.response;
  }

  /** `DELETE /v1/responses/{id}`, answered as OpenAI does. */
  async remove(tenantId: string, id: string): Promise<{ id: string; object: 'response'; deleted: true }> {
    if (!(await this.delete(tenantId, id))) throw responseNotFound(id);
    return { id, object: 'response', deleted: true };
  }

  /**
   * The conversation a request's `previous_response_id` carries on; 400 naming the parameter when the tenant has no
   * such response (or the gateway keeps none), as OpenAI words it.
   */
  async conversation(tenantId: string, id: string): Promise<ResponsesInputItem[]> {
    if (!this.enabled) {
      throw GatewayError.of(
        GatewayErrorCode.InvalidRequest,
        `Previous response with id '${id}' not found: responses are not kept by this gateway.`,
        'previous_response_id',
      );
    }
    const stored = await this.find(tenantId, id);
    if (stored === null) {
      throw GatewayError.of(
        GatewayErrorCode.InvalidRequest,
        `Previous response with id '${id}' not found.`,
        'previous_response_id',
      );
    }
    return stored.conversation;
  }

  private keyOf(tenantId: string, id: string): string {
    return this.keys.tenant(tenantId, 'responses', id);
  }

  private seal(tenantId: string, id: string, json: string): string {
    const sealed = encryptUnderCallLogKeys(json, this.options.keyring, associatedData(tenantId, id));
    const record: SealedRecord = {
      keyVersion: sealed.keyVersion,
      iv: base64(sealed.iv),
      tag: base64(sealed.authTag),
      ciphertext: base64(sealed.ciphertext),
    };
    return JSON.stringify(record);
  }

  private open(tenantId: string, id: string, value: string): string {
    const record = JSON.parse(value) as SealedRecord;
    return decryptUnderCallLogKeys(
      {
        keyVersion: record.keyVersion,
        iv: Buffer.from(record.iv, 'base64'),
        authTag: Buffer.from(record.tag, 'base64'),
        ciphertext: Buffer.from(record.ciphertext, 'base64'),
      },
      this.options.keyring,
      associatedData(tenantId, id),
    );
  }
}

/** Names what the sealed text belongs to; unlike the call log's (`call-log-body\n…`), so neither opens as the other. */
function associatedData(tenantId: string, id: string): string {
  return `responses-state\n${tenantId}\n${id}`;
}

/** OpenAI's answer for a response id it does not have (another tenant's is one of those). */
function responseNotFound(id: string): GatewayError {
  return new GatewayError(404, 'not_found', 'invalid_request_error', `Response with id '${id}' not found.`);
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the save did not finish in time')), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** An error's name and message only: never a value it may hold. */
function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
