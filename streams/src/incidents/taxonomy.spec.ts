import { describe, expect, it } from 'vitest';
import { CATEGORIES, CATEGORY_CODES, classifyCategory, priorityFor, resolveCategory } from './taxonomy.ts';

describe('categories', () => {
  it('lists the eleven Hue-S categories once each, with vi and en labels', () => {
    expect(CATEGORIES.map((c) => c.code)).toEqual([...CATEGORY_CODES]);
    expect(CATEGORIES).toHaveLength(11);
    for (const c of CATEGORIES) expect(c.vi.length * c.en.length).toBeGreaterThan(0);
    expect(CATEGORIES.find((c) => c.code === 'drainage')?.vi).toBe('Thoát nước, ngập úng');
  });

  it.each([
    ['drainage', 'drainage', 'code'],
    ['  Food-Safety ', 'food_safety', 'code'],
    ['Thoát nước, ngập úng', 'drainage', 'label'],
    ['thoat nuoc, ngap ung', 'drainage', 'label'],
    ['Thoát nước, ngập úng'.normalize('NFD'), 'drainage', 'label'],
    ['Hạ tầng giao thông', 'roads', 'label'],
    ['Hạ tầng giao thông (đường, vỉa hè, ổ gà)', 'roads', 'label'],
    ['An ninh, trật tự', 'security', 'label'],
    ['Trật tự đô thị và xây dựng', 'urban_order', 'label'],
    ['Drainage and flooding', 'drainage', 'label'],
    ['Khác', 'other', 'label'],
  ])('%j → %s (%s)', (text, code, via) => {
    expect(classifyCategory(text)).toEqual({ code, via });
  });

  it.each([
    ['Nước ngập sâu 40cm trước chợ Đông Ba, cống bị tắc', 'drainage'],
    ['Đèn đường trên cầu Trường Tiền không sáng 3 đêm nay', 'lighting'],
    ['Ổ gà lớn giữa đường Điện Biên Phủ, rất nguy hiểm cho xe máy', 'roads'],
    ['Người dân đổ rác bừa bãi ven sông An Cựu, bốc mùi hôi', 'environment'],
    ['Quán cà phê lấn chiếm vỉa hè đường Phạm Ngũ Lão', 'urban_order'],
    ['Tai nạn giao thông giữa xe tải và xe máy tại ngã tư Ga', 'traffic'],
    ['Nhóm thanh niên tụ tập gây rối trật tự lúc nửa đêm', 'security'],
    ['Nghi ngộ độc thực phẩm sau khi ăn cơm hến', 'food_safety'],
    ['Bộ phận một cửa phường chậm trả hồ sơ', 'public_services'],
    ['Khách du lịch bị chặt chém giá khi thuê xích lô quanh Đại Nội', 'heritage_tourism'],
    ['Pothole on Le Loi street', 'roads'],
  ])('free text %j → %s', (text, code) => {
    expect(resolveCategory(text)).toBe(code);
  });

  it('lets the longer phrase win: "trật tự đô thị" is urban order, not security', () => {
    expect(resolveCategory('Vi phạm trật tự đô thị')).toBe('urban_order');
  });

  it('falls back to other', () => {
    expect(classifyCategory('Cảm ơn chính quyền')).toEqual({ code: 'other', via: 'fallback' });
    expect(resolveCategory('')).toBe('other');
    expect(resolveCategory(undefined)).toBe('other');
  });
});

describe('priorityFor', () => {
  it.each([
    [{ category: 'environment', urgent: true }, 1, 'urgent'],
    [{ category: 'drainage', alarmLevel: 3 }, 1, 'alarm_bd3'],
    [{ category: 'drainage', alarmLevel: 2 }, 2, 'alarm_bd2'],
    [{ category: 'drainage', alarmLevel: 1 }, 3, 'alarm_bd1'],
    [{ category: 'security', cameraEvent: 'fire_smoke' }, 1, 'camera_fire_smoke'],
    [{ category: 'traffic', cameraEvent: 'accident' }, 2, 'camera_accident'],
    [{ category: 'traffic', cameraEvent: 'illegal_parking' }, 4, 'camera_minor'],
    [{ category: 'security' }, 2, 'category_security'],
    [{ category: 'lighting' }, 3, 'category_infrastructure'],
    [{ category: 'public_services' }, 4, 'default'],
  ] as const)('%j → P%i by %s', (input, priority, rule) => {
    expect(priorityFor(input)).toEqual({ priority, rule });
  });

  it('urgent wins over everything else', () => {
    expect(priorityFor({ category: 'other', urgent: true, alarmLevel: 1 }).priority).toBe(1);
  });
});
