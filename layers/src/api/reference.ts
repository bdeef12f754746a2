import { Type, type Static } from '@sinclair/typebox';
import '../formats.ts';

/** Reference data (ARCHITECTURE.md "REST"): wards, agencies, devices. */

const LonLat = Type.Tuple([Type.Number(), Type.Number()]);

export const WardSchema = Type.Object({
  code: Type.String({ description: 'GSO code of the phường/xã' }),
  name: Type.String(),
  shortName: Type.String(),
  type: Type.String(),
  population: Type.Number(),
  areaKm2: Type.Number(),
  labelPoint: LonLat,
});
export type Ward = Static<typeof WardSchema>;

export const AgencySchema = Type.Object({
  id: Type.String(),
  nameVi: Type.String(),
  nameEn: Type.String(),
  kind: Type.String(),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
});
export type Agency = Static<typeof AgencySchema>;

export const DeviceSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  position: Type.Union([LonLat, Type.Null()]),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  thresholds: Type.Array(Type.Number()),
  unit: Type.Union([Type.String(), Type.Null()]),
  expectedIntervalS: Type.Integer(),
  autoRegistered: Type.Boolean(),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Device = Static<typeof DeviceSchema>;

/** GeoJSON of the wards: polygons with the reference properties (geo/SOURCES.md). */
export const WardsGeoJsonSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }),
      properties: Type.Object({
        gso_code: Type.String(),
        name: Type.String(),
        short_name: Type.String(),
        type: Type.String(),
        area_km2: Type.Number(),
        population: Type.Number(),
        label_point: LonLat,
      }),
    }),
  ),
});
