import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { KPI_UNIT_RANGES, KPI_UNITS, type KpiUnit } from '@hue-ioc/layers';
import { WardIndex } from '../geo/wards.ts';
import { normaliseKpiSample, type KpiContext } from './kpi.normalise.ts';

/**
 * The KPI webhook against the catalogue an admin extends (issue 13): the server passes its cached
 * kpi_catalogue as `ctx.catalogue`; without it the seed (layers' KPI_CATALOGUE) answers.
 */
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

const receivedAt = new Date('2026-11-30T09:00:00+07:00');
const catalogue = new Map<string, { unit: KpiUnit; active: boolean }>([
  ['ty_le_tieu_thuong_qr', { unit: '%', active: true }],
  ['so_cuoc_goi_zalo', { unit: 'count', active: true }],
  ['ty_le_ho_so_giay', { unit: '%', active: false }],
]);
const ctx = (): KpiContext => ({ receivedAt, wards, catalogue: (id) => catalogue.get(id) });
const body = (kpi: string, value: number, target?: number) => ({
  kpi,
  scope: { level: 'province', code: '46' },
  value,
  ...(target !== undefined ? { target } : {}),
  ts: '2026-11-30T08:00:00+07:00',
});
const codeOf = (r: ReturnType<typeof normaliseKpiSample>) => (r.ok ? 'ok' : r.reject.code);

describe('normaliseKpiSample with the KPI catalogue', () => {
  it('takes an indicator the admin added, which the seed does not know', () => {
    expect(codeOf(normaliseKpiSample(body('ty_le_tieu_thuong_qr', 63.5), ctx()))).toBe('ok');
    expect(codeOf(normaliseKpiSample(body('ty_le_tieu_thuong_qr', 63.5), { receivedAt, wards }))).toBe(
      'IOC_INGEST_UNKNOWN_KPI',
    );
  });

  it.each([
    ['a seed id the catalogue no longer has', body('ty_le_hai_long', 91), 'IOC_INGEST_UNKNOWN_KPI'],
    ['an Object.prototype name', body('constructor', 1), 'IOC_INGEST_UNKNOWN_KPI'],
    ['a deactivated indicator', body('ty_le_ho_so_giay', 12), 'IOC_INGEST_KPI_INACTIVE'],
    ['a share above 100', body('ty_le_tieu_thuong_qr', 100.01), 'IOC_INGEST_KPI_RANGE'],
    ['a negative share', body('ty_le_tieu_thuong_qr', -1), 'IOC_INGEST_KPI_RANGE'],
    ['a target above 100', body('ty_le_tieu_thuong_qr', 60, 130), 'IOC_INGEST_KPI_RANGE'],
    ['a negative count', body('so_cuoc_goi_zalo', -4), 'IOC_INGEST_KPI_RANGE'],
    ['a fractional count', body('so_cuoc_goi_zalo', 4.5), 'IOC_INGEST_KPI_RANGE'],
    ['a share of exactly 100', body('ty_le_tieu_thuong_qr', 100), 'ok'],
    ['a count of zero', body('so_cuoc_goi_zalo', 0), 'ok'],
  ])('%s → %s', (_what, b, code) => {
    const r = normaliseKpiSample(b, ctx());
    expect(codeOf(r)).toBe(code);
    if (!r.ok && code === 'IOC_INGEST_KPI_RANGE')
      expect(r.reject.details).toMatchObject({ unit: expect.any(String) });
  });

  it('accepts exactly the values inside the unit’s range (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KPI_UNITS),
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        (unit, v) => {
          const r = normaliseKpiSample(body('chi_so', v), {
            receivedAt,
            wards,
            catalogue: (id) => (id === 'chi_so' ? { unit, active: true } : undefined),
          });
          const range = KPI_UNIT_RANGES[unit];
          const inside = v >= range.min && v <= range.max && (!range.integer || Number.isInteger(v));
          expect(codeOf(r)).toBe(inside ? 'ok' : 'IOC_INGEST_KPI_RANGE');
        },
      ),
    );
  });
});
