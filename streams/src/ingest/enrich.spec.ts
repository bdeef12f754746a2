import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { WorkingCalendar } from '../calendar/working-calendar.ts';
import { findMergeTarget } from '../incidents/merge.ts';
import { normaliseHueSReport } from './hue-s.normalise.ts';
import { normaliseCameraMessage } from './camera.normalise.ts';
import { cameraMergeCandidate, enrich, reportMergeCandidate } from './enrich.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const calendar = new WorkingCalendar();
const receivedAt = new Date('2026-10-28T01:15:00Z'); // Wednesday 08:15 in Huế

let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

const hueS = (patch: Record<string, unknown> = {}) => {
  const r = normaliseHueSReport(
    {
      id: 'HUES-2026-118734',
      category: 'Thoát nước, ngập úng',
      description: 'Nước ngập khoảng 30cm trước chợ Đông Ba.',
      lat: 16.4722,
      lon: 107.5878,
      media: [],
      reporter: {},
      created_at: '2026-10-28T08:12:00+07:00',
      ...patch,
    },
    { receivedAt, wards },
  );
  if (!r.ok) throw new Error(r.reject.reason);
  return r.value;
};

describe('enrich', () => {
  it('gives a drainage report in Phú Xuân to HEPCO with 3 working days: Wed 28 Oct 08:15 → Mon 2 Nov 08:15', () => {
    expect(enrich(hueS(), { calendar })).toEqual({
      priority: 3,
      priorityRule: 'category_infrastructure',
      agencyId: 'hepco',
      routingRule: { id: 'drainage_urban', description: 'Thoát nước trong nội thành cũ: HEPCO' },
      sla: { workingDays: 3, source: 'category' },
      dueAt: new Date('2026-11-02T01:15:00Z'),
    });
  });

  it('runs an urgent report on clock hours', () => {
    expect(enrich(hueS({ urgent: true }), { calendar })).toMatchObject({
      priority: 1,
      priorityRule: 'urgent',
      sla: { hours: 4 },
      dueAt: new Date('2026-10-28T05:15:00Z'),
    });
  });

  it('sends a fire seen by a camera to the police at priority 1', () => {
    expect(
      enrich(
        { category: 'security', cameraEvent: 'fire_smoke', wardCode: null, position: null, receivedAt },
        { calendar },
      ),
    ).toMatchObject({
      priority: 1,
      agencyId: 'cong-an-tp-hue',
      dueAt: new Date('2026-10-28T05:15:00Z'),
    });
  });

  it('turns normalised reports and camera events into merge candidates', () => {
    const report = hueS();
    const cam = normaliseCameraMessage(
      'hue/cameras/cam-dong-ba/events',
      new TextEncoder().encode(
        JSON.stringify({ ts: '2026-10-28T08:20:00+07:00', type: 'flooding', confidence: 0.9 }),
      ),
      { receivedAt, wards, camera: () => ({ position: [107.5879, 16.4726] }) },
    );
    if (!cam.ok || cam.value.kind !== 'event') throw new Error('camera event refused');
    const incident = {
      id: 'INC-1',
      category: report.category,
      position: report.position,
      sources: [{ ...reportMergeCandidate(report) }],
    };
    expect(findMergeTarget(cameraMergeCandidate(cam.value), [incident])).toMatchObject({
      kind: 'merge',
      incidentId: 'INC-1',
      reason: { rule: 'same_category', minutesApart: 8 },
    });
  });
});
