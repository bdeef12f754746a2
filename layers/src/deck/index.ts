// deck.gl layer factories for the live layers. A separate entry point (`@hue-ioc/layers/deck`) so
// that the server never loads deck.gl.
export * from './data-diff.ts';
export * from './sensors-layer.ts';
export * from './shape-atlas.ts';
export * from './incidents-layer.ts';
export * from './cameras-layer.ts';
export * from './alerts-layer.ts';
