/**
 * One icon atlas of plain white shapes, tinted per feature by deck.gl's IconLayer (`mask: true`). Shape
 * carries meaning alongside colour (priority, camera online/offline), so the wall stays readable for
 * colour-blind operators and on a washed-out projector. Drawn with Canvas 2D when first needed: no image file to
 * fetch, works offline.
 */
export type ShapeName = 'triangle' | 'diamond' | 'square' | 'circle' | 'camera' | 'camera-off' | 'bolt';

export const SHAPE_CELL_PX = 64;
const NAMES: readonly ShapeName[] = [
  'triangle',
  'diamond',
  'square',
  'circle',
  'camera',
  'camera-off',
  'bolt',
];

export interface IconFrame {
  x: number;
  y: number;
  width: number;
  height: number;
  mask: boolean;
  anchorY: number;
}

export const SHAPE_MAPPING: Readonly<Record<ShapeName, IconFrame>> = Object.fromEntries(
  NAMES.map((name, i) => [
    name,
    {
      x: i * SHAPE_CELL_PX,
      y: 0,
      width: SHAPE_CELL_PX,
      height: SHAPE_CELL_PX,
      mask: true,
      anchorY: SHAPE_CELL_PX / 2,
    },
  ]),
) as Record<ShapeName, IconFrame>;

function draw(ctx: CanvasRenderingContext2D, name: ShapeName, x0: number): void {
  const s = SHAPE_CELL_PX;
  const c = s / 2;
  ctx.save();
  ctx.translate(x0, 0);
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#fff';
  ctx.beginPath();
  switch (name) {
    case 'triangle':
      ctx.moveTo(c, 3);
      ctx.lineTo(s - 2, s - 6);
      ctx.lineTo(2, s - 6);
      ctx.closePath();
      ctx.fill();
      break;
    case 'diamond':
      ctx.moveTo(c, 2);
      ctx.lineTo(s - 2, c);
      ctx.lineTo(c, s - 2);
      ctx.lineTo(2, c);
      ctx.closePath();
      ctx.fill();
      break;
    case 'square':
      ctx.rect(8, 8, s - 16, s - 16);
      ctx.fill();
      break;
    case 'circle':
      ctx.arc(c, c, c - 6, 0, Math.PI * 2);
      ctx.fill();
      break;
    case 'camera':
    case 'camera-off':
      // Body and lens housing of a CCTV camera.
      ctx.rect(6, 18, 36, 28);
      ctx.moveTo(42, 26);
      ctx.lineTo(58, 16);
      ctx.lineTo(58, 48);
      ctx.lineTo(42, 38);
      ctx.closePath();
      ctx.fill();
      if (name === 'camera-off') {
        // A slash cut out of the body: offline reads as "crossed out" without colour.
        ctx.globalCompositeOperation = 'destination-out';
        ctx.lineWidth = 12;
        ctx.beginPath();
        ctx.moveTo(6, 6);
        ctx.lineTo(58, 58);
        ctx.stroke();
        ctx.globalCompositeOperation = 'source-over';
        ctx.lineWidth = 5;
        ctx.beginPath();
        ctx.moveTo(6, 6);
        ctx.lineTo(58, 58);
        ctx.stroke();
      }
      break;
    case 'bolt':
      ctx.moveTo(36, 2);
      ctx.lineTo(12, 36);
      ctx.lineTo(30, 36);
      ctx.lineTo(24, 62);
      ctx.lineTo(52, 24);
      ctx.lineTo(34, 24);
      ctx.closePath();
      ctx.fill();
      break;
  }
  ctx.restore();
}

let atlas: HTMLCanvasElement | null = null;

/**
 * The atlas (browser only), drawn once. Typed as deck.gl's `iconAtlas` (a URL or a Texture) although it
 * is a canvas: deck.gl turns any image source into a texture, and a URL — even a data: URL — would be
 * fetched, which the wall's Content-Security-Policy (`connect-src 'self'`) rightly refuses.
 */
export function shapeAtlas(): string {
  if (atlas) return atlas as unknown as string;
  const canvas = document.createElement('canvas');
  canvas.width = SHAPE_CELL_PX * NAMES.length;
  canvas.height = SHAPE_CELL_PX;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D is not available');
  NAMES.forEach((name, i) => draw(ctx, name, i * SHAPE_CELL_PX));
  atlas = canvas;
  return canvas as unknown as string;
}
