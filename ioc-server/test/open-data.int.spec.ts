import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { parse as parseCsv } from 'csv-parse/sync';
import { signBody } from '@hue-ioc/streams';
import { startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

/**
 * Open data (issue 14): the files a portal or a spreadsheet reads, through the real app on the embedded
 * TimescaleDB. Citizens report through the signed Hue-S webhook with their names, phones and e-mail
 * addresses in the text; none of it may reach a file. The 1,000,000-row memory figure is bench/open-data.ts.
 */
const SECRET = 'test-open-data-secret-46';
const HOUR = 3_600_000;

const PEOPLE = [
  { name: 'Nguyễn Văn An', phone: '0905123456', email: 'an.nguyen@gmail.com' },
  { name: 'Trần Thị Bình', phone: '0914 222 333', email: 'binh.tran@yahoo.com.vn' },
  { name: 'Lê Hoàng Cường', phone: '+84 935 444 555', email: 'cuong@hue.gov.vn' },
];

describe('open data under /open-data/', () => {
  let ioc: RunningIoc;
  let published = 0;
  const devices: string[] = [];

  const get = (path: string) => fetch(`${ioc.baseUrl}${path}`);
  const text = async (path: string) => {
    const res = await get(path);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes, body: bytes.toString('utf8') };
  };
  const csvRecords = (body: string) =>
    parseCsv(body, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
    const reports = PEOPLE.map((p, i) => ({
      id: `hs-open-data-${Date.now()}-${i}`,
      category: i === 2 ? 'An ninh, trật tự' : 'Thoát nước, ngập úng',
      title:
        i === 1 ? '=HYPERLINK("http://evil.example/x","Bấm vào")' : `Cống tắc, nước "đen" tràn đường ${i}`,
      description:
        `Tôi là ${p.name}, gọi ${p.phone} hoặc ${p.email}. Cống trước nhà số ${12 + i} Lê Lợi bị tắc,\n` +
        `nước “đen” tràn ra đường; bà con phường rất bức xúc.`,
      address: `Số ${12 + i} Lê Lợi, liên hệ ${p.phone}`,
      lat: 16.4637 + i * 0.01234,
      lon: 107.5909 + i * 0.01234,
      media: [],
      reporter: { name: p.name, phone: p.phone.replace(/\D/g, '').replace(/^84/, '0') },
      created_at: new Date().toISOString(),
    }));
    for (const r of reports) {
      const raw = JSON.stringify(r);
      const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
      expect(res.status, await res.text()).toBeLessThan(300);
    }
    await waitFor(
      'the reports stored',
      async () => {
        const [r] = await ioc.app.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM incidents WHERE reporter->>'name' = ANY($1)`,
          [PEOPLE.map((p) => p.name)],
        );
        return r!.n >= PEOPLE.length ? true : undefined;
      },
      30_000,
    );
    // The unit's public reply quotes the citizen's number (it happens): scrubbed too.
    await ioc.app.db.query(
      `UPDATE incidents SET public_reply = 'Đã nạo vét cống; đã gọi lại anh An số 0905 123 456.', rating = 'hai_long'
       WHERE reporter->>'name' = $1`,
      [PEOPLE[0]!.name],
    );
    // A refused report is not published.
    await ioc.app.db.query(
      `INSERT INTO incidents (id, status, category, priority, title, lon, lat, created_at)
       VALUES ('open-data-rejected', 'rejected', 'other', 4, 'Spam quảng cáo', 107.59, 16.46, now())`,
    );
    const [p] = await ioc.app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE merged_into IS NULL AND status <> 'rejected'
         AND created_at >= now() - INTERVAL '30 days'`,
    );
    published = p!.n;

    // Sensor readings: two devices, one reading every 15 minutes for the last 3 days (up to 2 hours ago).
    for (const d of await ioc.app.db.query<{ id: string }>(
      `SELECT id FROM devices WHERE kind = 'water_level' ORDER BY id LIMIT 2`,
    ))
      devices.push(d.id);
    expect(devices.length).toBe(2);
    await ioc.app.db.query(
      `INSERT INTO observations (ts, device_id, metric, value, unit)
       SELECT ts, d, 'water_level', 1 + extract(minute FROM ts) / 60.0, 'm'
       FROM unnest($1::text[]) AS d,
            generate_series(date_trunc('hour', now()) - INTERVAL '3 days', date_trunc('hour', now()) - INTERVAL '2 hours' - INTERVAL '15 minutes', INTERVAL '15 minutes') AS ts
       ON CONFLICT DO NOTHING`,
      [devices],
    );
    await ioc.app.db.exec(
      `CALL refresh_continuous_aggregate('observations_1h', NULL, now() - INTERVAL '1 hour')`,
    );
    await ioc.app.db.query(
      `INSERT INTO kpi_samples (ts, kpi, scope_level, scope_code, value, target)
       SELECT day, 'ty_le_xu_ly_dung_han', 'province', '46', 90 + extract(day FROM day)::int % 7, 95
       FROM generate_series(date_trunc('day', now()) - INTERVAL '10 days', date_trunc('day', now()) - INTERVAL '1 day', INTERVAL '1 day') AS day
       ON CONFLICT DO NOTHING`,
    );
  }, 180_000);
  afterAll(async () => {
    await ioc?.close();
  });

  it('incidents.csv: UTF-8 with BOM, CRLF, quoted where needed, Vietnamese intact, every published report', async () => {
    const { res, bytes, body } = await text('/open-data/incidents.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="hue-ioc-incidents-/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const header = body.slice(1, body.indexOf('\r\n'));
    expect(header.split(',')).toEqual([
      'id',
      'category',
      'category_name',
      'status',
      'status_name',
      'priority',
      'ward_code',
      'ward_name',
      'agency_id',
      'agency_name',
      'received_at',
      'due_at',
      'resolved_at',
      'closed_at',
      'channels',
      'title',
      'description',
      'address',
      'public_reply',
      'rating',
      'rating_name',
      'lon',
      'lat',
    ]);
    expect(body.endsWith('\r\n')).toBe(true);
    const rows = csvRecords(body);
    expect(rows.length).toBe(published);
    expect(rows.some((r) => r.id === 'open-data-rejected')).toBe(false);
    const ours = rows.filter((r) => r.description?.includes('Lê Lợi bị tắc'));
    expect(ours.length).toBe(3);
    for (const r of ours) {
      // A line break, quotes and commas inside a field survive the round trip (the field was quoted).
      expect(r.description).toContain(',\nnước “đen” tràn ra đường; bà con phường rất bức xúc.');
      expect(r.received_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
      expect(r.channels).toBe('hue_s');
      expect(r.ward_name).toMatch(/^(Phường|Xã) /);
    }
    const drainage = ours.find((r) => r.category === 'drainage')!;
    expect(drainage.category_name).toBe('Thoát nước, ngập úng');
    expect(drainage.status_name).not.toBe('');
    const replied = ours.find((r) => r.rating === 'hai_long')!;
    expect(replied.rating_name).toBe('Hài lòng');
    expect(replied.public_reply).toBe('Đã nạo vét cống; đã gọi lại anh An số [đã ẩn].');
    // The formula a spreadsheet would run is text.
    expect(ours.some((r) => r.title === `'=HYPERLINK("http://evil.example/x","Bấm vào")`)).toBe(true);
    // Positions rounded: 4 decimals (≈ 11 m), 3 for security.
    for (const r of ours) {
      const decimals = (r.lon!.split('.')[1] ?? '').length;
      expect(decimals).toBeLessThanOrEqual(r.category === 'security' ? 3 : 4);
    }
  });

  it('no personal data in any file: names, phones, e-mail addresses', async () => {
    const files = await Promise.all(
      ['/open-data/incidents.csv', '/open-data/incidents.geojson'].map(async (p) => (await text(p)).body),
    );
    for (const body of files) {
      for (const p of PEOPLE) {
        expect(body).not.toContain(p.name);
        expect(body).not.toContain(p.email);
        expect(body.replace(/\D/g, ' ')).not.toContain(p.phone.replace(/\D/g, '').slice(-9));
      }
      expect(body).not.toMatch(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u);
      expect(body).not.toMatch(/"?reporter/);
      expect(body).toContain('[đã ẩn]');
    }
  });

  it('incidents.geojson: an RFC 7946 FeatureCollection of the same reports', async () => {
    const { res, body } = await text('/open-data/incidents.geojson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const fc = JSON.parse(body) as {
      type: string;
      features: {
        type: string;
        id: string;
        geometry: { type: string; coordinates: number[] } | null;
        properties: Record<string, unknown>;
      }[];
    };
    expect(fc.type).toBe('FeatureCollection');
    expect(Object.keys(fc)).toEqual(['type', 'features']); // no `crs` (RFC 7946 §4)
    expect(fc.features.length).toBe(published);
    for (const f of fc.features) {
      expect(f.type).toBe('Feature');
      expect(typeof f.id).toBe('string');
      expect(f.properties.id).toBe(f.id);
      expect('lon' in f.properties || 'lat' in f.properties).toBe(false);
      if (f.geometry) {
        expect(f.geometry.type).toBe('Point');
        const [lon, lat] = f.geometry.coordinates as [number, number];
        expect(f.geometry.coordinates.length).toBe(2);
        expect(lon).toBeGreaterThan(107);
        expect(lon).toBeLessThan(108.2);
        expect(lat).toBeGreaterThan(15.9);
        expect(lat).toBeLessThan(16.9);
      }
    }
  });

  it('from/to filters: days and times in Huế time, and their errors', async () => {
    const today = new Date(Date.now() + 7 * HOUR).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 7 * HOUR - 24 * HOUR).toISOString().slice(0, 10);
    const inToday = await text(`/open-data/incidents.csv?from=${today}&to=${today}`);
    expect(inToday.res.headers.get('x-open-data-from')).toBe(`${today}T00:00:00+07:00`);
    const next = new Date(Date.parse(`${today}T00:00:00+07:00`) + 24 * HOUR);
    expect(inToday.res.headers.get('x-open-data-to')).toBe(
      new Date(next.getTime() + 7 * HOUR).toISOString().slice(0, 19) + '+07:00',
    );
    expect(csvRecords(inToday.body).length).toBeGreaterThanOrEqual(3);
    const before = await text(
      `/open-data/incidents.csv?from=2026-01-01T08:00&to=${yesterday}T23:59:59%2B07:00`,
    );
    expect(before.res.headers.get('x-open-data-from')).toBe('2026-01-01T08:00:00+07:00');
    expect(csvRecords(before.body).filter((r) => r.description?.includes('Lê Lợi bị tắc')).length).toBe(0);
    const security = csvRecords((await text('/open-data/incidents.csv?category=security')).body);
    expect(security.length).toBeGreaterThanOrEqual(1);
    expect(security.every((r) => r.category === 'security')).toBe(true);

    const refuse = async (q: string, status: number, code: string) => {
      const res = await get(`/open-data/incidents.csv?${q}`);
      const body = (await res.json()) as { error: { code: string; details?: unknown } };
      expect(res.status, q).toBe(status);
      expect(body.error.code, q).toBe(code);
      return body.error;
    };
    await refuse('from=2026-02-30', 400, 'IOC_OPEN_DATA_RANGE');
    await refuse('from=2026-11-01T24:00', 400, 'IOC_OPEN_DATA_RANGE');
    await refuse('from=2026-11-10&to=2026-11-01', 400, 'IOC_OPEN_DATA_RANGE');
    await refuse('from=yesterday', 400, 'IOC_REQUEST_INVALID');
    await refuse('from=2026-11-01%00', 400, 'IOC_REQUEST_INVALID');
    await refuse('category=__proto__', 400, 'IOC_REQUEST_INVALID');
    await refuse('from=2026-01-01&from=2026-01-02', 400, 'IOC_REQUEST_INVALID');
    // Parameters the dataset does not have are dropped (the app's Ajv removes them), never used.
    for (const q of ['reporter=1', '__proto__[polluted]=1', 'constructor[prototype][x]=1']) {
      const res = await get(`/open-data/incidents.csv?${q}`);
      expect(res.status, q).toBe(200);
      expect(await res.text()).not.toContain(PEOPLE[0]!.name);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const big = await refuse('from=2024-01-01&to=2026-01-01', 422, 'IOC_OPEN_DATA_RANGE_TOO_LARGE');
    expect(big.details).toMatchObject({
      maxDays: 366,
      export: { method: 'POST', url: '/open-data/exports' },
    });
  });

  it('observations.csv from the hourly rollup, and days rolled up from it', async () => {
    const hourly = csvRecords(
      (await text(`/open-data/observations.csv?device=${devices[0]}&from=2020-01-01&to=2020-01-02`)).body,
    );
    expect(hourly.length).toBe(0);
    const { body } = await text(`/open-data/observations.csv?device=${devices[0]}`);
    const rows = csvRecords(body);
    // 3 days less 2 hours of hours, each with its four readings (xx:00, :15, :30, :45 → 1, 1.25, 1.5, 1.75).
    expect(rows.length).toBe(70);
    for (const r of rows) {
      expect(r.device_id).toBe(devices[0]);
      expect(r.bucket_start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\+07:00$/);
      expect(Number(r.samples)).toBe(4);
      expect(Number(r.avg_value)).toBeCloseTo(1.375, 9);
      expect(Number(r.min_value)).toBe(1);
      expect(Number(r.max_value)).toBe(1.75);
      expect(Number(r.last_value)).toBe(1.75);
      expect(r.kind).toBe('water_level');
      expect(r.unit).not.toBe('');
    }
    const days = csvRecords((await text(`/open-data/observations.csv?interval=day&kind=water_level`)).body);
    expect(new Set(days.map((r) => r.device_id))).toEqual(new Set(devices));
    for (const r of days) expect(r.bucket_start).toMatch(/T00:00:00\+07:00$/);
    const samples = days.filter((r) => r.device_id === devices[0]).reduce((s, r) => s + Number(r.samples), 0);
    expect(samples).toBe(70 * 4);
    const hourRange = await get('/open-data/observations.csv?from=2026-01-01&to=2026-06-01');
    expect(hourRange.status).toBe(422);
    expect((await get('/open-data/observations.csv?interval=week')).status).toBe(400);
  });

  it('kpis.csv: the daily values with their names and targets', async () => {
    const rows = csvRecords((await text('/open-data/kpis.csv?kpi=ty_le_xu_ly_dung_han')).body);
    expect(rows.length).toBe(10);
    for (const r of rows) {
      expect(r.kpi_name).toBe('Phản ánh xử lý đúng hạn');
      expect(r.scope_name).toBe('Thành phố Huế');
      expect(Number(r.target)).toBe(95);
      expect(r.bucket_start).toMatch(/T00:00:00\+07:00$/);
    }
  });

  it('a background export runs to done and its file equals the direct download', async () => {
    const direct = await text(`/open-data/observations.csv?kind=water_level`);
    const from = direct.res.headers.get('x-open-data-from')!;
    const to = direct.res.headers.get('x-open-data-to')!;
    const post = (body: unknown) =>
      fetch(`${ioc.baseUrl}/open-data/exports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await post({ dataset: 'observations', from, to, kind: 'water_level' });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; state: string };
    expect(res.headers.get('location')).toBe(`/open-data/exports/${job.id}`);
    const done = await waitFor(
      'the export done',
      async () => {
        const j = (await (await get(`/open-data/exports/${job.id}`)).json()) as {
          state: string;
          rowsWritten: number;
          estimatedTotal: number | null;
          bytes: number;
          fileUrl: string | null;
        };
        expect(j.state).not.toBe('failed');
        return j.state === 'done' ? j : undefined;
      },
      30_000,
    );
    expect(done.rowsWritten).toBe(csvRecords(direct.body).length);
    expect(done.estimatedTotal).not.toBeNull();
    expect(done.bytes).toBe(direct.bytes.length);
    const file = await text(done.fileUrl!);
    expect(file.res.status).toBe(200);
    expect(file.bytes.equals(direct.bytes)).toBe(true);
    // The same request again is the same job.
    const again = (await (await post({ dataset: 'observations', from, to, kind: 'water_level' })).json()) as {
      id: string;
    };
    expect(again.id).toBe(job.id);
    // Errors.
    expect((await post({ dataset: 'kpis', format: 'geojson' })).status).toBe(400);
    expect((await post({ dataset: 'kpis', category: 'roads' })).status).toBe(400);
    expect((await post({ dataset: 'observations', from: '2010-01-01', to: '2026-01-01' })).status).toBe(400);
    // Five requests an hour per address: the sixth is refused, whatever it asks.
    const limited = await post({ dataset: 'users' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('IOC_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const missing = await get(`/open-data/exports/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      'IOC_OPEN_DATA_EXPORT_NOT_FOUND',
    );
    expect((await get('/open-data/exports/not-a-uuid')).status).toBe(400);
  });

  it('a client that disconnects mid-stream releases the cursor', async () => {
    // ~110,000 hourly rows (~17 MB of CSV): far more than the socket buffers on loopback hold.
    await ioc.app.db.query(
      `INSERT INTO observations (ts, device_id, metric, value, unit)
       SELECT ts, 'open-data-flood-' || n, 'water_level', n / 10.0, 'm'
       FROM generate_series(1, 125) AS n,
            generate_series(date_trunc('hour', now()) - INTERVAL '36 days', date_trunc('hour', now()) - INTERVAL '2 hours', INTERVAL '1 hour') AS ts
       ON CONFLICT DO NOTHING`,
    );
    await ioc.app.db.exec(
      `CALL refresh_continuous_aggregate('observations_1h', NULL, now() - INTERVAL '1 hour')`,
    );
    const openCursors = async () =>
      (
        await ioc.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_cursors WHERE name <> ''`)
      )[0]!.n;
    expect(await openCursors()).toBe(0);
    const url = new URL(
      `${ioc.baseUrl}/open-data/observations.csv?from=${new Date(Date.now() - 37 * 24 * HOUR).toISOString().slice(0, 10)}`,
    );
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(url, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', (chunk: Buffer) => {
          received += chunk.length;
          // Stop reading: the server's writes back up, the cursor stays open and waits.
          res.pause();
          // A range is read a window (a cursor) at a time: while the server still fills the socket's
          // buffers it may be between two windows at one instant; once it waits on us, one is open.
          waitFor(
            'one cursor open while the client does not read',
            async () => ((await openCursors()) === 1 ? true : undefined),
            10_000,
          )
            .then(() => {
              req.destroy();
              resolve();
            })
            .catch((e: unknown) => {
              req.destroy();
              reject(e as Error);
            });
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    expect(received).toBeGreaterThan(0);
    await waitFor('the cursor closed', async () => ((await openCursors()) === 0 ? true : undefined), 10_000);
    // The database serves the next request as usual.
    expect((await get('/open-data/kpis.csv')).status).toBe(200);
  });

  it('the index page, the DCAT catalogue and the CKAN API describe every dataset', async () => {
    const index = await text('/open-data/');
    expect(index.res.status).toBe(200);
    expect(index.res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.body).toContain('CC BY 4.0');
    expect(index.body).toContain('lang="vi"');
    for (const name of ['ward_name', 'public_reply', 'avg_value', 'kpi_name'])
      expect(index.body).toContain(`<code>${name}</code>`);
    const catalog = JSON.parse((await text('/open-data/catalog.json')).body) as {
      '@type': string;
      'dcat:dataset': {
        'dct:license': { '@id': string };
        'dcat:distribution': { 'dcat:downloadURL': { '@id': string }; 'dcat:mediaType': { '@id': string } }[];
      }[];
    };
    expect(catalog['@type']).toBe('dcat:Catalog');
    expect(catalog['dcat:dataset'].length).toBe(3);
    const urls = catalog['dcat:dataset'].flatMap((d) =>
      d['dcat:distribution'].map((x) => x['dcat:downloadURL']['@id']),
    );
    expect(urls).toEqual([
      `${ioc.baseUrl}/open-data/incidents.csv`,
      `${ioc.baseUrl}/open-data/incidents.geojson`,
      `${ioc.baseUrl}/open-data/observations.csv`,
      `${ioc.baseUrl}/open-data/kpis.csv`,
    ]);
    for (const d of catalog['dcat:dataset'])
      expect(d['dct:license']['@id']).toBe('https://creativecommons.org/licenses/by/4.0/');
    const list = (await (await get('/open-data/api/3/action/package_list')).json()) as {
      success: boolean;
      result: string[];
    };
    expect(list).toMatchObject({
      success: true,
      result: ['hue-ioc-incidents', 'hue-ioc-observations', 'hue-ioc-kpis'],
    });
    const show = (await (await get('/open-data/api/3/action/package_show?id=hue-ioc-incidents')).json()) as {
      success: boolean;
      result: { resources: { url: string; format: string }[]; license_id: string };
    };
    expect(show.success).toBe(true);
    expect(show.result.license_id).toBe('cc-by');
    expect(show.result.resources.map((r) => r.format)).toEqual(['CSV', 'GeoJSON']);
    const none = await get('/open-data/api/3/action/package_show?id=users');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ success: false, error: { __type: 'Not Found Error' } });
  });
});
