import { type DynamicModule, Module } from '@nestjs/common';
import { type CallLogKeyring } from '@gatehouse/domain';
import {
  DEFAULT_MAX_STORED_BYTES,
  DEFAULT_SAVE_TIMEOUT_MS,
  RESPONSES_STORE_OPTIONS,
  ResponsesStore,
  type ResponsesStoreOptions,
} from './responses-store';

export interface ResponsesModuleOptions {
  retentionHours: number;
  keyring: CallLogKeyring;
  /** Tests lower the size cap and the save's deadline. */
  store?: Partial<Pick<ResponsesStoreOptions, 'maxStoredBytes' | 'saveTimeoutMs'>>;
}

/** The Responses API's stored responses (Redis, through the app's shared connection), for the pipeline's routes. */
@Module({})
export class ResponsesModule {
  static forRoot(options: ResponsesModuleOptions): DynamicModule {
    const storeOptions: ResponsesStoreOptions = {
      retentionHours: options.retentionHours,
      keyring: options.keyring,
      maxStoredBytes: options.store?.maxStoredBytes ?? DEFAULT_MAX_STORED_BYTES,
      saveTimeoutMs: options.store?.saveTimeoutMs ?? DEFAULT_SAVE_TIMEOUT_MS,
    };
    return {
      module: ResponsesModule,
      providers: [{ provide: RESPONSES_STORE_OPTIONS, useValue: storeOptions }, ResponsesStore],
      exports: [ResponsesStore],
    };
  }
}
