export * from './layer-sync';
export * from './live-client';
export * from './token';
export * from './freshness';
