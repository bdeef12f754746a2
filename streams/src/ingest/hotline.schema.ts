import { Type, type Static } from '@sinclair/typebox';
import { ISO_DATE_TIME } from '../sensors/sensor-reading.schema.ts';
import { SOURCE_ID } from './common.ts';

/**
 * Body of `POST /api/ingest/hotline`: a ticket of Tổng đài 19001075, signed with `INGEST_SECRET_HOTLINE`.
 * A call usually has an address and no coordinates; when the agent placed a pin, `lat` and `lon` come together.
 */
export const HotlineTicketSchema = Type.Object(
  {
    ticket_id: Type.String({ pattern: SOURCE_ID }),
    category: Type.Optional(Type.String({ maxLength: 120 })),
    summary: Type.String({ minLength: 1, maxLength: 2000 }),
    caller_phone: Type.String({ minLength: 1, maxLength: 20 }),
    address: Type.String({ minLength: 1, maxLength: 300 }),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    created_at: Type.String({ pattern: ISO_DATE_TIME }),
    agent: Type.String({ minLength: 1, maxLength: 64 }),
    urgent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HotlineTicketPayload = Static<typeof HotlineTicketSchema>;
