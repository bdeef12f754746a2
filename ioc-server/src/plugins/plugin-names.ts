/** Every named plugin of the app, in loading order: external, then app plugins (routes are `routes/<name>`). */
export const PLUGIN_NAMES = [
  // external: configuration and the services the app talks to
  'config',
  'db',
  'redis',
  'mqtt-broker',
  // app: reference data, storage, access, live state, ingest
  'geo',
  'repositories',
  'attachments',
  'access',
  'sla',
  'event-log',
  'layer-hub',
  'live-layers',
  'kpis',
  'live-gateway',
  'ingest',
  'workflow',
  'outbox',
  'deadlines',
  'mqtt-ingest',
  'simulator',
  // the OpenAPI document of the routes that follow
  'docs',
] as const;
export type PluginName = (typeof PLUGIN_NAMES)[number];
