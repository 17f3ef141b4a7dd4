import { type Server } from 'node:http';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** How long a shutdown waits for the responses in flight (long streams) before it cuts them. */
export const SHUTDOWN_GRACE_MS = 30_000;
const IDLE_SWEEP_MS = 100;

/**
 * A graceful shutdown that finishes the streams in flight. Nest closes the HTTP server after the
 * `beforeApplicationShutdown` hooks: from then on new connections are refused and the server waits for the open
 * ones. But a keep-alive connection whose response finished during that wait stays open until its idle timeout,
 * since Node only closes the connections that are idle at the moment `close()` is called. So while the server
 * drains, idle connections are closed every 100 ms; after the grace period the rest are cut.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private sweep: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server | undefined;
    if (server === undefined || typeof server.closeIdleConnections !== 'function') return;
    this.sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    this.deadline = setTimeout(() => {
      this.logger.warn(`responses still open after ${SHUTDOWN_GRACE_MS} ms of shutdown are cut`);
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    this.sweep.unref();
    this.deadline.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweep !== null) clearInterval(this.sweep);
    if (this.deadline !== null) clearTimeout(this.deadline);
  }
}
