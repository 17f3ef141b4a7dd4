import { type DynamicModule, Module } from '@nestjs/common';
import {
  DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS,
  KEY_SNAPSHOT_CACHE_OPTIONS,
  KeySnapshotCache,
  type KeySnapshotCacheOptions,
} from './key-snapshot.cache';

/** API keys' snapshots (memory, Redis, Postgres), for the pipeline's authenticate stage. */
@Module({})
export class AuthModule {
  static forRoot(options: Partial<KeySnapshotCacheOptions> = {}): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: KEY_SNAPSHOT_CACHE_OPTIONS, useValue: { ...DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS, ...options } },
        KeySnapshotCache,
      ],
      exports: [KeySnapshotCache, KEY_SNAPSHOT_CACHE_OPTIONS],
    };
  }
}
