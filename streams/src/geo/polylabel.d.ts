// polylabel 2 ships no types. Pole of inaccessibility of a polygon given as rings of [x, y].
declare module 'polylabel' {
  export default function polylabel(polygon: number[][][], precision?: number, debug?: boolean): [number, number] & { distance: number };
}
