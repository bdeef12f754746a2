import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now, for a server started as another process: the server does not
 * print the port it got from PORT=0, so the caller picks one.
 */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}
