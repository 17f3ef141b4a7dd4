import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import {
  DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS,
  KEY_SNAPSHOT_CACHE_OPTIONS,
  KeySnapshotCache,
  type KeySnapshotCacheOptions,
} from './key-snapshot.cache';

/** Key authentication: the snapshot cache and the global guard. */
@Module({})
export class AuthModule {
  static forRoot(options: Partial<KeySnapshotCacheOptions> = {}): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: KEY_SNAPSHOT_CACHE_OPTIONS, useValue: { ...DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS, ...options } },
        KeySnapshotCache,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [KeySnapshotCache, KEY_SNAPSHOT_CACHE_OPTIONS],
    };
  }
}
