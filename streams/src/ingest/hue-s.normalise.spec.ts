import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { normaliseHueSReport } from './hue-s.normalise.ts';
import { normaliseVietnamesePhone, checkHttpUrl, parseJsonBody } from './common.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const receivedAt = new Date('2026-10-28T01:15:00Z'); // 08:15 in Huế

const report = () => ({
  id: 'HUES-2026-118734',
  category: 'Thoát nước, ngập úng',
  title: 'Ngập sâu trước chợ Đông Ba',
  description:
    'Nước ngập khoảng 30cm trên đường Trần Hưng Đạo đoạn trước chợ Đông Ba, nhiều xe máy chết máy.',
  lat: 16.4722,
  lon: 107.5878,
  address: 'Trần Hưng Đạo, phường Phú Xuân',
  media: [
    { url: 'https://media.hue-s.vn/reports/118734/1.jpg', type: 'image' },
    { url: 'https://media.hue-s.vn/reports/118734/2.mp4', type: 'video' },
  ],
  reporter: { name: 'Nguyễn Văn An', phone: '0905 123 456' },
  created_at: '2026-10-28T08:12:00+07:00',
});

describe('normaliseHueSReport', () => {
  let wards: WardIndex;
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });
  const run = (body: unknown) => normaliseHueSReport(body, { receivedAt, wards });

  it('normalises a report at chợ Đông Ba', () => {
    const r = run(report());
    expect(r).toEqual({
      ok: true,
      value: {
        channel: 'hue_s',
        sourceId: 'HUES-2026-118734',
        category: 'drainage',
        categoryText: 'Thoát nước, ngập úng',
        title: 'Ngập sâu trước chợ Đông Ba',
        description:
          'Nước ngập khoảng 30cm trên đường Trần Hưng Đạo đoạn trước chợ Đông Ba, nhiều xe máy chết máy.',
        position: [107.5878, 16.4722],
        wardCode: wards.byShortName('Phú Xuân')?.code,
        wardVia: 'position',
        address: 'Trần Hưng Đạo, phường Phú Xuân',
        media: report().media,
        reporter: { name: 'Nguyễn Văn An', phone: '+84905123456' },
        urgent: false,
        createdAt: new Date('2026-10-28T01:12:00Z'),
        receivedAt,
        agent: null,
      },
    });
  });

  it('makes a title from the description, NFC-normalises text and reads the category from the text when the label is unknown', () => {
    const body = {
      ...report(),
      title: undefined,
      category: 'Cây xanh đô thị',
      description: 'Cây xanh bị gãy đổ chắn ngang đường Lê Lợi.\nĐề nghị xử lý gấp.'.normalize('NFD'),
      urgent: true,
    };
    delete body.title;
    const r = run(body);
    expect(r.ok && r.value).toMatchObject({
      title: 'Cây xanh bị gãy đổ chắn ngang đường Lê Lợi.',
      category: 'environment',
      urgent: true,
    });
    expect(r.ok && r.value.description).toBe(
      'Cây xanh bị gãy đổ chắn ngang đường Lê Lợi.\nĐề nghị xử lý gấp.'.normalize('NFC'),
    );
  });

  it('strips control characters and collapses spaces in stored text', () => {
    const r = run({
      ...report(),
      description: '  Ngập\u0007 sâu   trước chợ\u0000 Đông Ba \r\n  xe chết máy ',
    });
    expect(r.ok && r.value.description).toBe('Ngập sâu trước chợ Đông Ba\nxe chết máy');
  });

  it('keeps "Khác" as other', () => {
    const r = run({ ...report(), category: 'Khác' });
    expect(r.ok && r.value.category).toBe('other');
  });

  it('finds the ward from the address when the point is in Huế but outside every ward (at sea)', () => {
    expect(wards.wardAt(108.25, 16.3)).toBeUndefined();
    const r = run({ ...report(), lat: 16.3, lon: 108.25, address: 'bãi tắm Lăng Cô' });
    expect(r.ok && r.value).toMatchObject({
      wardCode: wards.byShortName('Chân Mây - Lăng Cô')?.code,
      wardVia: 'address',
    });
  });

  it.each([
    [{ lat: 0, lon: 0 }, 'IOC_INGEST_OUT_OF_AREA'],
    [{ lat: 21.0285, lon: 105.8542 }, 'IOC_INGEST_OUT_OF_AREA'], // Hà Nội
    [{ lat: 16.46, lon: 106.9 }, 'IOC_INGEST_OUT_OF_AREA'], // Laos, west of A Lưới
    [{ lat: 95 }, 'IOC_INGEST_SCHEMA'],
    [{ lat: '16.47' }, 'IOC_INGEST_SCHEMA'],
    [{ id: 'id with spaces' }, 'IOC_INGEST_SCHEMA'],
    [{ description: '' }, 'IOC_INGEST_SCHEMA'],
    [{ description: '   \n ' }, 'IOC_INGEST_SCHEMA'],
    [{ description: 'x'.repeat(4001) }, 'IOC_INGEST_SCHEMA'],
    [{ title: 't'.repeat(201) }, 'IOC_INGEST_SCHEMA'],
    [{ media: [{ url: 'https://a.vn/1.jpg', type: 'audio' }] }, 'IOC_INGEST_SCHEMA'],
    [
      { media: Array.from({ length: 11 }, (_, i) => ({ url: `https://a.vn/${i}.jpg`, type: 'image' })) },
      'IOC_INGEST_SCHEMA',
    ],
    [{ media: [{ url: 'javascript:alert(1)', type: 'image' }] }, 'IOC_INGEST_URL'],
    [{ media: [{ url: 'ftp://media.hue-s.vn/1.jpg', type: 'image' }] }, 'IOC_INGEST_URL'],
    [{ media: [{ url: '/reports/1.jpg', type: 'image' }] }, 'IOC_INGEST_URL'],
    [{ reporter: { phone: '12345' } }, 'IOC_INGEST_PHONE'],
    [{ reporter: { phone: '0905 123 456', email: 'a@b.vn' } }, 'IOC_INGEST_SCHEMA'],
    [{ created_at: '2026-10-28T08:30:00+07:00' }, 'IOC_INGEST_TIME'], // 15 min ahead of receipt
    [{ created_at: '2026-02-30T08:00:00+07:00' }, 'IOC_INGEST_TIME'],
    [{ created_at: '28/10/2026 08:12' }, 'IOC_INGEST_SCHEMA'],
    [{ extra: true }, 'IOC_INGEST_SCHEMA'],
  ])('%j → %s', (patch, code) => {
    const r = run({ ...report(), ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reject.code).toBe(code);
  });

  it('accepts a point inside the box but in no ward and names no ward (central Đà Nẵng is inside the box)', () => {
    const r = run({ ...report(), lat: 16.0544, lon: 108.2022, address: '12 Bạch Đằng, Hải Châu, Đà Nẵng' });
    expect(r.ok && r.value).toMatchObject({ wardCode: null, wardVia: null });
  });

  it('names the wrong field in the reason', () => {
    const r = run({ ...report(), media: [{ url: 'https://a.vn/1.jpg', type: 'audio' }] });
    expect(!r.ok && r.reject.reason).toMatch(/\/media\/0\/type/);
    const u = run({
      ...report(),
      media: [report().media[0], { url: 'data:image/png;base64,AAAA', type: 'image' }],
    });
    expect(!u.ok && u.reject.reason).toMatch(/\/media\/1\/url/);
    expect(run(null).ok).toBe(false);
    expect(run([]).ok).toBe(false);
  });

  it('accepts a report made up to 5 minutes ahead of our clock', () => {
    expect(run({ ...report(), created_at: '2026-10-28T08:19:59+07:00' }).ok).toBe(true);
  });
});

describe('normaliseVietnamesePhone', () => {
  it.each([
    ['0905123456', '+84905123456'],
    ['0905.123.456', '+84905123456'],
    ['+84 905 123 456', '+84905123456'],
    ['84905123456', '+84905123456'],
    ['(0234) 3822 123', '+842343822123'], // a Huế landline
    ['0352 111 222', '+84352111222'],
  ])('%s → %s', (input, e164) => {
    expect(normaliseVietnamesePhone(input, '/phone')).toEqual({ ok: true, value: e164 });
  });

  it.each(['090512345', '09051234567', '0105123456', '+1 415 555 0100', '1900 1075', 'không có'])(
    'refuses %s',
    (input) => {
      const r = normaliseVietnamesePhone(input, '/phone');
      expect(!r.ok && r.reject.code).toBe('IOC_INGEST_PHONE');
    },
  );
});

describe('checkHttpUrl / parseJsonBody', () => {
  it('refuses credentials in links and oversized or non-UTF-8 bodies', () => {
    expect(checkHttpUrl('https://user:pw@media.hue-s.vn/1.jpg', '/u').ok).toBe(false);
    expect(parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]), 100)).toMatchObject({
      ok: false,
      reject: { code: 'IOC_INGEST_JSON' },
    });
    expect(parseJsonBody('{"a":1}', 3)).toMatchObject({
      ok: false,
      reject: { code: 'IOC_INGEST_TOO_LARGE' },
    });
    expect(parseJsonBody('{"a":1}', 100)).toEqual({ ok: true, value: { a: 1 } });
  });

  it('turns a lone surrogate escape into U+FFFD in values and keys, keeps pairs and own __proto__ keys (fuzz seed 1278645960)', () => {
    const parsed = parseJsonBody(
      '{"name":"\\ud800","tail":"a\\udfff","pair":"\\ud83c\\udf0a","\\udc00k":{"__proto__":"x"},"n":["\\ud801"]}',
      1000,
    );
    expect(parsed.ok).toBe(true);
    const v = (parsed as { value: Record<string, unknown> }).value;
    expect(v.name).toBe('\ufffd');
    expect(v.tail).toBe('a\ufffd');
    expect(v.pair).toBe('🌊');
    expect(v.n).toEqual(['\ufffd']);
    const inner = v['\ufffdk'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(inner, '__proto__')?.value).toBe('x');
    // Every string the body holds is now storable as jsonb text.
    expect(JSON.stringify(v)).not.toMatch(/\\ud[89a-f]/i);
  });
});

describe('reports whose words name a property of Object.prototype (issue 11)', () => {
  let wards: WardIndex;
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'keeps a report whose address, category and title are "%s"',
    (word) => {
      const r = normaliseHueSReport(
        { ...report(), category: word, title: word, address: word },
        { receivedAt, wards },
      );
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value).toMatchObject({ category: 'drainage', categoryText: word, address: word, title: word });
      // The point still names the ward (Phú Xuân); the word named nothing.
      expect(r.value.wardVia).toBe('position');
    },
  );
});
