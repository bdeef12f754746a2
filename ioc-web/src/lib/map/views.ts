/**
 * The wall's standard views (province, city centre, the two reference gauges). They are part of the wall
 * configuration's contract, with the default scenes that use them: `layers/src/wall.ts`.
 */
export { CITY_BOUNDS, FLOOD_BOUNDS, PROVINCE_BOUNDS } from '@hue-ioc/layers';
