import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '@hue-ioc/streams';
import {
  KPI_CATALOGUE,
  type Briefing,
  type KpiCatalogueEntry,
  type KpiCatalogueInput,
  type KpiCatalogueList,
  type KpiItem,
} from '@hue-ioc/layers';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, type Session } from './support/auth.ts';

/**
 * The KPI catalogue an admin extends (issue 13, item 1): the table seeded from layers' KPI_CATALOGUE, the
 * admin API with its version check and audit rows, the KPI webhook checking ids, activity and unit ranges
 * against it (refusals dead-lettered and counted), and a new indicator reaching GET /api/briefing under
 * its pillar and GET /api/kpis with its label.
 */
const SECRET = 'test-kpi-catalogue-secret-46';
type Json = { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;

let ioc: RunningIoc;
let admin: Session;
const roles: Record<string, Session> = {};

beforeAll(async () => {
  ioc = await startIoc({
    overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
  });
  admin = await sessionFor(ioc.app, 'admin');
  for (const role of ['supervisor', 'operator', 'leader', 'agency'] as const)
    roles[role] = await sessionFor(ioc.app, role);
}, 120_000);
afterAll(() => ioc?.close());

const call = async (method: string, path: string, s: Session, body?: unknown) => {
  const res = await fetch(`${ioc.baseUrl}${path}`, {
    method,
    headers: {
      ...s.headers(method !== 'GET'),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
};
const put = (id: string, body: unknown, s: Session = admin) =>
  call('PUT', `/api/admin/kpi-catalogue/${id}`, s, body);

async function sample(body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${ioc.baseUrl}/api/ingest/kpi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)) },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Json };
}
const province = { level: 'province', code: '46' };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const lastDeadLetter = async () =>
  (
    await ioc.app.db.query<{ reason_code: string; payload: Buffer }>(
      `SELECT reason_code, payload FROM dead_letters WHERE source = 'kpi' ORDER BY id DESC LIMIT 1`,
    )
  )[0];
const rejects = async (code: string) =>
  (await ioc.app.metrics.webhookRejects.get()).values.find(
    (v) => v.labels.source === 'kpi' && v.labels.code === code,
  )?.value ?? 0;

// A Kinh tế số indicator Huế's finance department might report: QR payments at the Đông Ba market stalls.
const QR: KpiCatalogueInput = {
  pillar: 'kinh_te_so',
  label: { vi: 'Tiểu thương chợ Đông Ba nhận thanh toán QR', en: 'Đông Ba market stalls taking QR payments' },
  unit: '%',
  target: 80,
  goodDirection: 'up',
  description: 'Sở Công Thương báo cáo hằng tháng.',
  active: true,
  expectedVersion: 0,
};

describe('the KPI catalogue', () => {
  it('is seeded from KPI_CATALOGUE at start, every entry at version 1 by "seed"', async () => {
    const res = await call('GET', '/api/admin/kpi-catalogue', admin);
    expect(res.status).toBe(200);
    const items = (res.body as unknown as KpiCatalogueList).items;
    expect(items.map((e) => e.id)).toEqual(KPI_CATALOGUE.map((k) => k.id));
    for (const k of KPI_CATALOGUE) {
      expect(items.find((e) => e.id === k.id)).toMatchObject({
        pillar: k.pillar,
        label: { vi: k.vi, en: k.en },
        unit: k.unit,
        target: k.target ?? null,
        goodDirection: k.higherIsBetter ? 'up' : 'down',
        active: true,
        version: 1,
        updatedBy: 'seed',
      });
    }
    // Seeding again (another start) adds nothing and keeps what is there.
    await ioc.app.db.query(
      `UPDATE kpi_catalogue SET label_en = 'Calls to 19001075' WHERE id = 'cuoc_goi_tong_dai'`,
    );
    const again = await ioc.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM kpi_catalogue`);
    const { KpiCatalogueRepository } = await import('../src/storage/kpi-catalogue.repository.ts');
    expect(await new KpiCatalogueRepository(ioc.app.db).seed(KPI_CATALOGUE)).toBe(0);
    expect(
      (await ioc.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM kpi_catalogue`))[0],
    ).toEqual(again[0]);
    expect(
      (
        await ioc.app.db.query<{ label_en: string }>(
          `SELECT label_en FROM kpi_catalogue WHERE id = 'cuoc_goi_tong_dai'`,
        )
      )[0],
    ).toEqual({ label_en: 'Calls to 19001075' });
  });

  it('is documented in the OpenAPI document with its schemas', async () => {
    const doc = (await (await fetch(`${ioc.baseUrl}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>>;
    };
    const one = doc.paths['/api/admin/kpi-catalogue/{id}'];
    expect(one?.put?.requestBody).toBeDefined();
    expect(Object.keys(one?.put?.responses ?? {})).toEqual(expect.arrayContaining(['200', '201', '409']));
    expect(one?.delete).toBeDefined();
    expect(doc.paths['/api/admin/kpi-catalogue']?.get).toBeDefined();
    expect(doc.paths['/api/kpis/catalogue']?.get).toBeDefined();
  });

  it('lets only admins list and edit it; every signed-in role reads the active entries', async () => {
    for (const [role, s] of Object.entries(roles)) {
      expect((await call('GET', '/api/admin/kpi-catalogue', s)).status, role).toBe(403);
      if (role !== 'leader') expect((await put('ty_le_thu_nghiem', QR, s)).status, role).toBe(403);
      expect((await call('GET', '/api/kpis/catalogue', s)).status, role).toBe(200);
    }
    // A leader is read-only: its PUT is refused too (403), and nothing was created by any of them.
    expect((await put('ty_le_thu_nghiem', QR, roles.leader!)).status).toBe(403);
    expect(ioc.app.kpiCatalogue.get('ty_le_thu_nghiem')).toBeUndefined();
    expect((await fetch(`${ioc.baseUrl}/api/admin/kpi-catalogue`)).status).toBe(401);
  });

  it('takes an indicator an admin adds: its signed sample is stored and shows on the briefing under its pillar', async () => {
    const created = await put('ty_le_tieu_thuong_qr', QR);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'ty_le_tieu_thuong_qr',
      version: 1,
      hasSamples: false,
      removable: true,
    });
    expect(created.body.updatedBy).toBe(admin.username);

    const res = await sample({
      kpi: 'ty_le_tieu_thuong_qr',
      scope: province,
      value: 63.5,
      ts: minutesAgo(5),
    });
    expect(res.status).toBe(201);

    const briefing = await call('GET', '/api/briefing?period=7d', roles.leader!);
    expect(briefing.status).toBe(200);
    const kpis = (briefing.body as unknown as Briefing).kpis;
    expect(kpis.find((k) => k.id === 'ty_le_tieu_thuong_qr')).toMatchObject({
      pillar: 'kinh_te_so',
      label: QR.label,
      value: 63.5,
      target: 80,
      unit: '%',
      goodDirection: 'up',
    });
    // Grouped with the seed's Kinh tế số indicators, after them (a new entry goes last).
    const pillarOrder = kpis.filter((k) => k.pillar === 'kinh_te_so').map((k) => k.id);
    expect(pillarOrder.at(-1)).toBe('ty_le_tieu_thuong_qr');

    const items = (await call('GET', '/api/kpis?level=province', roles.operator!)).body.items as KpiItem[];
    expect(items.find((i) => i.kpi === 'ty_le_tieu_thuong_qr')).toMatchObject({
      value: 63.5,
      target: 80,
      label: QR.label,
      unit: '%',
      pillar: 'kinh_te_so',
      goodDirection: 'up',
    });

    const audit = await ioc.app.db.query<{ actor_username: string; after: { label: { vi: string } } }>(
      `SELECT actor_username, after FROM audit_events WHERE action = 'kpi_catalogue.create' AND target_id = $1`,
      ['ty_le_tieu_thuong_qr'],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_username: admin.username, after: { label: { vi: QR.label.vi } } });
  });

  it('refuses an unknown id, a deactivated one and out-of-range values, each with its code and a dead letter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kpi: 'ty_le_khong_co', scope: province, value: 50, ts: minutesAgo(3) }, 'IOC_INGEST_UNKNOWN_KPI'],
      [{ kpi: 'constructor', scope: province, value: 50, ts: minutesAgo(3) }, 'IOC_INGEST_UNKNOWN_KPI'],
      [{ kpi: 'ty_le_hai_long', scope: province, value: 104.2, ts: minutesAgo(3) }, 'IOC_INGEST_KPI_RANGE'],
      [{ kpi: 'ty_le_hai_long', scope: province, value: -0.5, ts: minutesAgo(3) }, 'IOC_INGEST_KPI_RANGE'],
      [
        { kpi: 'ty_le_hai_long', scope: province, value: 91, target: 120, ts: minutesAgo(3) },
        'IOC_INGEST_KPI_RANGE',
      ],
      [{ kpi: 'cuoc_goi_tong_dai', scope: province, value: -3, ts: minutesAgo(3) }, 'IOC_INGEST_KPI_RANGE'],
      [{ kpi: 'cuoc_goi_tong_dai', scope: province, value: 12.5, ts: minutesAgo(3) }, 'IOC_INGEST_KPI_RANGE'],
    ];
    for (const [body, code] of cases) {
      const before = await rejects(code);
      const res = await sample(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe(code);
      const letter = await lastDeadLetter();
      expect(letter?.reason_code).toBe(code);
      expect(JSON.parse(Buffer.from(letter!.payload).toString('utf8'))).toEqual(body);
      expect(await rejects(code)).toBe(before + 1);
    }
    // The range check is the unit's: a count of 1 250 calls is fine.
    expect(
      (await sample({ kpi: 'cuoc_goi_tong_dai', scope: province, value: 1250, ts: minutesAgo(3) })).status,
    ).toBe(201);

    // Deactivated: its samples are refused (and it leaves the briefing), its history stays.
    const entry = ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')!;
    const off = await put('ty_le_tieu_thuong_qr', { ...QR, active: false, expectedVersion: entry.version });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({
      active: false,
      version: entry.version + 1,
      hasSamples: true,
      removable: false,
    });
    const refused = await sample({
      kpi: 'ty_le_tieu_thuong_qr',
      scope: province,
      value: 64,
      ts: minutesAgo(2),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('IOC_INGEST_KPI_INACTIVE');
    expect((await lastDeadLetter())?.reason_code).toBe('IOC_INGEST_KPI_INACTIVE');
    const briefing = (await call('GET', '/api/briefing?period=7d', admin)).body as unknown as Briefing;
    expect(briefing.kpis.some((k) => k.id === 'ty_le_tieu_thuong_qr')).toBe(false);
    const stored = await ioc.app.db.query(`SELECT 1 FROM kpi_samples WHERE kpi = 'ty_le_tieu_thuong_qr'`);
    expect(stored).toHaveLength(1);
  });

  it('answers a stale version 409 with the current entry, and changes nothing', async () => {
    const current = ioc.app.kpiCatalogue.get('ho_so_dung_han')!;
    const first = await put('ho_so_dung_han', {
      pillar: current.pillar,
      label: current.label,
      unit: current.unit,
      target: 97,
      goodDirection: current.goodDirection,
      active: true,
      expectedVersion: current.version,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ target: 97, version: current.version + 1 });
    // A second admin still holding the old version.
    const stale = await put('ho_so_dung_han', {
      pillar: current.pillar,
      label: current.label,
      unit: current.unit,
      target: 90,
      goodDirection: current.goodDirection,
      active: true,
      expectedVersion: current.version,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe('IOC_KPI_CATALOGUE_STALE');
    expect(stale.body.error?.details).toMatchObject({
      currentVersion: current.version + 1,
      current: { target: 97 },
    });
    expect(ioc.app.kpiCatalogue.get('ho_so_dung_han')?.target).toBe(97);
    // Creating an id that exists is stale too, not an overwrite.
    const again = await put('ty_le_hai_long', { ...QR, expectedVersion: 0 });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('IOC_KPI_CATALOGUE_STALE');
    expect(ioc.app.kpiCatalogue.get('ty_le_hai_long')?.pillar).toBe('chinh_quyen_so');
    // Updating one that does not exist.
    const missing = await put('ty_le_chua_co', { ...QR, expectedVersion: 3 });
    expect(missing.status).toBe(409);
    expect((missing.body.error?.details as { currentVersion: number }).currentVersion).toBe(0);
  });

  it('keeps the unit of an indicator with samples, deletes only an unused one, and audits each change', async () => {
    const qr = ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')!;
    const unit = await put('ty_le_tieu_thuong_qr', {
      ...QR,
      unit: 'count',
      target: 100,
      expectedVersion: qr.version,
    });
    expect(unit.status).toBe(409);
    expect(unit.body.error?.code).toBe('IOC_KPI_CATALOGUE_IN_USE');
    const del = await call(
      'DELETE',
      `/api/admin/kpi-catalogue/ty_le_tieu_thuong_qr?expectedVersion=${qr.version}`,
      admin,
    );
    expect(del.status).toBe(409);
    expect(del.body.error?.code).toBe('IOC_KPI_CATALOGUE_IN_USE');
    const seed = ioc.app.kpiCatalogue.get('ty_le_chu_ky_so')!;
    expect(
      (
        await call(
          'DELETE',
          `/api/admin/kpi-catalogue/ty_le_chu_ky_so?expectedVersion=${seed.version}`,
          admin,
        )
      ).body.error?.code,
    ).toBe('IOC_KPI_CATALOGUE_IN_USE');

    // A mistaken entry nobody sent values of: a target outside its unit is refused, then it is deleted.
    const outOfRange = await put('so_ho_so_tre_han', { ...QR, unit: '%', target: 140 });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.error?.code).toBe('IOC_REQUEST_INVALID');
    const made = await put('so_ho_so_tre_han', {
      ...QR,
      pillar: 'chinh_quyen_so',
      label: { vi: 'Hồ sơ TTHC trễ hạn', en: 'Late administrative files' },
      unit: 'count',
      target: 0,
      goodDirection: 'down',
    });
    expect(made.status).toBe(201);
    const version = (made.body as unknown as KpiCatalogueEntry).version;
    expect(
      (
        await call(
          'DELETE',
          `/api/admin/kpi-catalogue/so_ho_so_tre_han?expectedVersion=${version + 1}`,
          admin,
        )
      ).status,
    ).toBe(409);
    expect(
      (await call('DELETE', `/api/admin/kpi-catalogue/so_ho_so_tre_han?expectedVersion=${version}`, admin))
        .status,
    ).toBe(204);
    expect(ioc.app.kpiCatalogue.get('so_ho_so_tre_han')).toBeUndefined();
    expect(
      (await sample({ kpi: 'so_ho_so_tre_han', scope: province, value: 2, ts: minutesAgo(1) })).body.error
        ?.code,
    ).toBe('IOC_INGEST_UNKNOWN_KPI');

    const actions = await ioc.app.db.query<{ action: string; target_id: string }>(
      `SELECT action, target_id FROM audit_events WHERE action LIKE 'kpi_catalogue.%' ORDER BY ts, id`,
    );
    expect(actions.map((a) => `${a.action} ${a.target_id}`)).toEqual([
      'kpi_catalogue.create ty_le_tieu_thuong_qr',
      'kpi_catalogue.update ty_le_tieu_thuong_qr',
      'kpi_catalogue.update ho_so_dung_han',
      'kpi_catalogue.create so_ho_so_tre_han',
      'kpi_catalogue.delete so_ho_so_tre_han',
    ]);
  });

  it('refuses hostile ids and bodies by the schema, with 400 and no row', async () => {
    const count = async () =>
      (await ioc.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM kpi_catalogue`))[0]!.n;
    const before = await count();
    for (const id of [
      '__proto__',
      'constructor%00',
      '%00ty_le',
      'Ty_Le',
      'ty-le',
      'a',
      `t${'y'.repeat(64)}`,
      'ty_le.dot',
    ]) {
      const res = await put(id, QR);
      expect(res.status, id).toBe(400);
      expect(res.body.error?.code, id).toBe('IOC_REQUEST_INVALID');
    }
    // A 10 kB id is refused before any handler (the router's limit on a path parameter).
    const long = await put(`ty_${'a'.repeat(10_000)}`, QR);
    expect([400, 414], 'a 10 kB id').toContain(long.status);
    expect(long.body.error?.code).toMatch(/^IOC_REQUEST_/);
    const bodies: [string, unknown][] = [
      ['a NUL in the label', { ...QR, label: { vi: 'Tỷ lệ\u0000', en: 'Share' } }],
      ['a 10 kB label', { ...QR, label: { vi: 'x'.repeat(10_000), en: 'Share' } }],
      ['a blank label', { ...QR, label: { vi: '   ', en: 'Share' } }],
      ['a 10 kB description', { ...QR, description: 'ý'.repeat(10_000) }],
      ['an unknown unit', { ...QR, unit: 'usd' }],
      ['an unknown pillar', { ...QR, pillar: 'do_thi_thong_minh' }],
      ['a negative version', { ...QR, expectedVersion: -1 }],
      ['a __proto__ key', `{"__proto__":{"admin":true},${JSON.stringify(QR).slice(1)}`],
    ];
    for (const [what, body] of bodies) {
      const res = await put('ty_le_thu_hostile', body);
      expect(res.status, what).toBe(400);
      expect(res.body.error?.code, what).toBe('IOC_REQUEST_INVALID');
    }
    expect(await count()).toBe(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
