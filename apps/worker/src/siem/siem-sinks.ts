import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { checkedAddress, guardedConnector, type OutboundGuard } from '@gatehouse/egress';
import { Agent, request } from 'undici';
import { jsonLinesBody, octetCountedFrame, type SiemRecord, splunkHecBody, syslogMessage } from './siem-records';

/** One send waits at most this long for the connection, the receiver's headers, and its body. */
export const SIEM_SEND_TIMEOUT_MS = 10_000;

/** A place records are exported to. `send` resolves only once the sink has acknowledged every record given. */
export interface SiemSink {
  /** The cursor's and the metrics' name for the sink. */
  readonly name: string;
  send(records: readonly SiemRecord[]): Promise<void>;
  close(): Promise<void>;
}

export type SiemHttpFormat = 'jsonl' | 'splunk-hec';

export interface HttpSinkOptions {
  url: string;
  format: SiemHttpFormat;
  /** Sent as `Authorization: Splunk <token>` (HEC) or `Bearer <token>` (JSON lines); none when null. */
  token: string | null;
  guard: OutboundGuard;
}

/** Posts a batch in one request; any answer but 2xx fails the whole batch. Connections go through the outbound guard. */
export class HttpSiemSink implements SiemSink {
  readonly name = 'http';
  private readonly dispatcher: Agent;

  constructor(private readonly options: HttpSinkOptions) {
    this.dispatcher = new Agent({
      connect: guardedConnector({ ...options.guard, connectTimeoutMs: SIEM_SEND_TIMEOUT_MS }),
    });
  }

  async send(records: readonly SiemRecord[]): Promise<void> {
    const hec = this.options.format === 'splunk-hec';
    const headers: Record<string, string> = {
      'content-type': hec ? 'application/json' : 'application/x-ndjson',
      'user-agent': 'Gatehouse-SIEM/1',
    };
    if (this.options.token !== null) headers.authorization = `${hec ? 'Splunk' : 'Bearer'} ${this.options.token}`;
    const response = await request(this.options.url, {
      dispatcher: this.dispatcher,
      method: 'POST',
      headers,
      body: hec ? splunkHecBody(records) : jsonLinesBody(records),
      headersTimeout: SIEM_SEND_TIMEOUT_MS,
      bodyTimeout: SIEM_SEND_TIMEOUT_MS,
    });
    // The answer is not used; reading it frees the connection.
    await response.body.dump({ limit: 64 * 1024 });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new Error(`the receiver answered ${response.statusCode}`);
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/**
 * Syslog (RFC 5424) over TCP with octet-counting framing (RFC 6587), or over UDP one datagram per message. A batch
 * counts as acknowledged once its bytes are flushed to the socket (TCP) or handed to the network (UDP): syslog has
 * no application-level acknowledgement. The host is checked by the outbound guard at every (re)connection.
 */
export class SyslogSiemSink implements SiemSink {
  readonly name = 'syslog';
  private socket: Socket | null = null;

  constructor(
    private readonly url: URL,
    private readonly guard: OutboundGuard,
  ) {}

  async send(records: readonly SiemRecord[]): Promise<void> {
    const messages = records.map((record) => syslogMessage(record));
    if (this.url.protocol === 'udp:') return this.sendDatagrams(messages);
    const socket = await this.connected();
    try {
      await new Promise<void>((resolve, reject) => {
        socket.write(messages.map(octetCountedFrame).join(''), (error) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.end(resolve));
  }

  private async connected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const host = await checkedAddress(this.url.hostname, this.guard);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const opening = connect({ host, port: Number(this.url.port), timeout: SIEM_SEND_TIMEOUT_MS });
      opening.once('connect', () => resolve(opening));
      opening.once('timeout', () => opening.destroy(new Error('the syslog receiver did not answer in time')));
      opening.once('error', reject);
    });
    socket.setTimeout(0);
    // A receiver that closes or fails is reconnected at the next send; the batch in flight fails and is sent again.
    socket.on('error', () => this.drop());
    socket.on('close', () => this.drop());
    this.socket = socket;
    return socket;
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private async sendDatagrams(messages: readonly string[]): Promise<void> {
    const host = await checkedAddress(this.url.hostname, this.guard);
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    try {
      for (const message of messages) {
        await new Promise<void>((resolve, reject) =>
          socket.send(message, Number(this.url.port), host, (error) => (error ? reject(error) : resolve())),
        );
      }
    } finally {
      socket.close();
    }
  }
}
