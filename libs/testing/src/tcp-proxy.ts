import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

/**
 * A TCP forwarder on 127.0.0.1 in front of a real service (Redis, Postgres), which a test can cut and restore to
 * play an outage of that service without stopping the one every other suite shares. While cut, open connections
 * are destroyed and new ones are refused at once. It can also swallow what clients send while their connections
 * stay up (`blackHole`): a partition that the client only learns of from its own timeouts.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private cutOff = false;
  private swallowing = false;
  private listeningPort = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.forward(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.listeningPort = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  private forward(client: Socket): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const towardsService = new Transform({
      transform: (chunk: Buffer, _encoding, done) => done(null, this.swallowing ? undefined : chunk),
    });
    client.pipe(towardsService).pipe(upstream).pipe(client);
  }

  /** `redis://127.0.0.1:<port>` style URL of the proxy, for a service URL whose host and port it replaces. */
  url(serviceUrl: string): string {
    const url = new URL(serviceUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** The outage: every connection through the proxy drops, and new ones are refused until `restore`. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** What clients send from now on is dropped, their connections kept open: no answer ever comes. */
  blackHole(): void {
    this.swallowing = true;
  }

  restore(): void {
    this.cutOff = false;
    this.swallowing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
