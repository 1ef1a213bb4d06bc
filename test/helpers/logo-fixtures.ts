/**
 * Small logo-like pictures drawn in code for the extrude tests: dark ink (0) on white paper (1),
 * anti-aliased by 4×4 supersampling when asked, so edge coverage becomes a grey level like a real
 * rasterised logo. Coordinates are in pixels, y down (picture convention), pixel (c, r) spans
 * [c, c+1] × [r, r+1].
 */
import type { Heightmap } from '../../src/pipeline/heightmap.ts';

export type InkTest = (x: number, y: number) => boolean;

export function renderInk(width: number, height: number, ink: InkTest, antiAlias = false): Heightmap {
  const values = new Float32Array(width * height);
  const n = antiAlias ? 4 : 1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          if (ink(c + (sx + 0.5) / n, r + (sy + 0.5) / n)) covered++;
        }
      }
      values[r * width + c] = 1 - covered / (n * n);
    }
  }
  return { width, height, values };
}

export const inRect =
  (x0: number, y0: number, x1: number, y1: number): InkTest =>
  (x, y) =>
    x >= x0 && x < x1 && y >= y0 && y < y1;

export const inDisc =
  (cx: number, cy: number, r: number): InkTest =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 < r * r;

export const inRingShape =
  (cx: number, cy: number, inner: number, outer: number): InkTest =>
  (x, y) => {
    const d2 = (x - cx) ** 2 + (y - cy) ** 2;
    return d2 < outer * outer && d2 >= inner * inner;
  };

/** A filled axis-aligned rectangle of w × h pixels, hard edges, with a margin around it. */
export function filledRectangle(w = 40, h = 20, margin = 5): Heightmap {
  return renderInk(w + 2 * margin, h + 2 * margin, inRect(margin, margin, margin + w, margin + h));
}

/** An "O": one annulus, one hole. */
export function letterO(size = 48, antiAlias = true): Heightmap {
  const c = size / 2;
  return renderInk(size, size, inRingShape(c, c, size * 0.22, size * 0.42), antiAlias);
}

/** An "8": two stacked annuli that overlap into one piece with two holes. */
export function figureEight(width = 40, antiAlias = true): Heightmap {
  const height = Math.round(width * 1.7);
  const r = width * 0.4;
  const inner = r * 0.5;
  const cx = width / 2;
  const top = inRingShape(cx, height * 0.3, inner, r);
  const bottom = inRingShape(cx, height * 0.7, inner, r);
  const holeTop = inDisc(cx, height * 0.3, inner);
  const holeBottom = inDisc(cx, height * 0.7, inner);
  return renderInk(width, height, (x, y) => (top(x, y) || bottom(x, y)) && !holeTop(x, y) && !holeBottom(x, y), antiAlias);
}

/** A blocky "B": a bar on the left, two bowls on the right, each with a rectangular counter. */
export function letterB(scale = 4): Heightmap {
  const s = scale;
  const ink: InkTest = (x, y) => {
    const u = x / s,
      v = y / s; // design grid 12 × 16 with a 1-unit margin
    const body = u >= 1 && u < 10 && v >= 1 && v < 15;
    const counterTop = u >= 4 && u < 7 && v >= 3.5 && v < 6.5;
    const counterBottom = u >= 4 && u < 7 && v >= 9.5 && v < 12.5;
    const notchRight = u >= 9 && v >= 7.5 && v < 8.5; // the waist between the bowls
    return body && !counterTop && !counterBottom && !notchRight;
  };
  return renderInk(12 * s, 16 * s, ink, true);
}

/** An anti-aliased disc of radius r pixels in the middle of a square picture. */
export function antiAliasedDisc(r = 30): Heightmap {
  const size = Math.ceil(2 * r + 8);
  return renderInk(size, size, inDisc(size / 2, size / 2, r), true);
}

/**
 * A picture with alpha: an opaque square whose pixels are all bright (so a brightness threshold
 * would see nothing) on a transparent surround — only the mask can find the subject.
 */
export function alphaSquare(side = 24, margin = 6): Heightmap {
  const size = side + 2 * margin;
  const values = new Float32Array(size * size).fill(0.9);
  const mask = new Uint8Array(size * size);
  for (let r = margin; r < margin + side; r++) mask.fill(1, r * size + margin, r * size + margin + side);
  return { width: size, height: size, values, mask };
}

export function blank(width = 32, height = 24): Heightmap {
  return { width, height, values: new Float32Array(width * height).fill(1) };
}
