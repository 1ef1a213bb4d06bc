/**
 * The 2-D printability pieces: the exact distance transform against brute force, the thin-feature
 * measure (feature-width.ts) on shapes whose widths are known, and thickening (thicken.ts).
 */
import { describe, expect, it } from 'vitest';
import { squaredDistanceTo } from '../../src/pipeline/analyze/distance-transform.ts';
import { measureFeatureWidth } from '../../src/pipeline/analyze/feature-width.ts';
import { thickenThinFeatures } from '../../src/pipeline/extrude/thicken.ts';

function grid(width: number, height: number, ink: (x: number, y: number) => boolean): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = ink(x, y) ? 1 : 0;
  return out;
}

describe('squaredDistanceTo', () => {
  it('equals brute force on a random sparse grid', () => {
    let seed = 5;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const W = 37,
      H = 23;
    const target = grid(W, H, () => random() < 0.03);
    const d = squaredDistanceTo(target, W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let best = Infinity;
        for (let v = 0; v < H; v++) for (let u = 0; u < W; u++) if (target[v * W + u]) best = Math.min(best, (u - x) ** 2 + (v - y) ** 2);
        expect(d[y * W + x]).toBe(best);
      }
    }
  });
});

describe('measureFeatureWidth', () => {
  const pitch = 0.05; // 8 cells per 0.4 mm nozzle

  it('a 1-cell line is all thin, one cell wide', () => {
    const m = measureFeatureWidth(
      grid(60, 20, (x, y) => y === 10 && x >= 5 && x < 55),
      60,
      20,
      pitch,
      { nozzleMm: 0.4 },
    );
    expect(m.thinShare).toBe(1);
    expect(m.minWidthMm).toBeCloseTo(pitch, 6);
    expect(m.areaMm2).toBeCloseTo(50 * pitch * pitch, 6);
  });

  it('a wide rectangle has no thin area, its corners included', () => {
    const m = measureFeatureWidth(
      grid(60, 40, (x, y) => x >= 5 && x < 55 && y >= 5 && y < 35),
      60,
      40,
      pitch,
      { nozzleMm: 0.4 },
    );
    expect(m.thinShare).toBe(0);
    expect(m.minWidthMm).toBeGreaterThan(1.4);
  });

  it('a thick bar with a thin tail: only the tail is thin', () => {
    const bar = (x: number, y: number) => x >= 5 && x < 25 && y >= 5 && y < 35;
    const tail = (x: number, y: number) => y === 20 && x >= 25 && x < 75;
    const m = measureFeatureWidth(
      grid(80, 40, (x, y) => bar(x, y) || tail(x, y)),
      80,
      40,
      pitch,
      { nozzleMm: 0.4 },
    );
    // The tail's 50 cells, less a few next to the bar (within the opening's reach of it).
    expect(m.thinAreaMm2 / (pitch * pitch)).toBeGreaterThan(40);
    expect(m.thinAreaMm2 / (pitch * pitch)).toBeLessThanOrEqual(50);
  });
});

describe('thickenThinFeatures', () => {
  it('widens a 1-cell line to the nozzle and leaves a wide shape alone', () => {
    const pitch = 0.05;
    const W = 100,
      H = 60;
    const line = (x: number, y: number) => y === 15 && x >= 10 && x < 90;
    const block = (x: number, y: number) => x >= 10 && x < 50 && y >= 30 && y < 55;
    const mask = grid(W, H, (x, y) => line(x, y) || block(x, y));
    const { mask: out, addedPixels } = thickenThinFeatures(mask, W, H, pitch, 0.4);
    expect(addedPixels).toBeGreaterThan(0);
    const after = measureFeatureWidth(out, W, H, pitch, { nozzleMm: 0.4 });
    expect(after.thinShare).toBe(0);
    expect(after.minWidthMm).toBeGreaterThanOrEqual(0.4 - 1e-9);
    // The block's outline stays put: no cell added next to it, away from the line.
    for (let y = 30; y < 55; y++) expect(out[y * W + 50]).toBe(0);
  });
});
