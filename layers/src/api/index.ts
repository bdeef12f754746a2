// The REST payloads both sides see (ARCHITECTURE.md, "Packages": layers holds the schemas of every REST
// and /live payload). The server validates, serialises and documents (OpenAPI) with these; the web imports
// the same types and checks.
export * from './access.ts';
export * from './reference.ts';
export * from './kpis.ts';
export * from './kpi-catalogue.ts';
export * from './health.ts';
export * from './page.ts';
export * from './ingest.ts';
export * from './device-credentials.ts';
export * from './text.ts';
export * from './incidents.ts';
export * from './attachments.ts';
export * from './map.ts';
export * from './sla.ts';
export * from './outbox.ts';
export * from './briefing.ts';
export * from './open311.ts';
export * from './open-data.ts';
export * from './cap.ts';
