/** Deterministic Huế features for the layer rows (the shapes bench/wall-delta.ts seeds). */
import type { Feature, IncidentProps, SensorProps } from '@hue-ioc/layers';

const CATEGORIES = ['environment', 'roads', 'drainage', 'lighting', 'urban_order', 'traffic'];
const STATUSES = ['new', 'assigned', 'in_progress'] as const;

export function incident(i: number, now: number, round = 0): Feature<IncidentProps> {
  const city = i % 3 !== 0;
  const lon = city ? 107.55 + ((i * 7919) % 1000) / 10_000 : 107.2 + ((i * 104729) % 10_000) / 10_000;
  const lat = city ? 16.43 + ((i * 6007) % 700) / 10_000 : 16.0 + ((i * 7727) % 7000) / 10_000;
  return {
    id: `IOC-2611-${i}`,
    position: [lon, lat],
    props: {
      version: 1 + round,
      status: STATUSES[(i + round) % STATUSES.length]!,
      category: CATEGORIES[i % CATEGORIES.length]!,
      priority: 1 + ((i + round) % 4),
      title: `Phản ánh số ${i}`,
      wardCode: null,
      agencyId: `ubnd-${i % 40}`,
      dueAt: new Date(now + (((i + round) % 96) - 24) * 3_600_000).toISOString(),
      createdAt: new Date(now - ((i * 37) % 72) * 3_600_000).toISOString(),
      updatedAt: new Date(now).toISOString(),
      channels: ['hue_s'],
    },
  };
}

export function sensor(i: number, now: number, round = 0): Feature<SensorProps> {
  return {
    id: `bench-sensor-${i}`,
    position: [107.3 + ((i * 7919) % 5000) / 10_000, 16.2 + ((i * 6007) % 4000) / 10_000],
    props: {
      kind: 'rain',
      name: `Trạm đo mưa ${i}`,
      wardCode: null,
      metric: 'rain_rate',
      value: ((i * 31 + round * 7) % 300) / 10,
      unit: 'mm/h',
      observedAt: new Date(now).toISOString(),
      alarmLevel: 0,
      state: 'normal',
      thresholds: [20, 50, 100],
      expectedIntervalS: 300,
    },
  };
}

export async function seed(
  apply: (features: Feature[]) => Promise<unknown>,
  make: (i: number) => Feature,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i += 5000) {
    const batch: Feature[] = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) batch.push(make(j));
    await apply(batch);
  }
}
