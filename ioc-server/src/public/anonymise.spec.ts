import { describe, expect, it } from 'vitest';
import { publicPosition, publishedSql, REDACTED, scrubText } from './anonymise.ts';

describe('scrubText', () => {
  it.each([
    ['Gọi 0905 123 456 nhé', `Gọi ${REDACTED} nhé`],
    ['SĐT: 0905.123.456.', `SĐT: ${REDACTED}.`],
    ['liên hệ +84 905-123-456', `liên hệ ${REDACTED}`],
    ['máy bàn (0234) 3822 123', `máy bàn ${REDACTED}`],
    ['CCCD 046090001234', `CCCD ${REDACTED}`],
    ['thư an.nguyen@gmail.com giúp', `thư ${REDACTED} giúp`],
    ['thư an.nguyen @ gmail.com', `thư ${REDACTED}`],
  ])('removes %j', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('keeps house numbers, dates and short figures', () => {
    const text = 'Nhà số 12 kiệt 45 Lê Lợi, ngập 30 cm từ 14/10/2026, 3 hộ';
    expect(scrubText(text)).toBe(text);
  });

  it("removes the reporter's own name whatever its case or diacritics", () => {
    expect(scrubText('Tôi là NGUYEN VAN AN, nhà bị ngập', 'Nguyễn Văn An')).toBe(
      `Tôi là ${REDACTED}, nhà bị ngập`,
    );
    expect(scrubText('Nguyễn Văn An báo', 'Nguyễn Văn An')).toBe(`${REDACTED} báo`);
    expect(scrubText('Nguyễn Văn Anh báo', 'Nguyễn Văn An')).toBe('Nguyễn Văn Anh báo');
  });

  it('drops control characters, NUL included', () => {
    expect(scrubText('a\u0000b\u0007c\nd')).toBe('abc\nd');
  });

  it('passes null through', () => {
    expect(scrubText(null)).toBeNull();
  });
});

describe('publicPosition', () => {
  it('rounds a security report to about 110 m and a road report to about 11 m', () => {
    expect(publicPosition('security', 107.590123, 16.463789)).toEqual({ lon: 107.59, lat: 16.464 });
    expect(publicPosition('roads', 107.590123, 16.463789)).toEqual({ lon: 107.5901, lat: 16.4638 });
  });

  it('rounds an unknown category coarsely and keeps a missing position missing', () => {
    expect(publicPosition('whatever', 107.590123, 16.463789)).toEqual({ lon: 107.59, lat: 16.464 });
    expect(publicPosition('roads', null, 16.4)).toBeNull();
    expect(publicPosition('roads', Number.NaN, 16.4)).toBeNull();
  });
});

describe('publishedSql', () => {
  it('leaves out merged duplicates and refused reports', () => {
    expect(publishedSql()).toBe("(i.merged_into IS NULL AND i.status <> 'rejected')");
    expect(publishedSql('')).toBe("(merged_into IS NULL AND status <> 'rejected')");
  });
});
