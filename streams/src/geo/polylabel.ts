// @ts-expect-error -- polylabel 2 ships no type declarations; typed here once for the rest of the code.
import untyped from 'polylabel';

/** Pole of inaccessibility of a polygon given as rings of [x, y] (polylabel by Mapbox). */
export const polylabel = untyped as (
  polygon: number[][][],
  precision?: number,
) => [number, number] & { distance: number };
