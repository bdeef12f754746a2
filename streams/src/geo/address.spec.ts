import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from './wards.ts';
import { foldVietnamese, normaliseAddress, wardFromAddress } from './address.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');

describe('foldVietnamese / normaliseAddress', () => {
  it('strips diacritics in NFC and NFD alike, đ → d, lowercases and collapses spaces', () => {
    expect(foldVietnamese('  Phường   Thuận Hóa ')).toBe('phuong thuan hoa');
    expect(foldVietnamese('Đông Ba'.normalize('NFD'))).toBe('dong ba');
    expect(foldVietnamese('THỦY XUÂN')).toBe('thuy xuan');
  });

  it('expands the abbreviations of Huế addresses', () => {
    expect(normaliseAddress('K12 Phan Đình Phùng, P. Thuận Hóa, TP Huế')).toBe(
      'kiet 12 phan dinh phung phuong thuan hoa thanh pho hue',
    );
    expect(normaliseAddress('23/4 kiệt 5 Nguyễn Trãi, P.Phú Xuân, T.P Huế')).toBe(
      '23 4 kiet 5 nguyen trai phuong phu xuan thanh pho hue',
    );
    expect(normaliseAddress('QL1A, TT Phú Lộc')).toBe('quoc lo 1a thi tran phu loc');
    expect(normaliseAddress('hẻm 7 Q. 1')).toBe('hem 7 quan 1');
  });
});

describe('wardFromAddress', () => {
  let wards: WardIndex;
  const code = (short: string): string => {
    const w = wards.byShortName(short);
    if (!w) throw new Error(`no ward ${short}`);
    return w.code;
  };
  const find = (text: string) => wardFromAddress(text, wards);
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });

  it('finds Thuận Hóa in a typed-without-diacritics hotline address', () => {
    const m = find('kiet 12 Phan Dinh Phung, phuong Thuan Hoa');
    expect(m?.ward.code).toBe(code('Thuận Hóa'));
    expect(m).toMatchObject({ via: 'name', explicit: true, matched: 'thuan hoa' });
  });

  it.each([
    ['83 Hùng Vương, P. Thuận Hóa, TP Huế', 'Thuận Hóa'],
    ['Cửa Thượng Tứ, phường Phú Xuân', 'Phú Xuân'],
    ['thôn 2, xã A Lưới 2, thành phố Huế', 'A Lưới 2'],
    ['bản A Đớt, xa A Luoi 5', 'A Lưới 5'],
    ['Quốc lộ 49, Xã Chân Mây - Lăng Cô', 'Chân Mây - Lăng Cô'],
    ['45 Nguyễn Sinh Cung, VỸ DẠ', 'Vỹ Dạ'],
    ['Kiệt 20 Chi Lăng, Phú Xuân'.normalize('NFD'), 'Phú Xuân'],
  ])('%s → %s', (text, ward) => {
    expect(find(text)?.ward.code).toBe(code(ward));
  });

  it('maps pre-2025 ward names to the ward that absorbed them', () => {
    expect(find('12 Lê Lợi, phường Vĩnh Ninh, TP Huế')).toMatchObject({
      via: 'former_name',
      formerName: 'Phường Vĩnh Ninh',
      ward: { shortName: 'Thuận Hóa' },
    });
    expect(find('Chợ Tây Lộc, phường Tây Lộc')?.ward.shortName).toBe('Phú Xuân');
    expect(find('thôn Dương Hòa, xã Dương Hòa, thị xã Hương Thủy')?.ward.shortName).toBe('Phú Bài');
    expect(find('Thị trấn Sịa, huyện Quảng Điền')?.ward.shortName).toBe('Quảng Điền');
    expect(find('Lăng Cô')?.ward.shortName).toBe('Chân Mây - Lăng Cô');
    // "Phường Đúc" is itself the name of a former ward: "phường Phường Đúc".
    expect(find('kiệt 3 Bùi Thị Xuân, phường Phường Đúc')?.ward.shortName).toBe('Thuận Hóa');
  });

  it('tells the former "Thuận Hòa" (now Phú Xuân) from "Thuận Hóa" when the diacritics are there', () => {
    expect(find('Đinh Bộ Lĩnh, phường Thuận Hòa')).toMatchObject({
      via: 'former_name',
      ward: { shortName: 'Phú Xuân' },
    });
    expect(find('Đinh Bộ Lĩnh, phường Thuận Hoà')?.ward.shortName).toBe('Phú Xuân');
    expect(find('Hà Nội, phường Thuận Hóa')?.ward.shortName).toBe('Thuận Hóa');
    // Without diacritics the ward of 2025 wins.
    expect(find('phuong thuan hoa')?.ward.shortName).toBe('Thuận Hóa');
  });

  it('prefers "A Lưới 2" over the former "thị trấn A Lưới" and never reads "A Lưới 2" as "A Lưới"', () => {
    expect(find('Xã A Lưới 2')).toMatchObject({ via: 'name', ward: { shortName: 'A Lưới 2' } });
    expect(find('thị trấn A Lưới, huyện A Lưới')).toMatchObject({
      via: 'former_name',
      ward: { shortName: 'A Lưới 2' },
    });
  });

  it('prefers an explicit "phường X" over a street named after another ward', () => {
    // Kim Long is a street in Phú Xuân and a ward of its own.
    expect(find('120 Kim Long, phường Phú Xuân')?.ward.shortName).toBe('Phú Xuân');
    expect(find('120 đường Kim Long, Phú Xuân')?.ward.shortName).toBe('Phú Xuân');
    expect(find('đường Kim Long')?.ward.shortName).toBe('Kim Long');
    // "thị xã Hương Thủy" is the former district, not the ward.
    expect(find('phường Phú Bài, thị xã Hương Thủy')?.ward.shortName).toBe('Phú Bài');
  });

  it('uses the unit type to pick between a ward of 2025 and a former one of the same name', () => {
    expect(find('phường Phú Xuân')?.ward.shortName).toBe('Phú Xuân');
    // Xã Phú Xuân of the former Phú Vang district is now part of Phú Hồ.
    expect(find('xã Phú Xuân, huyện Phú Vang')).toMatchObject({
      via: 'former_name',
      ward: { shortName: 'Phú Hồ' },
    });
    // Phường Hương Phong (now Hóa Châu) versus xã Hương Phong of A Lưới (now A Lưới 4).
    expect(find('phường Hương Phong')?.ward.shortName).toBe('Hóa Châu');
    expect(find('xã Hương Phong, huyện A Lưới')?.ward.shortName).toBe('A Lưới 4');
  });

  it('does not guess between two former units of one name in different wards', () => {
    expect(find('thôn Thanh Lam, Hương Phong')).toBeUndefined();
  });

  it('says nothing for an address outside Huế or without a ward', () => {
    expect(find('12 Bạch Đằng, phường Hải Châu, Đà Nẵng')).toBeUndefined();
    expect(find('')).toBeUndefined();
    expect(find('gần cầu Trường Tiền')).toBeUndefined();
  });
});

describe('words that name a property of Object.prototype (issue 11)', () => {
  let wards: WardIndex;
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });
  const WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it('are plain words of an address: tokenised as themselves, no ward found, nothing thrown', () => {
    for (const word of WORDS) {
      // "_" is not a letter: "__proto__" is the word "proto".
      const plain = foldVietnamese(word).replace(/_+/g, ' ').trim();
      expect(normaliseAddress(word)).toBe(plain);
      expect(normaliseAddress(`kiệt 3 ${word}, phường Thuận Hóa`)).toBe(
        `kiet 3 ${plain} phuong thuan hoa`,
      );
      expect(wardFromAddress(word, wards)).toBeUndefined();
      expect(wardFromAddress(`12 ${word}, phường Thuận Hóa`, wards)?.ward.shortName).toBe('Thuận Hóa');
    }
  });
});
