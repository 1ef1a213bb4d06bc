/** Synthetic heightmaps for tests: gradients, constants, a smooth "terrain" and a noisy "photo". */
import type { Heightmap } from '../../src/pipeline/heightmap.ts';

export function constantMap(width: number, height: number, value: number): Heightmap {
  return { width, height, values: new Float32Array(width * height).fill(value) };
}

export function gradientMap(width: number, height: number): Heightmap {
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values[y * width + x] = x / (width - 1);
  return { width, height, values };
}

export function terrainMap(width: number, height: number, seed = 1): Heightmap {
  const values = new Float32Array(width * height);
  const r = mulberry32(seed);
  const waves = Array.from({ length: 6 }, (_, k) => ({
    fx: (r() * 6 + 1) * (k + 1),
    fy: (r() * 6 + 1) * (k + 1),
    p: r() * 6.28,
    a: 1 / (k + 1),
  }));
  let min = Infinity,
    max = -Infinity;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const w of waves) v += w.a * Math.sin((x / width) * w.fx + (y / height) * w.fy + w.p);
      values[y * width + x] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - min) / (max - min);
  return { width, height, values };
}

/** A "photo": smooth shapes plus 8-bit quantisation and mild noise. */
export function photoMap(width: number, height: number, seed = 7): Heightmap {
  const base = terrainMap(width, height, seed);
  const r = mulberry32(seed + 1);
  for (let i = 0; i < base.values.length; i++) {
    const v = base.values[i] + (r() - 0.5) * 0.02;
    base.values[i] = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  }
  return base;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
