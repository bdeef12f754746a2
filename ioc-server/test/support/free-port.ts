import { createServer } from 'node:net';

/** Ports this process has handed out: the kernel may give a port back again once its probe closed. */
const handedOut = new Set<number>();

function probePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * A TCP port free on 127.0.0.1 right now, for a server started as another process: the server does not
 * print the port it got from PORT=0, so the caller picks one. Never the same port twice in one process
 * (two calls in a row could otherwise both get the port the kernel just released: PORT and MQTT_PORT equal).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('freePort: no new free port after 50 probes');
}
