import { Type, type Static } from '@sinclair/typebox';
import { ISO_DATE_TIME } from '../sensors/sensor-reading.schema.ts';
import { SOURCE_ID } from './common.ts';

const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

/**
 * Body of `POST /api/ingest/hue-s` (ARCHITECTURE.md "REST"): one phản ánh hiện trường from the Hue-S app,
 * signed with `INGEST_SECRET_HUES`. Unknown fields are refused, so a change of the app's contract shows up in
 * the dead letters rather than as silently lost data.
 */
export const HueSReportSchema = Type.Object(
  {
    id: Type.String({ pattern: SOURCE_ID }),
    category: Text(120, 1),
    title: Type.Optional(Text(200)),
    description: Text(4000, 1),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    address: Type.Optional(Text(300)),
    media: Type.Array(
      Type.Object(
        { url: Text(2048, 1), type: Type.Union([Type.Literal('image'), Type.Literal('video')]) },
        { additionalProperties: false },
      ),
      { maxItems: 10 },
    ),
    reporter: Type.Object(
      { name: Type.Optional(Text(120)), phone: Type.Optional(Text(20)) },
      { additionalProperties: false },
    ),
    created_at: Type.String({ pattern: ISO_DATE_TIME }),
    urgent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HueSReportPayload = Static<typeof HueSReportSchema>;
