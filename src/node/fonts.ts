/** The bundled font (src/fonts, OFL) and user font files, read from disk for the CLI and the Node server. */
import { readFile, stat } from 'node:fs/promises';
import { fontCorrupt } from '../pipeline/text/truetype.ts';

export const BUNDLED_FONT = 'noto-sans-bold';
/** A text font larger than this is refused before it is read (Noto Sans Bold is 0.5 MB). */
export const MAX_FONT_BYTES = 10 * 1024 * 1024;

export async function readFontFile(path?: string): Promise<Uint8Array> {
  if (path === undefined || path === BUNDLED_FONT) {
    return new Uint8Array(await readFile(new URL('../fonts/NotoSans-Bold.ttf', import.meta.url)));
  }
  const info = await stat(path);
  if (info.size > MAX_FONT_BYTES) throw fontCorrupt(`${path} is ${info.size} bytes; a font may have at most ${MAX_FONT_BYTES}`);
  return new Uint8Array(await readFile(path));
}
