import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { LAYER_IDS, LIVE_PROTOCOL_VERSION } from '@hue-ioc/layers';
import { signBody } from '@hue-ioc/streams';
import { DISPLAY_TOKEN, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, type Session } from './support/auth.ts';

/**
 * Personal-data scan (Decree 13/2023/NĐ-CP): an hour of the simulated city (citizens' reports with their
 * names and phones, hotline calls with callers' numbers) flows through the server while a client of each
 * role records every /live payload and the REST reads it may make; none of them may carry a reporter's
 * name or an unmasked phone number.
 */
const SECRET = 'test-pd-secret-46-hue';
const PHONE = /(?:\+84|\b0)(?:[\s.]?\d){9,10}\b/;

describe('personal data never reaches a role that has no need of it', () => {
  let ioc: RunningIoc;
  const received = new Map<string, string[]>();
  const sockets: Socket[] = [];
  const sessions = new Map<string, Session>();

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: {
        simulator: true,
        // An hour of the city in ~15 s; the model starts at now, so reports come by day or (urgent) by night.
        simulatorSpeed: 300,
        ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET },
      },
    });
    await ioc.app.ready();
    for (const role of ['operator', 'agency', 'leader', 'supervisor'] as const)
      sessions.set(role, await sessionFor(ioc.app, role));
    const listen = (name: string, opts: { token?: string; cookie?: string }) => {
      const socket = ioClient(`${ioc.baseUrl}/live`, {
        auth: { protocol: LIVE_PROTOCOL_VERSION, ...(opts.token ? { token: opts.token } : {}) },
        transports: ['websocket'],
        forceNew: true,
        ...(opts.cookie ? { extraHeaders: { cookie: opts.cookie } } : {}),
      });
      const log: string[] = [];
      received.set(name, log);
      socket.onAny((event, payload) => log.push(`${event} ${JSON.stringify(payload)}`));
      socket.on('connect', () => {
        for (const layer of LAYER_IDS)
          socket.emit('subscribe', { layer }, (ack: unknown) => log.push(`ack ${JSON.stringify(ack)}`));
      });
      sockets.push(socket);
    };
    listen('display', { token: DISPLAY_TOKEN });
    for (const [role, s] of sessions) listen(role, { cookie: s.cookie });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await ioc?.close();
  });

  it('keeps names and phone numbers out of every /live payload and every REST read of the wall roles', async () => {
    // The simulated city files reports by the model's hour of day: late in the evening in Huế it files few,
    // and after midnight Hue-S takes only urgent ones. So five citizens report here too, as Hue-S signs them,
    // whatever the hour the test runs at; the simulator's reports and calls come on top.
    for (let i = 0; i < 5; i++) {
      const raw = JSON.stringify({
        id: `hs-pd-${Date.now()}-${i}`,
        category: 'Môi trường, rác thải',
        description: `Rác thải tồn đọng trước số ${10 + i} Lê Lợi.`,
        lat: 16.44 + i * 0.02,
        lon: 107.56 + i * 0.02,
        media: [],
        reporter: { name: `Trần Thị Bình ${i}`, phone: `090512340${i}` },
        created_at: new Date().toISOString(),
      });
      const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
      expect(res.status).toBeLessThan(300);
    }
    // Wait until the citizens' reports with names and phones are stored.
    const people = await waitFor(
      'reports with reporters',
      async () => {
        const rows = await ioc.app.db.query<{ name: string | null; phone: string | null }>(
          `SELECT reporter->>'name' AS name, reporter->>'phone' AS phone FROM incidents WHERE reporter->>'phone' IS NOT NULL`,
        );
        return rows.length >= 5 ? rows : undefined;
      },
      45_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // let the last deltas reach every client
    for (const role of ['display', 'operator', 'agency', 'leader']) {
      for (const path of ['/api/devices', '/api/kpis', '/api/agencies', '/api/wards']) {
        const headers: Record<string, string> =
          role === 'display' ? { authorization: `Bearer ${DISPLAY_TOKEN}` } : sessions.get(role)!.headers();
        const res = await fetch(`${ioc.baseUrl}${path}`, { headers });
        received.get(role)!.push(`GET ${path} ${res.status} ${await res.text()}`);
      }
    }

    const names = people.map((p) => p.name).filter((n): n is string => !!n && n.length > 3);
    const phones = people.map((p) => p.phone!.replace(/\D/g, '').slice(-9));
    expect(names.length).toBeGreaterThan(0);
    for (const [role, log] of received) {
      const all = log.join('\n');
      expect(log.length, `${role} received something`).toBeGreaterThan(5);
      for (const name of names) expect(all.includes(name), `${role} saw reporter name "${name}"`).toBe(false);
      for (const digits of phones)
        expect(all.replace(/\D/g, '').includes(digits), `${role} saw phone …${digits.slice(-3)}`).toBe(false);
      const phoneLike = all.match(PHONE);
      expect(phoneLike?.[0] ?? null, `${role}: phone-like text`).toBeNull();
    }
    // The agency account only ever saw its own agency's incidents.
    const agencyLog = received.get('agency')!.join('\n');
    const foreign = [...agencyLog.matchAll(/"agencyId":"([^"]+)"/g)]
      .map((m) => m[1])
      .filter((a) => a !== 'so-xay-dung');
    expect(foreign).toEqual([]);
  });
});
