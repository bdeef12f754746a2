import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';

export class PortInUseError extends Error {
  readonly code = 'IOC_MQTT_PORT_IN_USE';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `MQTT port ${host}:${port} is already in use — another MQTT broker (such as Mosquitto) or program is listening there. ` +
        `Set MQTT_URL=mqtt://127.0.0.1:${port} to use that broker, or MQTT_PORT to another port for the embedded one.`,
    );
    this.name = 'PortInUseError';
  }
}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * An in-process MQTT 3.1.1 broker (aedes) for the embedded default. aedes refuses MQTT 5, so our clients
 * connect with protocolVersion 4. Port 0 picks a free port.
 */
export async function startEmbeddedBroker(opts: { port: number; host?: string }): Promise<EmbeddedBroker> {
  const host = opts.host ?? '0.0.0.0';
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, opts.port) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, host);
  }).catch(async (err: unknown) => {
    await new Promise<void>((r) => broker.close(() => r()));
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
