import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type UsageIngestionRepository } from '@gatehouse/db';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { type UsageFollowUp } from './usage-ingestion.service';

/**
 * Keys' `lastUsedAt`, written behind: each batch only notes every key's latest use in memory, and the notes are
 * written in one statement once per interval (and at shutdown). A key is therefore written at most once per
 * interval per worker process however busy it is, instead of once per request. A crash loses at most the last
 * interval's notes, which only makes `lastUsedAt` that much older: it is a hint for people, never a limit.
 */
export class KeyLastUsedWriter implements UsageFollowUp, OnModuleInit, OnModuleDestroy {
  readonly name = 'lastUsedAt';
  private readonly logger = new Logger('KeyLastUsedWriter');
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: Pick<UsageIngestionRepository, 'recordKeysLastUsed'>,
    private readonly intervalMs: number,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  afterBatch(events: readonly UsageRecordedV1[]): void {
    for (const event of events) {
      const at = new Date(event.occurredAt);
      const noted = this.pending.get(event.apiKeyId);
      if (!noted || noted < at) this.pending.set(event.apiKeyId, at);
    }
  }

  /** Writes the notes taken since the last flush; on failure they are kept for the next one. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const notes = this.pending;
    this.pending = new Map();
    try {
      await this.repository.recordKeysLastUsed(notes);
    } catch (cause) {
      for (const [keyId, at] of notes) {
        const newer = this.pending.get(keyId);
        if (!newer || newer < at) this.pending.set(keyId, at);
      }
      this.logger.warn(`could not write keys' last use: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
}
