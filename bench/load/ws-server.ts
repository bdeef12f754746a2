/**
 * The bare baseline server (child process): a plain `ws` server on loopback. `relay`: subscribes to MQTT and
 * sends every reading at once to every client as a one-feature delta (JSON, serialised once per message);
 * `broadcast` (command): sends one given frame to every client again and again for `seconds`, as fast as the
 * sockets drain (a client with over 1 MiB buffered is skipped that round, as /live skips a slow client);
 * `idle`: holds connections. `rss` (command): the process's RSS after a full GC (run with --expose-gc).
 */
import mqtt from 'mqtt';
import { WebSocketServer, WebSocket } from 'ws';
import { childSide } from '../lib/proc.ts';

interface Config {
  mode: 'relay' | 'broadcast' | 'idle';
  mqttUrl?: string;
}

const side = childSide<Config>();
const c = side.config;
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  clientTracking: true,
});
await new Promise((r) => wss.once('listening', r));

const broadcast = (frame: string | Buffer) => {
  let sent = 0;
  for (const ws of wss.clients) {
    if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > 1 << 20) continue;
    ws.send(frame);
    sent++;
  }
  return sent;
};

let mq: mqtt.MqttClient | null = null;
if (c.mode === 'relay' && c.mqttUrl) {
  mq = await mqtt.connectAsync(c.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, clean: true });
  mq.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString('utf8')) as { ts: string; value: number };
    const id = topic.slice(topic.lastIndexOf('/') + 1);
    broadcast(
      JSON.stringify({
        layer: 'sensors',
        upserts: [{ id, position: null, props: { value: body.value, observedAt: body.ts } }],
        removes: [],
      }),
    );
  });
  await mq.subscribeAsync('hue/sensors/+/+', { qos: 1 });
}

side.on('broadcast', async (m) => {
  const frame = Buffer.from(m.frame as string);
  const end = Date.now() + (m.seconds as number) * 1000;
  let frames = 0;
  while (Date.now() < end) {
    frames += broadcast(frame);
    await new Promise((r) => setImmediate(r));
  }
  side.send({ type: 'broadcasted', frames });
});
side.on('rss', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  side.send({ type: 'rss', rss: process.memoryUsage().rss, clients: wss.clients.size, gc: !!gc });
});
side.on('stop', async () => {
  await mq?.endAsync();
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  process.exit(0);
});
side.send({ type: 'ready', port: (wss.address() as { port: number }).port });
