import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/, and mySociety's
 * servicerequestupdates extension (issue 14). Field names are the specification's, snake_case; ids are
 * strings; times are ISO 8601 with the +07:00 offset of Asia/Ho_Chi_Minh. Each `.json` resource has an
 * `.xml` twin with the same content (the XML is the spec's required format; JSON follows its Spark mapping).
 */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** ISO 8601 with an offset (never `Z`: Huế's clock, as the public reads it). */
const LocalDateTime = (description: string) =>
  Type.String({ description, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+07:00$' });

export const OPEN311_STATUSES = ['open', 'closed'] as const;
export type Open311Status = (typeof OPEN311_STATUSES)[number];

export const Open311ErrorsSchema = Type.Array(
  Type.Object({
    code: Type.Integer({ description: 'the HTTP status' }),
    description: Type.String({ description: '"<IOC error code>: what is wrong"' }),
  }),
  { description: 'GeoReport v2 errors', minItems: 1 },
);
export type Open311Errors = Static<typeof Open311ErrorsSchema>;

export const Open311DiscoverySchema = Type.Object({
  changeset: LocalDateTime('when this API last changed'),
  contact: Type.String(),
  key_service: Type.String({ description: 'how to get an api_key' }),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String(),
      changeset: LocalDateTime('when this endpoint last changed'),
      type: Type.Union([Type.Literal('production'), Type.Literal('test')]),
      formats: Type.Array(Type.String()),
    }),
  ),
});
export type Open311Discovery = Static<typeof Open311DiscoverySchema>;

export const Open311ServiceSchema = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean(),
  type: Type.Union([Type.Literal('realtime'), Type.Literal('batch'), Type.Literal('blackbox')]),
  keywords: Type.String({ description: 'comma-separated' }),
  group: Type.String(),
});
export const Open311ServiceListSchema = Type.Array(Open311ServiceSchema);
export type Open311Service = Static<typeof Open311ServiceSchema>;

export const Open311ServiceDefinitionSchema = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Type.String(),
      datatype: Type.Union(
        ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].map((d) =>
          Type.Literal(d),
        ),
      ),
      required: Type.Boolean(),
      datatype_description: Type.String(),
      order: Type.Integer(),
      description: Type.String(),
      values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
    }),
  ),
});
export type Open311ServiceDefinition = Static<typeof Open311ServiceDefinitionSchema>;

export const Open311RequestSchema = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union(OPEN311_STATUSES.map((s) => Type.Literal(s))),
  status_notes: Nullable(Type.String({ description: "the handling unit's published reply" })),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Nullable(Type.String({ description: 'the report, scrubbed of phone numbers, e-mail, names' })),
  agency_responsible: Nullable(Type.String()),
  service_notice: Nullable(Type.String()),
  requested_datetime: LocalDateTime('received'),
  updated_datetime: LocalDateTime('last changed'),
  expected_datetime: Nullable(LocalDateTime('the deadline (hạn xử lý)')),
  address: Nullable(Type.String()),
  address_id: Nullable(Type.String({ description: 'the GSO code of the ward' })),
  zipcode: Type.Null(),
  lat: Nullable(Type.Number()),
  long: Nullable(Type.Number()),
  media_url: Nullable(Type.String()),
});
export const Open311RequestListSchema = Type.Array(Open311RequestSchema);
export type Open311Request = Static<typeof Open311RequestSchema>;

export const Open311PostResponseSchema = Type.Array(
  Type.Object({
    service_request_id: Type.String(),
    token: Type.String({ description: 'for tokens/{token}.json; the same for a retried POST' }),
    service_notice: Type.String(),
    account_id: Type.Null(),
  }),
);
export type Open311PostResponse = Static<typeof Open311PostResponseSchema>;

export const Open311TokenResponseSchema = Type.Array(
  Type.Object({ service_request_id: Type.String(), token: Type.String() }),
);

export const Open311UpdateSchema = Type.Object({
  update_id: Type.String(),
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]),
  updated_datetime: LocalDateTime('when'),
  description: Type.String({ description: 'public text only: the reply, a public comment, the new state' }),
  media_url: Nullable(Type.String()),
});
export const Open311UpdateListSchema = Type.Array(Open311UpdateSchema);
export type Open311Update = Static<typeof Open311UpdateSchema>;

export const Open311UpdatePostResponseSchema = Type.Array(Type.Object({ update_id: Type.String() }));

const Jurisdiction = Type.Optional(Type.String({ maxLength: 200, description: 'ours: hue.gov.vn' }));
const When = (description: string) => Type.Optional(Type.String({ maxLength: 40, description }));

export const Open311JurisdictionQuerySchema = Type.Object({ jurisdiction_id: Jurisdiction });

export const Open311RequestsQuerySchema = Type.Object({
  jurisdiction_id: Jurisdiction,
  service_request_id: Type.Optional(
    Type.String({ maxLength: 4000, description: 'comma-separated ids; overrides every other filter' }),
  ),
  service_code: Type.Optional(Type.String({ maxLength: 400, description: 'comma-separated service codes' })),
  start_date: When('ISO 8601 with an offset; default: 90 days before end_date'),
  end_date: When('ISO 8601 with an offset; default: now'),
  status: Type.Optional(
    Type.String({ pattern: '^(open|closed)(,(open|closed))?$', description: 'open, closed' }),
  ),
});
export type Open311RequestsQuery = Static<typeof Open311RequestsQuerySchema>;

export const Open311UpdatesQuerySchema = Type.Object({
  jurisdiction_id: Jurisdiction,
  start_date: When('ISO 8601 with an offset; default: 1 day before end_date'),
  end_date: When('ISO 8601 with an offset; default: now'),
});

/** The form fields of POST requests.json, for the OpenAPI document (the route parses the form itself). */
export const Open311RequestFormSchema = Type.Object({
  api_key: Type.String(),
  jurisdiction_id: Type.Optional(Type.String()),
  service_code: Type.String(),
  lat: Type.Optional(Type.String()),
  long: Type.Optional(Type.String()),
  address_string: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  media_url: Type.Optional(Type.String()),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
});

/** The form fields of POST servicerequestupdates.json (mySociety), for the OpenAPI document. */
export const Open311UpdateFormSchema = Type.Object({
  api_key: Type.String(),
  jurisdiction_id: Type.Optional(Type.String()),
  service_request_id: Type.String(),
  update_id: Type.String(),
  updated_datetime: Type.String(),
  status: Type.String({ description: 'OPEN or CLOSED' }),
  description: Type.String(),
  media_url: Type.Optional(Type.String()),
});
