/**
 * Load generators and bare baselines run as child processes (node + tsx), so their CPU and memory are not the
 * server's: each gets its configuration as one JSON argument, talks over the IPC channel, lives at most
 * `limitMs` (it exits by itself after that) and dies with its parent.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export type ChildMessage = { type: string } & Record<string, unknown>;

export class Child {
  private readonly waiting: { type: string; resolve: (m: ChildMessage) => void }[] = [];
  private readonly inbox: ChildMessage[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: ChildMessage) => {
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
      else this.inbox.push(m);
    });
    this.exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  }

  /** The next message of `type` from the child (one already received counts). */
  next(type: string, timeoutMs = 120_000): Promise<ChildMessage> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`child ${this.proc.pid}: no '${type}' in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const fail = (code: number | null) =>
        rej(new Error(`child ${this.proc.pid} exited (${code}) before '${type}'`));
      void this.exited.then(fail);
      this.waiting.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          res(m);
        },
      });
    });
  }

  send(m: ChildMessage): void {
    if (this.proc.connected) this.proc.send(m);
  }

  /** Asks the child to stop, then kills it (by its own pid) if it has not gone within `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `bench/load/<script>` with `config`; resolves once it said `ready`. */
export async function startChild(
  script: string,
  config: Record<string, unknown>,
  opts: { limitMs: number; nodeArgs?: string[]; readyTimeoutMs?: number },
): Promise<{ child: Child; ready: ChildMessage }> {
  const file = resolve(import.meta.dirname, '..', 'load', script);
  const proc = fork(file, [JSON.stringify({ ...config, limitMs: opts.limitMs })], {
    execArgv: ['--import', 'tsx', ...(opts.nodeArgs ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const child = new Child(proc);
  const ready = await child.next('ready', opts.readyTimeoutMs ?? 120_000);
  return { child, ready };
}

/** The child side: its configuration, its bounded lifetime, and messages to and from the parent. */
export function childSide<C>(): {
  config: C & { limitMs: number };
  send(m: ChildMessage): void;
  on(type: string, fn: (m: ChildMessage) => void | Promise<void>): void;
} {
  const config = JSON.parse(process.argv[2] ?? '{}') as C & { limitMs: number };
  // Bounded in time: a generator whose parent hung or died never outlives the run.
  setTimeout(() => process.exit(3), config.limitMs).unref();
  process.on('disconnect', () => process.exit(0));
  const handlers = new Map<string, (m: ChildMessage) => void | Promise<void>>();
  process.on('message', (m: ChildMessage) => {
    if (m.type === 'stop' && !handlers.has('stop')) process.exit(0);
    void handlers.get(m.type)?.(m);
  });
  return {
    config,
    send: (m) => process.send?.(m),
    on: (type, fn) => handlers.set(type, fn),
  };
}
