import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '@hue-ioc/streams';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';
import { TEST_AGENCY } from './support/auth.ts';
import type { WorkflowBy } from '../src/incidents/workflow.service.ts';
import type { Db } from '../src/storage/db.ts';
import type { Config } from '../src/config.ts';

/**
 * The public transparency page /cong-khai (issue 14, item 4), through the whole app: citizens report over
 * the signed Hue-S webhook with their name, phone and e-mail in the report, the desk and a unit handle
 * it, the citizen rates it; the page shows what happened and nothing personal.
 */
const SECRET = 'test-cong-khai-secret-46';
const NAME = 'Lê Thị Hoa';
const PHONE = '0914 555 777';
const EMAIL = 'hoa.le1987@gmail.com';
const HOSTILE = '<script>alert("xss")</script><img src=x onerror=alert(1)>';

const desk: WorkflowBy = {
  kind: 'principal',
  principal: {
    id: 'user:desk',
    role: 'supervisor',
    username: 'desk',
    credential: { type: 'session', idHash: 'x' },
  },
};

/** The unit's staff: accepts and answers its cases. */
const unit: WorkflowBy = {
  kind: 'principal',
  principal: {
    id: 'user:unit',
    role: 'agency',
    agencyId: TEST_AGENCY,
    username: 'unit',
    credential: { type: 'session', idHash: 'y' },
  },
};

describe('/cong-khai, the public transparency page', () => {
  let ioc: RunningIoc;
  const sql: string[] = [];
  const ids = { flood: '', hostile: '', rejected: '', merged: '' };
  const roads: string[] = [];
  let stamp = 0;

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${ioc.baseUrl}${path}`, { headers });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const post = async (path: string, body: unknown) => {
    const raw = JSON.stringify(body);
    const res = await fetch(`${ioc.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res;
  };
  /** A Hue-S report, signed as the app signs it; returns the incident id it became. */
  const report = async (over: Record<string, unknown>): Promise<string> => {
    const id = `HUES-CK-${Date.now()}-${++stamp}`;
    await post('/api/ingest/hue-s', {
      id,
      category: 'Môi trường, rác thải',
      description: 'Rác thải tồn đọng.',
      lat: 16.47,
      lon: 107.58,
      media: [],
      reporter: { name: 'Trần Văn Bình', phone: '0905123456' },
      created_at: new Date().toISOString(),
      ...over,
    });
    const incident = await ioc.app.workflow.sourceIncident('hue_s', id);
    expect(incident).toBeTruthy();
    return incident!;
  };
  const version = async (id: string) =>
    (await ioc.app.db.query<{ version: number }>(`SELECT version FROM incidents WHERE id = $1`, [id]))[0]!
      .version;
  const step = async (id: string, cmd: Record<string, unknown>, by = desk) =>
    ioc.app.workflow.transition(id, { expectedVersion: await version(id), ...cmd } as never, by);
  /** Every report id on a page, in order. */
  const idsOn = (html: string) =>
    [...html.matchAll(/<article class="card" id="r-([^"]+)"/g)].map((m) => m[1]!);
  const nextLink = (html: string) =>
    /<a rel="next" class="next" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: {
        // Every source's secret, whichever sources this build has.
        ingestSecrets: Object.fromEntries(
          ['hueS', 'hotline', 'kpi', 'open311', 'cap'].map((k) => [k, SECRET]),
        ) as Config['ingestSecrets'],
        huesCallbackUrl: null,
      },
      // Records the page's SQL for the EXPLAIN check below.
      wrapDb: (db: Db): Db =>
        new Proxy(db, {
          get(target, key) {
            if (key === 'query')
              return (text: string, params?: readonly unknown[]) => {
                if (text.includes('FROM incidents i')) sql.push(text);
                return target.query(text, params);
              };
            const v = Reflect.get(target, key) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }),
    });
    await ioc.app.ready();
    // 45 pothole reports, 2 km apart (no merge), through the real incident stream.
    for (let n = 0; n < 45; n++) {
      const out = await ioc.app.incidents.ingest({
        channel: 'hue_s',
        sourceId: `ck-road-${Date.now()}-${n}`,
        category: 'roads',
        title: `Ổ gà trên đường Lê Lợi số ${n + 1}`,
        description: 'Ổ gà sâu khoảng 20cm, xe máy dễ ngã.',
        position: [107.45 + (n % 9) * 0.02, 16.38 + Math.floor(n / 9) * 0.02],
        wardCode: null,
        address: `${n + 1} Lê Lợi`,
        media: [],
        reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
        occurredAt: new Date(),
        receivedAt: new Date(),
      } as never);
      roads.push(out.incidentId);
    }
    ids.flood = await report({
      category: 'Thoát nước, ngập úng',
      title: 'Ngập sâu trước chợ Đông Ba',
      description: `Nước ngập 30cm trên đường Trần Hưng Đạo. Tôi là ${NAME}, gọi ${PHONE} hoặc ${EMAIL}.`,
      lat: 16.4722,
      lon: 107.5878,
      address: 'Trần Hưng Đạo, phường Phú Xuân',
      reporter: { name: NAME, phone: PHONE.replace(/ /g, '') },
    });
    ids.hostile = await report({
      title: `Rác ${HOSTILE}`,
      description: `Mô tả ${HOSTILE}`,
      lat: 16.5,
      lon: 107.62,
    });
    ids.rejected = await report({ description: 'Quảng cáo vay tiền nhanh', lat: 16.42, lon: 107.66 });
    ids.merged = await report({ description: 'Ngập ở chợ Đông Ba, trùng phản ánh', lat: 16.36, lon: 107.7 });

    await step(ids.rejected, { to: 'rejected', reason: 'Không thuộc phạm vi' });
    await ioc.app.workflow.merge(
      ids.merged,
      {
        expectedVersion: await version(ids.merged),
        into: ids.flood,
        intoExpectedVersion: await version(ids.flood),
        reason: 'Trùng',
      },
      desk,
    );
    await step(ids.flood, { to: 'verified' });
    await step(ids.flood, { to: 'assigned', agencyId: TEST_AGENCY });
    await step(ids.flood, { to: 'in_progress' }, unit);
    await step(
      ids.flood,
      {
        to: 'resolved',
        reply: `Đã khơi thông cống thoát nước trước chợ Đông Ba. Cảm ơn chị ${NAME}; cần thêm thông tin gọi ${PHONE}.`,
      },
      unit,
    );
    const src = (
      await ioc.app.db.query<{ source_id: string }>(
        `SELECT source_id FROM incident_sources WHERE incident_id = $1 ORDER BY received_at LIMIT 1`,
        [ids.flood],
      )
    )[0]!.source_id;
    await post('/api/ingest/hue-s/feedback', { id: src, rating: 'hai_long', comment: `Cảm ơn, ${NAME}` });
  }, 120_000);
  afterAll(async () => {
    await ioc?.close();
  });

  it('lists published reports newest first with category, ward, unit, dates, reply and rating', async () => {
    const res = await get('/cong-khai');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = idsOn(res.text);
    expect(page).toHaveLength(20);
    // Newest first: the last reports filed lead the page; the refused and the merged one are not published.
    expect(page[0]).toBe(ids.hostile);
    expect(page[1]).toBe(ids.flood);
    expect(page).not.toContain(ids.rejected);
    expect(page).not.toContain(ids.merged);
    const flood = res.text.slice(res.text.indexOf(`id="r-${ids.flood}"`));
    const card = flood.slice(0, flood.indexOf('</article>'));
    expect(card).toContain('Ngập sâu trước chợ Đông Ba');
    expect(card).toContain('Thoát nước, ngập úng');
    expect(card).toContain('Phường Phú Xuân');
    expect(card).toContain('Sở Xây dựng thành phố Huế');
    expect(card).toContain('Đã đóng');
    expect(card).toContain('Hài lòng');
    expect(card).toContain('Đã khơi thông cống thoát nước');
    expect(card).toMatch(
      /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00">\d\d\/\d\d\/\d{4} \d\d:\d\d<\/time>/,
    );
    // The units' on-time figures of the period, Vietnamese formats.
    const figures = res.text.slice(res.text.indexOf('class="figures"'));
    expect(figures).toMatch(
      /<tr><th scope="row">Sở Xây dựng thành phố Huế<\/th><td class="n">1<\/td><td class="n">1<\/td><td class="n">100,0%<\/td><\/tr>/,
    );
    // The map: the outlines by reference, one dot per report with a position.
    expect(res.text).toContain('<image href="/cong-khai/phuong.svg"');
    expect(res.text.match(/<circle /g)).toHaveLength(20);
    // No script at all, and English on request.
    expect(res.text).not.toMatch(/<script/i);
    const en = await get('/cong-khai?lang=en');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Drainage and flooding');
    expect(en.text).toContain('Satisfied');
  });

  it('pages with a keyset cursor: 20 + 20 + rest, no duplicate, newest first', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/cong-khai?loai=roads';
    let pages = 0;
    while (path) {
      const res = await get(path);
      expect(res.status).toBe(200);
      seen.push(...idsOn(res.text));
      path = nextLink(res.text);
      pages++;
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toEqual([...roads].reverse());
    // A cursor the page did not make is a 400 page with the code, not a 500.
    const bad = await get('/cong-khai?sau=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-code="IOC_REQUEST_INVALID"');
  });

  it('searches without regard to diacritics, in what the page shows only', async () => {
    for (const q of ['ngap', 'ngập', 'NGẬP', 'dong ba', 'Đông Ba', 'chợ đông']) {
      const page = idsOn((await get(`/cong-khai?q=${encodeURIComponent(q)}`)).text);
      expect(page, q).toEqual([ids.flood]);
    }
    expect(idsOn((await get('/cong-khai?q=le%20loi&loai=roads')).text)).toHaveLength(20);
    expect(idsOn((await get('/cong-khai?q=khong%20co%20dau')).text)).toEqual([]);
    // search_text holds the unscrubbed description: the removed phone, e-mail and name find nothing.
    for (const q of ['0914 555 777', '0914555777', 'hoa.le1987', EMAIL, NAME, 'le thi hoa']) {
      const res = await get(`/cong-khai?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(idsOn(res.text), q).toEqual([]);
    }
  });

  it('filters by category, ward, unit, status and period, and refuses what it does not know', async () => {
    expect(idsOn((await get('/cong-khai?loai=drainage')).text)).toEqual([ids.flood]);
    const ward = (
      await ioc.app.db.query<{ ward_code: string }>(`SELECT ward_code FROM incidents WHERE id = $1`, [
        ids.flood,
      ])
    )[0]!.ward_code;
    expect(idsOn((await get(`/cong-khai?phuong=${ward}&loai=drainage`)).text)).toEqual([ids.flood]);
    expect(idsOn((await get(`/cong-khai?donvi=${TEST_AGENCY}`)).text)).toEqual([ids.flood]);
    expect(idsOn((await get('/cong-khai?trangthai=closed')).text)).toEqual([ids.flood]);
    expect(idsOn((await get('/cong-khai?trangthai=new&loai=environment')).text)).toEqual([ids.hostile]);
    expect(idsOn((await get('/cong-khai?ky=today&loai=drainage')).text)).toEqual([ids.flood]);
    expect(idsOn((await get('/cong-khai?ky=all&loai=drainage')).text)).toEqual([ids.flood]);
    // The selected filters are kept in the form.
    expect((await get('/cong-khai?loai=drainage')).text).toContain('<option value="drainage" selected>');
    for (const bad of [
      '/cong-khai?loai=weather',
      '/cong-khai?trangthai=rejected',
      '/cong-khai?phuong=99999',
      '/cong-khai?donvi=khong-co',
      '/cong-khai?ky=1y',
      `/cong-khai?q=${'a'.repeat(101)}`,
      '/cong-khai?q=ng%00ap',
    ]) {
      const res = await get(bad);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('data-code="IOC_REQUEST_INVALID"');
    }
    // Prototype-shaped and unknown keys are dropped, not obeyed.
    const proto = await get('/cong-khai?__proto__[x]=1&constructor=1&loai=drainage');
    expect(proto.status).toBe(200);
    expect(idsOn(proto.text)).toEqual([ids.flood]);
  });

  it('shows one report with its public timeline; unknown, merged and refused reports are 404', async () => {
    const res = await get(`/cong-khai/${ids.flood}`);
    expect(res.status).toBe(200);
    const timeline = res.text.slice(res.text.indexOf('<ol class="timeline">'));
    const steps = [...timeline.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
    expect(steps.map((s) => s.replace(/^\d\d\/\d\d\/\d{4} \d\d:\d\d/, ''))).toEqual([
      'Trung tâm IOC tiếp nhận phản ánh',
      'IOC đã xác minh phản ánh',
      expect.stringMatching(/^Chuyển đến Sở Xây dựng thành phố Huế, hạn \d\d\/\d\d\/\d{4} \d\d:\d\d$/),
      'Đang xử lý',
      expect.stringMatching(/^Đã xử lýTrả lời của đơn vị: Đã khơi thông cống/),
      'Đã đóngĐánh giá của người dân: Hài lòng',
    ]);
    // The duplicate's merge, reasons, comments and actors are not public.
    expect(res.text).not.toContain('Trùng');
    expect(res.text).not.toContain('desk');
    expect(res.text).toMatch(/thứ \p{L}+, \d\d\/\d\d\/\d{4}/u);
    for (const id of [ids.rejected, ids.merged, 'IOC-0000-999999']) {
      const missing = await get(`/cong-khai/${id}`);
      expect(missing.status, id).toBe(404);
      expect(missing.text).toContain('data-code="IOC_INCIDENT_NOT_FOUND"');
    }
    expect((await get('/cong-khai/%3Cscript%3E')).status).toBe(400);
  });

  it('has no personal data in any HTML it serves', async () => {
    const pages: string[] = [];
    let path: string | undefined = '/cong-khai?ky=all';
    while (path) {
      const res = await get(path);
      pages.push(res.text);
      path = nextLink(res.text);
    }
    for (const id of [ids.flood, ids.hostile]) pages.push((await get(`/cong-khai/${id}`)).text);
    pages.push((await get(`/cong-khai/${ids.flood}?lang=en`)).text);
    const all = pages.join('\n');
    expect(all).toContain('Ngập sâu trước chợ Đông Ba');
    expect(all).toContain('[đã ẩn]');
    for (const secret of [
      NAME,
      'Lê Thị',
      PHONE,
      '0914555777',
      '914555777',
      '555 777',
      EMAIL,
      'hoa.le1987',
      'Trần Văn Bình',
      'Nguyễn Văn An',
      '0905123456',
      '+84',
    ])
      expect(all, secret).not.toContain(secret);
    expect(all).not.toMatch(/(?:\+84|\b0)(?:[\s.]?\d){8,10}\b/);
    expect(all).not.toMatch(/@[a-z0-9-]+\.[a-z]{2,}/i);
  });

  it('escapes hostile text', async () => {
    for (const path of ['/cong-khai', `/cong-khai/${ids.hostile}`]) {
      const res = await get(path);
      expect(res.text).not.toMatch(/<script|<img/i);
      expect(res.text).toContain(
        '&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
      );
    }
    const q = await get(`/cong-khai?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(q.status).toBe(200);
    expect(q.text).not.toMatch(/<script/i);
    expect(q.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('is small, compressed, cacheable by ETag, and keeps the CSP', async () => {
    const plain = await get('/cong-khai');
    const bytes = Buffer.byteLength(plain.text);
    expect(bytes).toBeLessThan(60_000);
    const br = await fetch(`${ioc.baseUrl}/cong-khai`, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const etag = plain.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=30');
    const again = await get('/cong-khai', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const csp = plain.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
    const css = await get('/cong-khai/kieu.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await get('/cong-khai/phuong.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.text.match(/<path /g)?.length).toBe(40);
    expect((await get('/cong-khai/phuong.svg', { 'if-none-match': svg.headers.get('etag')! })).status).toBe(
      304,
    );
  });

  it('reads a page with index scans on a few thousand rows (EXPLAIN)', async () => {
    await ioc.app.db.query(
      `INSERT INTO incidents (id, status, category, priority, title, description, lon, lat, ward_code, created_at, search_text)
       SELECT 'CK-BULK-' || g, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'assigned' END,
              (ARRAY['roads','environment','drainage','lighting'])[1 + g % 4], 3, 'Phản ánh ' || g, 'Mô tả',
              107.5 + (g % 50) * 0.002, 16.4 + (g / 50) * 0.002, NULL, now() - g * INTERVAL '7 minutes',
              'phan anh ' || g || ' mo ta'
       FROM generate_series(1, 4000) g`,
    );
    await ioc.app.db.query('ANALYZE incidents');
    sql.length = 0;
    await get('/cong-khai?ky=all');
    await get('/cong-khai?ky=all&loai=roads');
    await get('/cong-khai?ky=all&q=ngap');
    expect(sql.length).toBe(3);
    const plans: string[] = [];
    for (const [i, text] of [...sql].entries()) {
      const params: unknown[][] = [[], ['roads'], ['%ngap%']];
      const plan = await ioc.app.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params[i]);
      plans.push(plan.map((r) => r['QUERY PLAN']).join('\n'));
    }
    for (const plan of plans) expect(plan, plan).not.toMatch(/Seq Scan on incidents/);
  });
});
