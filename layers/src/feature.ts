import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** The live layers every surface can subscribe to (ARCHITECTURE.md, "Live layers"). */
export const LAYER_IDS = ['incidents', 'sensors', 'cameras', 'wards', 'alerts'] as const;
export type LayerId = (typeof LAYER_IDS)[number];
export const LayerIdSchema = Type.Union(LAYER_IDS.map((id) => Type.Literal(id)));

export function isLayerId(value: unknown): value is LayerId {
  return typeof value === 'string' && (LAYER_IDS as readonly string[]).includes(value);
}

/** [longitude, latitude], WGS84. */
export const PositionSchema = Type.Tuple([
  Type.Number({ minimum: -180, maximum: 180 }),
  Type.Number({ minimum: -90, maximum: 90 }),
]);
export type Position = Static<typeof PositionSchema>;

export const FeatureSchema = <P extends TSchema>(props: P) =>
  Type.Object({
    id: Type.String({ minLength: 1 }),
    position: Type.Union([PositionSchema, Type.Null()]),
    props,
  });

/** A keyed member of a layer. Features are values: a change replaces the whole feature. */
export interface Feature<P = unknown> {
  readonly id: string;
  readonly position: Position | null;
  readonly props: P;
}
