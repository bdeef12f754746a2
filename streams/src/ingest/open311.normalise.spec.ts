import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { normaliseOpen311Request } from './open311.normalise.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

const receivedAt = new Date('2026-10-27T08:00:00+07:00');
const form = (over: Record<string, unknown> = {}) => ({
  api_key: 'k',
  service_code: 'drainage',
  lat: '16.4637',
  long: '107.5909',
  description: 'Nước ngập sâu trên đường Lê Lợi',
  attributes: {},
  ...over,
});
const run = (f: unknown) => normaliseOpen311Request(f, 'o311-abc', { receivedAt, wards });

describe('normaliseOpen311Request', () => {
  it('makes a report like a Hue-S one: ward from the point, urgent from khan_cap, answers in the text', () => {
    const r = run(
      form({
        attributes: { khan_cap: ['co'], do_sau_cm: ['40'] },
        last_name: 'Nguyễn',
        first_name: 'Văn An',
        phone: '0905 123 456',
        email: 'an@example.vn',
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      channel: 'open311',
      sourceId: 'o311-abc',
      category: 'drainage',
      urgent: true,
      position: [107.5909, 16.4637],
    });
    expect(r.value.wardCode).toMatch(/^\d{5}$/);
    expect(r.value.reporter).toEqual({ name: 'Nguyễn Văn An', phone: '+84905123456' });
    expect(r.value.description).toBe(
      'Nước ngập sâu trên đường Lê Lợi\nKhẩn cấp: Có, khẩn cấp\nĐộ sâu ngập (cm): 40',
    );
    expect(JSON.stringify(r.value)).not.toContain('an@example.vn');
  });

  it('takes an address instead of a point, and the service name when there is no description', () => {
    const r = run(
      form({
        lat: undefined,
        long: undefined,
        description: undefined,
        address_string: '12 Lê Lợi, phường Thuận Hóa',
      }),
    );
    expect(r.ok && r.value.position === null && r.value.title === 'Thoát nước, ngập úng').toBe(true);
  });

  it.each([
    [{ lat: undefined, long: undefined }, 'IOC_OPEN311_LOCATION'],
    [{ long: '' }, 'IOC_OPEN311_LOCATION'],
    [{ lat: '1e1' }, 'IOC_OPEN311_LOCATION'],
    [{ lat: '21.0278', long: '105.8342' }, 'IOC_INGEST_OUT_OF_AREA'],
    [{ service_code: 'potholes' }, 'IOC_OPEN311_SERVICE'],
    [{ attributes: { do_sau_cm: ['sâu'] } }, 'IOC_OPEN311_ATTRIBUTE'],
    [{ attributes: { khan_cap: ['co', 'khong'] } }, 'IOC_OPEN311_ATTRIBUTE'],
    [{ attributes: { mau_sac: ['do'] } }, 'IOC_OPEN311_ATTRIBUTE'],
    [{ phone: '12345' }, 'IOC_INGEST_PHONE'],
    [{ media_url: 'javascript:alert(1)' }, 'IOC_INGEST_URL'],
    [{ title: 'không có trong GeoReport v2' }, 'IOC_INGEST_SCHEMA'],
    [{ description: 'x'.repeat(4001) }, 'IOC_INGEST_SCHEMA'],
  ])('refuses %j with %s', (over, code) => {
    const r = run(form(over));
    expect(r.ok ? null : r.reject.code).toBe(code);
  });
});
