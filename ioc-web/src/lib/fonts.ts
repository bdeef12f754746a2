// Be Vietnam Pro, self-hosted (no font CDN on the control-room network). The Vietnamese, Latin and
// Latin-extended subsets of each weight are bundled; the browser fetches only the ones a page uses.
import '@fontsource/be-vietnam-pro/400.css';
import '@fontsource/be-vietnam-pro/600.css';
import '@fontsource/be-vietnam-pro/700.css';

export const WALL_FONT_FAMILY = '"Be Vietnam Pro", system-ui, sans-serif';

/**
 * deck.gl draws its glyph atlas once from whatever font the canvas has at that moment, so text
 * layers are created only after the faces they use are loaded — with Vietnamese sample text, which
 * pulls in the `vietnamese` unicode-range subset too.
 */
export async function loadMapFonts(): Promise<void> {
  const sample = 'Huế Phường Xã Đông Hương Thủy Lộc Điền Quảng ẩẫậắằẳẵặ 0123456789 µg/m³';
  await Promise.all([
    document.fonts.load(`600 32px "Be Vietnam Pro"`, sample),
    document.fonts.load(`700 32px "Be Vietnam Pro"`, sample),
  ]);
}
