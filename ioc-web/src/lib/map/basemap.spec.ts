import { describe, expect, it } from 'vitest';
import type { FillLayerSpecification } from 'maplibre-gl';
import { basemapPlan, fetchMapStyleUrl, pmtilesStyle, withOverlay } from './basemap';
import { wallMapStyle } from './base-style';

describe('basemapPlan', () => {
  it('keeps the offline style when MAP_STYLE_URL is unset or unusable', () => {
    expect(basemapPlan(null)).toEqual({ kind: 'offline' });
    expect(basemapPlan(undefined)).toEqual({ kind: 'offline' });
    expect(basemapPlan('  ')).toEqual({ kind: 'offline' });
    expect(basemapPlan('ftp://tiles.hue.gov.vn/style.json')).toEqual({ kind: 'offline' });
  });

  it('loads a style URL as it is, and a pmtiles archive through the protocol', () => {
    expect(basemapPlan('https://tiles.hue.gov.vn/styles/ioc-dark/style.json')).toEqual({
      kind: 'style',
      url: 'https://tiles.hue.gov.vn/styles/ioc-dark/style.json',
    });
    expect(basemapPlan('pmtiles://https://tiles.hue.gov.vn/hue-2026.pmtiles')).toEqual({
      kind: 'pmtiles',
      url: 'pmtiles://https://tiles.hue.gov.vn/hue-2026.pmtiles',
      archive: 'https://tiles.hue.gov.vn/hue-2026.pmtiles',
    });
    expect(basemapPlan('pmtiles:///tiles/hue.pmtiles')).toMatchObject({
      kind: 'pmtiles',
      archive: '/tiles/hue.pmtiles',
    });
  });
});

describe('withOverlay', () => {
  const base = pmtilesStyle('pmtiles://https://tiles.hue.gov.vn/hue-2026.pmtiles', 'vector');

  it('draws the basemap under our wards and frame, without our sea and land', () => {
    const style = withOverlay(base, wallMapStyle());
    const ids = style.layers.map((l) => l.id);
    expect(ids.slice(0, base.layers.length)).toEqual(base.layers.map((l) => l.id));
    expect(ids.slice(base.layers.length)).toEqual([
      'wards-fill',
      'wards-choropleth',
      'wards-line',
      'wards-alarm-line',
      'frame',
    ]);
    expect(Object.keys(style.sources).sort()).toEqual(['basemap', 'frame', 'land', 'wards']);
    // feature-state stays keyed by the ward's code
    expect(style.sources.wards).toMatchObject({ type: 'geojson', promoteId: 'gso_code' });
  });

  it('turns the ward fill into a tint so the streets show through', () => {
    const fill = withOverlay(base, wallMapStyle()).layers.find(
      (l) => l.id === 'wards-fill',
    ) as FillLayerSpecification;
    expect(fill.paint?.['fill-opacity']).toBe(0.35);
    const offline = wallMapStyle().layers.find((l) => l.id === 'wards-fill') as FillLayerSpecification;
    expect(offline.paint?.['fill-opacity']).not.toBe(0.35);
  });

  it('reads a raster archive as raster tiles', () => {
    const raster = pmtilesStyle('pmtiles:///tiles/hue-ortho.pmtiles', 'raster');
    expect(raster.sources.basemap).toMatchObject({
      type: 'raster',
      url: 'pmtiles:///tiles/hue-ortho.pmtiles',
    });
    expect(raster.layers).toEqual([{ id: 'basemap', type: 'raster', source: 'basemap' }]);
  });
});

describe('fetchMapStyleUrl', () => {
  const answer = (status: number, body: unknown): typeof fetch =>
    (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;

  it('answers the served URL, or null when none is set or the server cannot be asked', async () => {
    expect(await fetchMapStyleUrl(answer(200, { styleUrl: 'https://tiles.hue.gov.vn/style.json' }))).toBe(
      'https://tiles.hue.gov.vn/style.json',
    );
    expect(await fetchMapStyleUrl(answer(200, { styleUrl: null }))).toBeNull();
    expect(await fetchMapStyleUrl(answer(401, { error: { code: 'IOC_AUTH_REQUIRED' } }))).toBeNull();
    expect(
      await fetchMapStyleUrl((async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch),
    ).toBeNull();
  });
});
