/** A ward of /api/geo/wards (the 40 phường and xã in force from 2025-07-01, data/SOURCES.md). */
export interface WardProperties {
  gso_code: string;
  name: string;
  short_name: string;
  type: string;
  population: number | null;
  label_point: [number, number] | null;
}

export type WardCollection = GeoJSON.FeatureCollection<GeoJSON.Geometry, WardProperties>;

export interface WardLabel {
  code: string;
  text: string;
  position: [number, number];
  /** Phường (urban) or Xã (rural). */
  urban: boolean;
  /** Label priority: the population, so the dense city wards are named first. */
  weight: number;
}

function isPoint(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length >= 2 && v.every((n) => typeof n === 'number');
}

export function isWardCollection(value: unknown): value is WardCollection {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'FeatureCollection' &&
    Array.isArray((value as { features?: unknown }).features)
  );
}

export function wardLabels(wards: WardCollection): WardLabel[] {
  const out: WardLabel[] = [];
  for (const f of wards.features) {
    const p = f.properties;
    if (!p || !isPoint(p.label_point)) continue;
    out.push({
      code: String(p.gso_code),
      text: p.short_name || p.name,
      position: [p.label_point[0], p.label_point[1]],
      urban: p.type === 'Phường',
      weight: typeof p.population === 'number' ? p.population : 0,
    });
  }
  return out;
}
