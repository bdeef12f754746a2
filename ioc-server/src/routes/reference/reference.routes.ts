import { DeviceSchema, ListSchema, WardSchema, WardsGeoJsonSchema } from '@hue-ioc/layers';
import { routePlugin } from '../route-plugin.ts';

export const referenceRoutes = routePlugin('reference', ['geo', 'repositories'], async (app) => {
  // The reference file, with each label point moved inside its ward where the file's is not (WardIndex).
  const wardsGeoJson = JSON.stringify({
    ...app.wards.collection,
    features: app.wards.collection.features.map((f) => ({
      ...f,
      properties: {
        ...f.properties,
        label_point: app.wards.byCode(f.properties.gso_code)?.labelPoint ?? f.properties.label_point,
      },
    })),
  });

  /** The 40 ward polygons as GeoJSON, for the map (the reference file from GEO_DIR). */
  app.get(
    '/api/geo/wards',
    {
      schema: {
        description: 'The 40 phường/xã of 2025 as a GeoJSON FeatureCollection (RFC 7946), with GSO codes.',
        response: { 200: { content: { 'application/geo+json': { schema: WardsGeoJsonSchema } } } },
      },
    },
    async (_req, reply) => {
      reply.type('application/geo+json').header('cache-control', 'public, max-age=3600');
      // Serialised once at start (the file does not change while the server runs): a string payload is
      // sent as it is, which the schema-typed reply does not model.
      return reply.send(wardsGeoJson as never);
    },
  );

  app.get('/api/wards', { schema: { response: { 200: ListSchema(WardSchema) } } }, async () => ({
    items: app.wards.wards,
  }));

  app.get('/api/devices', { schema: { response: { 200: ListSchema(DeviceSchema) } } }, async () => ({
    items: (await app.repos.devices.list()).map((d) => ({
      id: d.id,
      kind: d.kind,
      name: d.name,
      position: d.lon !== null && d.lat !== null ? ([d.lon, d.lat] as [number, number]) : null,
      wardCode: d.ward_code,
      thresholds: d.thresholds,
      unit: d.unit,
      expectedIntervalS: d.expected_interval_s,
      autoRegistered: d.auto_registered,
      lastSeenAt: d.last_seen_at?.toISOString() ?? null,
    })),
  }));
});
