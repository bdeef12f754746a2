// Part of scripts/fresh-clone-check.sh, run inside the fresh clone against its `npm start`:
//   node scripts/fresh-clone-probe.mjs <http base url> <mqtt url>
// A /live client that sends only { token } (no `protocol`, no `encoding`) subscribes to the sensors layer;
// one Kim Long reading published over MQTT (QoS 1) must reach it, in the snapshot or a delta. The simulator
// of `npm start` also publishes Kim Long readings and deltas are coalesced per feature, so the reading is
// matched by its own timestamp, and published again with a new one if a later reading hid it.
import mqtt from 'mqtt';
import { io } from 'socket.io-client';

const [baseUrl, mqttUrl] = process.argv.slice(2);
if (!baseUrl || !mqttUrl) {
  console.error('usage: node scripts/fresh-clone-probe.mjs <http base url> <mqtt url>');
  process.exit(2);
}
const TOPIC = 'hue/sensors/water_level/kim-long';
const VALUE = 2.4;
const TRIES = 4;
const WAIT_PER_TRY_MS = 15_000;

const log = (msg) => console.log(`probe: ${msg}`);
const fail = (msg) => {
  console.error(`probe: FAILED: ${msg}`);
  process.exit(1);
};
setTimeout(() => fail('no result within 120 s'), 120_000).unref();

const socket = io(`${baseUrl}/live`, {
  auth: { token: 'hue-demo-display' },
  transports: ['websocket'],
  reconnection: false,
});
const sent = new Set();
let seen = null;
let layerSeq = null;
const look = (features, via) => {
  for (const f of features) {
    if (f.id === 'kim-long' && f.props?.value === VALUE && sent.has(f.props.observedAt)) {
      seen ??= { via, observedAt: f.props.observedAt, alarmLevel: f.props.alarmLevel };
    }
  }
};
socket.on('layer:snapshot', (s) => {
  if (s.layer !== 'sensors') return;
  if (s.columns)
    fail('got a columnar snapshot although the handshake asked for no encoding (json is the default)');
  layerSeq = s.seq;
  log(`layer:snapshot sensors seq=${s.seq}, ${s.features.length} features`);
  look(s.features, `layer:snapshot seq=${s.seq}`);
});
socket.on('layer:delta', (d) => {
  if (d.layer !== 'sensors') return;
  if (layerSeq !== null && d.from !== layerSeq) log(`delta from ${d.from} while at ${layerSeq} (gap)`);
  layerSeq = d.seq;
  look(d.upserts, `layer:delta ${d.from}→${d.seq}`);
});

await new Promise((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('connect_error', (e) =>
    reject(new Error(`/live refused the handshake { token }: ${e.message}`)),
  );
}).catch((e) => fail(e.message));
log(`connected to ${baseUrl}/live with auth { token } only`);

const ack = await socket
  .timeout(10_000)
  .emitWithAck('subscribe', { layer: 'sensors' })
  .catch((e) => fail(`subscribe: no ack (${e.message})`));
if (!ack?.ok) fail(`subscribe refused: ${JSON.stringify(ack)}`);
log(`subscribe ack: ${JSON.stringify(ack)}`);

const client = await mqtt.connectAsync(mqttUrl, {
  clientId: `fresh-clone-probe-${process.pid}`,
  reconnectPeriod: 0,
});
for (let attempt = 1; attempt <= TRIES && !seen; attempt++) {
  const ts = new Date().toISOString();
  sent.add(ts);
  await client.publishAsync(TOPIC, JSON.stringify({ ts, value: VALUE }), { qos: 1 });
  log(`published ${TOPIC} {"ts":"${ts}","value":${VALUE}} (QoS 1, acknowledged by the broker)`);
  const until = Date.now() + WAIT_PER_TRY_MS;
  while (!seen && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (!seen) log(`not seen within ${WAIT_PER_TRY_MS / 1000} s${attempt < TRIES ? ', publishing again' : ''}`);
}
await client.endAsync();
socket.close();
if (!seen) fail(`the /live client never saw kim-long = ${VALUE}`);
log(
  `kim-long = ${VALUE} seen in ${seen.via} (observedAt ${seen.observedAt}, alarm level ${seen.alarmLevel})`,
);
