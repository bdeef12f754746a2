import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { classifyCategory } from '../incidents/taxonomy.ts';
import { normaliseVietnamesePhone } from '../ingest/common.ts';
import { placeIn } from './places.ts';
import { mulberry32 } from './signals.ts';
import { allTemplates, hotlineSummary, reportText, vietnameseMobile, vietnameseName } from './texts.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');

describe('report texts', () => {
  let wards: WardIndex;
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });

  it('classify to their own category in every ward, so a hotline ticket without a category lands right', () => {
    const rand = mulberry32(7);
    const failures: string[] = [];
    for (const { category, set } of allTemplates()) {
      for (const ward of wards.wards) {
        for (let i = 0; i < 2; i++) {
          const text = reportText(category, set, placeIn(ward, rand), rand);
          for (const t of [text.text, hotlineSummary(text.text, rand)]) {
            const got = classifyCategory(t).code;
            // "Khác" is a label, not words: an "other" text may classify as other or nothing in particular.
            if (category !== 'other' && got !== category) failures.push(`${category} → ${got}: ${t}`);
          }
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('fill every placeholder', () => {
    const rand = mulberry32(8);
    for (const { category, set } of allTemplates()) {
      const ward = wards.byShortName('Thuận Hóa')!;
      const text = reportText(category, set, placeIn(ward, rand), rand);
      expect(text.text).not.toMatch(/[{}]/);
      expect(text.title).not.toMatch(/[{}]/);
    }
  });
});

describe('people', () => {
  it('have Vietnamese names of three or more words and mobile numbers the ingest accepts (09x, 08x, 03x)', () => {
    const rand = mulberry32(46);
    for (let i = 0; i < 500; i++) {
      expect(vietnameseName(rand).split(' ').length).toBeGreaterThanOrEqual(3);
      const phone = vietnameseMobile(rand);
      const r = normaliseVietnamesePhone(phone, '/phone');
      expect(r.ok, phone).toBe(true);
      expect(phone.replace(/\s/g, '')).toMatch(/^0[389]\d{8}$/);
    }
  });

  it('gives "Thị" only to women’s names', () => {
    const rand = mulberry32(3);
    const male = [
      'An',
      'Bình',
      'Dũng',
      'Hải',
      'Hùng',
      'Khánh',
      'Long',
      'Nam',
      'Phong',
      'Quân',
      'Sơn',
      'Trung',
      'Tuấn',
      'Vinh',
      'Lộc',
      'Thắng',
      'Tài',
    ];
    for (let i = 0; i < 500; i++) {
      const n = vietnameseName(rand);
      if (n.includes(' Thị ')) expect(male).not.toContain(n.split(' ').at(-1));
    }
  });
});
