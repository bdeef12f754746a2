import { Type, type Static } from '@sinclair/typebox';
import { CAMERA_EVENT_TYPES } from '../incidents/taxonomy.ts';
import { ISO_DATE_TIME } from '../sensors/sensor-reading.schema.ts';

/** Payload on `hue/cameras/{cameraId}/events`: one detection of the camera's analytics. */
export const CameraEventSchema = Type.Object(
  {
    ts: Type.String({ pattern: ISO_DATE_TIME }),
    type: Type.Union(CAMERA_EVENT_TYPES.map((t) => Type.Literal(t))),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    snapshot_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  },
  { additionalProperties: false },
);
export type CameraEventPayload = Static<typeof CameraEventSchema>;

/** Payload on `hue/cameras/{cameraId}/status`. */
export const CameraStatusSchema = Type.Object(
  { ts: Type.String({ pattern: ISO_DATE_TIME }), online: Type.Boolean() },
  { additionalProperties: false },
);
export type CameraStatusPayload = Static<typeof CameraStatusSchema>;
