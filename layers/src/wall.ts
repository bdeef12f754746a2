import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError, type ValueErrorIterator } from '@sinclair/typebox/errors';
import { HUE_BBOX, HUE_EXTENT } from './area.ts';

/**
 * The wall's scene playlist (issue "Scenes: a configurable playlist"): which scenes the operators' wall
 * rotates through, where each points the camera, which layers it draws and for how long. The server
 * serves it at `GET /api/wall/config` (from `WALL_CONFIG_FILE`, else DEFAULT_WALL_CONFIG); the wall
 * runs on DEFAULT_WALL_CONFIG until it arrives.
 */

/** What the wall can draw; a scene draws a subset, `?layers=` narrows it further. */
export const WALL_LAYERS = [
  'incidents',
  'clusters',
  'heat',
  'sensors',
  'cameras',
  'wards',
  'alerts',
] as const;
export type WallLayer = (typeof WALL_LAYERS)[number];

// Where a scene's camera may point: the box positions in Huế are checked against. A view outside it is a
// typo (swapped lon/lat, another city).
const LonSchema = Type.Number({
  minimum: HUE_BBOX.west,
  maximum: HUE_BBOX.east,
  errorMessage: `must be a longitude within the Huế area (${HUE_BBOX.west} to ${HUE_BBOX.east})`,
});
const LatSchema = Type.Number({
  minimum: HUE_BBOX.south,
  maximum: HUE_BBOX.north,
  errorMessage: `must be a latitude within the Huế area (${HUE_BBOX.south} to ${HUE_BBOX.north})`,
});
const LonLatSchema = Type.Tuple([LonSchema, LatSchema], { errorMessage: 'must be [longitude, latitude]' });

/** `[[west, south], [east, north]]` in WGS84 degrees. */
export const WallBoundsSchema = Type.Tuple([LonLatSchema, LonLatSchema], {
  errorMessage: 'must be [[west, south], [east, north]]',
});
export type WallBounds = Static<typeof WallBoundsSchema>;

/** Thành phố Huế (province code 46): all 40 wards. */
export const PROVINCE_BOUNDS: WallBounds = [
  [HUE_EXTENT.west, HUE_EXTENT.south],
  [HUE_EXTENT.east, HUE_EXTENT.north],
];

/**
 * The city centre on both banks of the Hương river (Phú Xuân, Thuận Hóa, Vỹ Dạ, An Cựu, Kim Long):
 * most sensors sit here, a few pixels apart at the province's scale, so the wall shows it inset.
 */
export const CITY_BOUNDS: WallBounds = [
  [107.525, 16.415],
  [107.665, 16.505],
];

/** The two reference gauges (Kim Long on the Hương, Phú Ốc on the Bồ) and the river between them. */
export const FLOOD_BOUNDS: WallBounds = [
  [107.43, 16.43],
  [107.63, 16.56],
];

export const WallLayerSchema = Type.Union(
  WALL_LAYERS.map((l) => Type.Literal(l)),
  { errorMessage: `must be one of ${WALL_LAYERS.join(', ')}` },
);

export const WallSceneSchema = Type.Object(
  {
    /** A slug: the `?scenes=` URL parameter and the playlists name scenes by it. */
    id: Type.String({
      pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
      maxLength: 40,
      errorMessage: 'must be a slug of lower-case letters, digits and single hyphens (at most 40)',
    }),
    /** The scene banner; Vietnamese first (DOMAIN.md), `?lang=en` shows `en`. */
    title: Type.Object(
      {
        vi: Type.String({ minLength: 1, maxLength: 80, errorMessage: 'must be 1 to 80 characters' }),
        en: Type.String({ minLength: 1, maxLength: 80, errorMessage: 'must be 1 to 80 characters' }),
      },
      { additionalProperties: false, errorMessage: 'must be { "vi": "…", "en": "…" }' },
    ),
    /** Bounds, or 'spike': resolved at run time to the ward with the most open incidents per resident. */
    view: Type.Union([WallBoundsSchema, Type.Literal('spike')], {
      errorMessage: 'must be [[west, south], [east, north]] or "spike"',
    }),
    layers: Type.Array(WallLayerSchema, {
      minItems: 1,
      uniqueItems: true,
      errorMessage: `must list each layer once, at least one of ${WALL_LAYERS.join(', ')}`,
    }),
    /** Seconds on this scene before the next (`?dwell=` overrides every scene's). */
    dwellS: Type.Number({
      minimum: 5,
      maximum: 600,
      errorMessage: 'must be a number of seconds from 5 to 600',
    }),
    /** The city-centre inset is shown (only where the main map shows the whole province). */
    inset: Type.Boolean({ errorMessage: 'must be true or false' }),
  },
  {
    additionalProperties: false,
    errorMessage: 'must be a scene: { id, title, view, layers, dwellS, inset }',
  },
);
export type WallScene = Static<typeof WallSceneSchema>;

const PlaylistSchema = Type.Array(Type.String({ errorMessage: 'must be a scene id' }), {
  minItems: 1,
  maxItems: 100,
  errorMessage: 'must name 1 to 100 scenes',
});

export const WallConfigSchema = Type.Object(
  {
    scenes: Type.Array(WallSceneSchema, {
      minItems: 1,
      maxItems: 50,
      errorMessage: 'must hold 1 to 50 scenes',
    }),
    playlists: Type.Object(
      {
        /** The everyday rotation. */
        normal: PlaylistSchema,
        /** While a gauge is at BĐ II or above (báo động, QĐ 05/2020/QĐ-TTg): the wall watches the rivers. */
        flood: PlaylistSchema,
      },
      {
        additionalProperties: false,
        errorMessage: 'must be { "normal": [scene ids], "flood": [scene ids] }',
      },
    ),
    /**
     * The basemap (MAP_STYLE_URL, layers/src/api/map.ts); null or absent: the offline style. Set by the
     * server from its configuration: a value in WALL_CONFIG_FILE is replaced by it.
     */
    mapStyleUrl: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
        errorMessage: 'must be a style URL or null',
      }),
    ),
  },
  { additionalProperties: false, errorMessage: 'must be an object with "scenes" and "playlists"' },
);
export type WallConfig = Static<typeof WallConfigSchema>;

/**
 * Today's wall: the "province overview → city centre → flood stations → a ward with a spike";
 * in flood mode the flood scene comes every other time.
 */
export const DEFAULT_WALL_CONFIG: WallConfig = {
  scenes: [
    {
      id: 'province',
      title: { vi: 'Toàn thành phố', en: 'Whole city' },
      view: PROVINCE_BOUNDS,
      layers: ['clusters', 'heat', 'sensors', 'wards', 'alerts'],
      dwellS: 40,
      inset: true,
    },
    {
      id: 'city',
      title: { vi: 'Trung tâm thành phố', en: 'City centre' },
      view: CITY_BOUNDS,
      layers: ['incidents', 'sensors', 'cameras', 'alerts'],
      dwellS: 30,
      inset: false,
    },
    {
      id: 'flood',
      title: { vi: 'Trạm đo mực nước', en: 'River gauges' },
      view: FLOOD_BOUNDS,
      layers: ['sensors', 'alerts', 'cameras', 'incidents'],
      dwellS: 25,
      inset: false,
    },
    {
      id: 'spike',
      title: { vi: 'Phường, xã nhiều phản ánh', en: 'Ward with most reports' },
      view: 'spike',
      layers: ['incidents', 'wards', 'cameras', 'alerts', 'sensors'],
      dwellS: 25,
      inset: false,
    },
  ],
  playlists: {
    normal: ['province', 'city', 'flood', 'spike'],
    flood: ['flood', 'province', 'flood', 'city'],
  },
};

export type WallConfigResult = { ok: true; config: WallConfig } | { ok: false; problems: string[] };

/**
 * Checks a wall configuration (a parsed JSON file, or the server's answer): its shape, then what the
 * shape cannot say — unique scene ids, playlists naming defined scenes, west < east and south < north.
 * Every problem is returned, each naming its path (`scenes[2].view`, `playlists.flood[1]`).
 */
export function validateWallConfig(value: unknown): WallConfigResult {
  const problems = shapeProblems(WallConfigSchema, value);
  problems.push(...referenceProblems(value));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: value as WallConfig };
}

/** `/scenes/2/view` → `scenes[2].view`. */
function displayPath(pointer: string): string {
  if (pointer === '') return '(the configuration)';
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, seg) => (/^\d+$/.test(seg) ? `${out}[${seg}]` : out === '' ? seg : `${out}.${seg}`), '');
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function messageOf(e: ValueError): string {
  if (e.type === ValueErrorType.ObjectRequiredProperty) return 'is missing';
  if (e.type === ValueErrorType.ObjectAdditionalProperties) return 'is not a known field';
  const custom = (e.schema as { errorMessage?: unknown }).errorMessage;
  return typeof custom === 'string' ? custom : e.message;
}

/** One problem per path, the first found (a missing field is "missing", not also "expected a string"). */
function shapeProblems(schema: TSchema, value: unknown): string[] {
  const byPath = new Map<string, string>();
  const collect = (errors: Iterable<ValueError>): void => {
    for (const e of errors) {
      if (e.type === ValueErrorType.Union) {
        // A union whose value has the JSON type of one variant (bounds given as an array): say what is
        // wrong inside it rather than only "not any of them".
        const type = jsonType(e.value);
        const variants = (e.schema as { anyOf?: { type?: unknown }[] }).anyOf ?? [];
        const i = variants.findIndex((v) => v.type === type);
        const inner: ValueErrorIterator | undefined = i >= 0 ? e.errors[i] : undefined;
        const structured = type === 'array' || type === 'object';
        if (inner && structured && variants.filter((v) => v.type === type).length === 1) {
          collect(inner);
          continue;
        }
      }
      if (!byPath.has(e.path)) byPath.set(e.path, messageOf(e));
    }
  };
  collect(Value.Errors(schema, value));
  return [...byPath].map(([path, message]) => `${displayPath(path)}: ${message}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks across fields; tolerant of a wrong shape (reported by shapeProblems) so both are listed at once. */
function referenceProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(value)) return problems;
  const firstIndex = new Map<string, number>();
  const scenes = Array.isArray(value.scenes) ? (value.scenes as unknown[]) : [];
  scenes.forEach((scene, i) => {
    if (!isRecord(scene)) return;
    if (typeof scene.id === 'string') {
      const first = firstIndex.get(scene.id);
      if (first === undefined) firstIndex.set(scene.id, i);
      else problems.push(`scenes[${i}].id: "${scene.id}" is already the id of scenes[${first}]`);
    }
    const view = scene.view;
    if (Array.isArray(view) && Array.isArray(view[0]) && Array.isArray(view[1])) {
      const [west, south] = view[0] as unknown[];
      const [east, north] = view[1] as unknown[];
      if (typeof west === 'number' && typeof east === 'number' && !(west < east))
        problems.push(`scenes[${i}].view: west (${west}) must be less than east (${east})`);
      if (typeof south === 'number' && typeof north === 'number' && !(south < north))
        problems.push(`scenes[${i}].view: south (${south}) must be less than north (${north})`);
    }
  });
  const playlists = isRecord(value.playlists) ? value.playlists : {};
  const defined = [...firstIndex.keys()].join(', ') || 'none';
  for (const name of ['normal', 'flood'] as const) {
    const list = playlists[name];
    if (!Array.isArray(list)) continue;
    list.forEach((id, i) => {
      if (typeof id === 'string' && !firstIndex.has(id))
        problems.push(`playlists.${name}[${i}]: "${id}" is not the id of a scene (defined: ${defined})`);
    });
  }
  return problems;
}
