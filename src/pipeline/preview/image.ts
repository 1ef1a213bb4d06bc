/**
 * The preview's picture type: 8-bit RGBA, row-major, row 0 at the top, no padding.
 * Plain typed arrays so it crosses a worker boundary (transferable) and runs anywhere.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes: r, g, b, a. Not premultiplied. */
  data: Uint8Array;
}

/** An RGB colour with channels in 0..255. */
export type Rgb = readonly [number, number, number];

export function createImage(width: number, height: number, fill: Rgb = [255, 255, 255], alpha = 255): RgbaImage {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(0, Math.floor(height));
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = fill[0];
    data[i + 1] = fill[1];
    data[i + 2] = fill[2];
    data[i + 3] = alpha;
  }
  return { width: w, height: h, data };
}
