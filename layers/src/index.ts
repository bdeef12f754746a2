export * from './feature.ts';
export * from './sensor.ts';
export * from './incident.ts';
export * from './delta.ts';
export * from './protocol.ts';
export * from './style.ts';
export * from './wire.ts';
export * from './kpi.ts';
