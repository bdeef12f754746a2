import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test starts in front of a real server (PostgreSQL, a broker) and cuts to play an outage:
 * `cut('refuse')` resets every open connection and stops listening (new connects get ECONNREFUSED, as with
 * a server that is gone); `cut('blackhole')` resets them and then accepts connections but forwards
 * nothing (a host that drops packets: only timeouts notice). `restore()` forwards again on the same port.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly open = new Set<Socket>();
  private mode: 'open' | 'refuse' | 'blackhole' = 'open';
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen(0);
    return proxy;
  }

  get state(): 'open' | 'refuse' | 'blackhole' {
    return this.mode;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address !== 'string') this.port = address.port;
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') return; // held open, never answered
    const upstream = connect(this.target.port, this.target.host);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }

  private track(s: Socket): void {
    this.open.add(s);
    s.on('close', () => this.open.delete(s));
  }

  private resetAll(): void {
    for (const s of this.open) s.resetAndDestroy();
    this.open.clear();
  }

  async cut(mode: 'refuse' | 'blackhole' = 'refuse'): Promise<void> {
    this.mode = mode;
    this.resetAll();
    if (mode === 'refuse') await this.stopListening();
  }

  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'open';
    if (was === 'blackhole') this.resetAll();
    if (!this.server) await this.listen(this.port);
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.resetAll();
    await this.stopListening();
  }
}
