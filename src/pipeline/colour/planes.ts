/** RGB planes (sRGB, 0..1) to an opaque 8-bit RGBA picture, for the colour preview. */
import type { RgbaImage } from '../preview/image.ts';
import type { RgbPlanes } from './swap-plan.ts';

export function rgbPlanesToImage(p: RgbPlanes): RgbaImage {
  const n = p.width * p.height;
  const data = new Uint8Array(4 * n);
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let i = 0; i < n; i++) {
    data[4 * i] = byte(p.r[i]);
    data[4 * i + 1] = byte(p.g[i]);
    data[4 * i + 2] = byte(p.b[i]);
    data[4 * i + 3] = 255;
  }
  return { width: p.width, height: p.height, data };
}
