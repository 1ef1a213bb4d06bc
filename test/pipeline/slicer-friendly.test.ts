import { describe, expect, it } from 'vitest';
import type { Heightmap } from '../../src/pipeline/heightmap.ts';
import { areaClosing, areaOpening, sortDescending } from '../../src/pipeline/heightmap-ops/area-filter.ts';
import { smoothForSlicer } from '../../src/pipeline/heightmap-ops/slicer-friendly.ts';
import { countLayerCrossings, countLayerIslands, layerPlanes } from '../../src/pipeline/analyze/layer-islands.ts';
import { buildLithophane, LITHOPHANE_DEFAULTS } from '../../src/pipeline/modes/lithophane.ts';
import { buildRelief, reliefHeights, RELIEF_DEFAULTS } from '../../src/pipeline/modes/relief.ts';
import { triangulateGreedy } from '../../src/pipeline/triangulate/greedy.ts';
import { measureMaxError } from '../../src/pipeline/triangulate/measure-error.ts';
import { mulberry32 } from '../helpers/grids.ts';

const PITCH = 0.2;
const NOZZLE = 0.4;
const LAYER = 0.2;
/** Loops smaller than (2 x nozzle)² have no room for two perimeters; PrusaSlicer's time follows them. */
const MIN_AREA = Math.ceil((2 * NOZZLE) ** 2 / (PITCH * PITCH));

/** A scanned line drawing on the print grid: thin anti-aliased strokes (0.5-2 samples) and speckle. */
function lineArtMap(width: number, height: number, seed = 3): Heightmap {
  const random = mulberry32(seed);
  const values = new Float32Array(width * height).fill(1);
  for (let s = 0; s < 60; s++) {
    const x0 = random() * width;
    const y0 = random() * height;
    const angle = random() * Math.PI;
    const length = 10 + random() * 80;
    const halfWidth = 0.25 + random() * 0.75;
    const ink = 0.2 + random() * 0.8;
    const ux = Math.cos(angle);
    const uy = Math.sin(angle);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (x - x0) * ux + (y - y0) * uy;
        if (t < 0 || t > length) continue;
        const d = Math.abs(-(x - x0) * uy + (y - y0) * ux);
        const cover = Math.min(1, Math.max(0, halfWidth + 0.5 - d));
        const i = y * width + x;
        values[i] = Math.min(values[i], 1 - ink * cover);
      }
    }
  }
  for (let i = 0; i < values.length; i++) if (random() < 0.01) values[i] = random();
  return { width, height, values };
}

/** Smooth shading plus texture and sensor noise at every scale down to one sample, like a photo. */
function photoLikeMap(width: number, height: number, seed = 5): Heightmap {
  const random = mulberry32(seed);
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const shade = 0.5 + 0.3 * Math.sin(x / 37) * Math.cos(y / 29) + 0.1 * Math.sin((x + y) / 7);
      values[y * width + x] = Math.min(1, Math.max(0, shade + 0.08 * (random() - 0.5)));
    }
  }
  return { width, height, values };
}

/** Brute force: the highest level at which the sample's component of {v >= level} has minArea samples. */
function referenceOpening(values: Float32Array, width: number, height: number, minArea: number): Float32Array {
  const out = new Float32Array(values.length);
  const levels = [...new Set(values)].sort((a, b) => b - a);
  for (let i = 0; i < values.length; i++) {
    out[i] = levels[levels.length - 1];
    for (const level of levels) {
      if (level > values[i]) continue;
      if (componentSize(values, width, height, i, level) >= minArea) {
        out[i] = level;
        break;
      }
    }
  }
  return out;
}

function componentSize(values: Float32Array, width: number, height: number, start: number, level: number): number {
  const seen = new Uint8Array(values.length);
  const stack = [start];
  seen[start] = 1;
  let size = 0;
  while (stack.length > 0) {
    const p = stack.pop()!;
    size++;
    const px = p % width;
    const py = Math.floor(p / width);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const qx = px + dx;
        const qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
        const q = qy * width + qx;
        if (!seen[q] && values[q] >= level) {
          seen[q] = 1;
          stack.push(q);
        }
      }
  }
  return size;
}

describe('area filter', () => {
  it('sorts samples from the highest value down, negative values and ties included', () => {
    const values = Float32Array.from([0.5, -2, 3, 0.5, -0, 7.25, -1e-9]);
    const order = [...sortDescending(values)];
    expect(order.map((i) => values[i])).toEqual([...values].sort((a, b) => b - a));
  });

  it('area opening matches the brute-force definition on random grids', () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 30; trial++) {
      const width = 5 + Math.floor(random() * 9);
      const height = 4 + Math.floor(random() * 9);
      const values = new Float32Array(width * height);
      for (let i = 0; i < values.length; i++) values[i] = Math.floor(random() * 6) / 2;
      const minArea = 2 + Math.floor(random() * 6);
      expect([...areaOpening(values, width, height, minArea)]).toEqual([...referenceOpening(values, width, height, minArea)]);
    }
  });

  it('keeps a big plateau exactly and levels a one-sample spike and a one-sample pit', () => {
    const width = 20;
    const values = new Float32Array(width * width).fill(1);
    for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) values[y * width + x] = 2;
    values[2 * width + 2] = 3; // spike on the base
    values[10 * width + 10] = 0.5; // pit in the plateau
    const opened = areaOpening(values, width, width, 4);
    const closed = areaClosing(opened, width, width, 4);
    expect(closed[2 * width + 2]).toBe(1);
    expect(closed[10 * width + 10]).toBe(2);
    expect(closed[7 * width + 7]).toBe(2);
    expect(closed[0]).toBe(1);
  });
});

describe('slicer-friendly surfaces (issue 16)', () => {
  const map = lineArtMap(240, 180);

  it('a flat lithophane of line art has no island or hole under (2 x nozzle)² in any layer', () => {
    const r = buildLithophane(map, PITCH, triangulateGreedy, { nozzleMm: NOZZLE, maxTriangles: 60_000 });
    const counts = countLayerIslands(r.heights, r.gridWidth, r.gridHeight, layerPlanes(4, LAYER), MIN_AREA);
    expect(counts.islands).toBeGreaterThan(10);
    expect(counts.smallIslands).toBe(0);
    expect(counts.smallHoles).toBe(0);
    expect(r.slicerSmoothing?.minAreaSamples).toBe(MIN_AREA);
  });

  it('without the step the same picture has many (the property can fail)', () => {
    const r = buildLithophane(map, PITCH, triangulateGreedy, { nozzleMm: 0, maxTriangles: 60_000 });
    const counts = countLayerIslands(r.heights, r.gridWidth, r.gridHeight, layerPlanes(4, LAYER), MIN_AREA);
    expect(counts.smallIslands).toBeGreaterThan(50);
    expect(r.slicerSmoothing).toBeUndefined();
  });

  it('a relief of line art has no island or hole under (2 x nozzle)² in any layer', () => {
    const r = buildRelief(map, PITCH, triangulateGreedy, { maxTriangles: 60_000 });
    const counts = countLayerIslands(r.heights, r.gridWidth, r.gridHeight, layerPlanes(5, LAYER), MIN_AREA);
    expect(counts.smallIslands).toBe(0);
    expect(counts.smallHoles).toBe(0);
  });

  it('reports what it changed: the largest change, its mean, and the meshing error against the levelled field', () => {
    const original = reliefHeights(map, RELIEF_DEFAULTS);
    const r = buildRelief(map, PITCH, triangulateGreedy, { maxTriangles: 60_000 });
    let max = 0;
    let sum = 0;
    for (let i = 0; i < original.length; i++) {
      const d = Math.abs(original[i] - r.heights[i]);
      max = Math.max(max, d);
      sum += d;
    }
    expect(max).toBeGreaterThan(0.1);
    expect(r.slicerSmoothing?.maxChangeMm).toBeCloseTo(max, 5);
    expect(r.slicerSmoothing?.meanChangeMm).toBeCloseTo(sum / original.length, 5);
    // A blur at one nozzle moves strokes and speckle, not the flat paper between them (0.18 mm mean on
    // this 0-5 mm relief; 0.1 mm at half a nozzle, which left the slicer 4-6x slower on photos).
    expect(r.slicerSmoothing?.meanChangeMm).toBeLessThan(0.25);
    expect(r.slicerSmoothing?.blurSigmaMm).toBeCloseTo(NOZZLE, 9);
    const front = triangulateGreedy(r.heights, r.gridWidth, r.gridHeight, {
      maxError: 0.05,
      maxTriangles: 60_000,
      metric: { kind: 'height' },
    });
    expect(measureMaxError(front, r.heights, r.gridWidth, r.gridHeight)).toBeLessThanOrEqual(0.05 + 1e-6);
  });

  it('a photo-like lithophane: loops under (2 x nozzle)² gone and the layer outlines at most a third as long', () => {
    const photo = photoLikeMap(300, 220);
    const planes = layerPlanes(4, LAYER);
    const off = buildLithophane(photo, PITCH, triangulateGreedy, { nozzleMm: 0, maxTriangles: 200_000 });
    const on = buildLithophane(photo, PITCH, triangulateGreedy, { nozzleMm: NOZZLE, maxTriangles: 200_000 });
    const loops = (r: typeof on) => {
      const c = countLayerIslands(r.heights, r.gridWidth, r.gridHeight, planes, MIN_AREA);
      return c.smallIslands + c.smallHoles;
    };
    expect(loops(off)).toBeGreaterThan(100);
    expect(loops(on)).toBe(0);
    const outline = (r: typeof on) => countLayerCrossings(r.heights, r.gridWidth, r.gridHeight, planes);
    expect(outline(on)).toBeLessThan(outline(off) / 3);
    expect(on.mesh.indices.length).toBeLessThan(off.mesh.indices.length / 3);
  });

  it('curved lithophanes are blurred at one nozzle, not levelled: a third of the triangles on a photo (issue 15)', () => {
    // Their layers cut across the thickness, so a level of the field is no layer; but a bead one nozzle
    // wide still cannot draw thickness detail finer than itself along the wall.
    const photo = photoLikeMap(300, 120);
    for (const shape of ['arc', 'cylinder'] as const) {
      const off = buildLithophane(photo, PITCH, triangulateGreedy, { shape, nozzleMm: 0, maxTriangles: 200_000 });
      const on = buildLithophane(photo, PITCH, triangulateGreedy, { shape, nozzleMm: NOZZLE, maxTriangles: 200_000 });
      expect(off.slicerSmoothing).toBeUndefined();
      expect(on.slicerSmoothing?.method).toBe('blur');
      expect(on.slicerSmoothing?.blurSigmaMm).toBeCloseTo(NOZZLE, 9);
      expect(on.slicerSmoothing?.minAreaSamples).toBe(0);
      expect(on.slicerSmoothing?.maxChangeMm).toBeGreaterThan(0);
      expect(on.mesh.indices.length).toBeLessThan(off.mesh.indices.length / 3);
      expect(on.achievedErrorMm).toBeLessThanOrEqual(LITHOPHANE_DEFAULTS.maxErrorMm);
    }
  });

  it('is off for nozzle 0 and for grids coarser than the nozzle', () => {
    const values = lineArtMap(40, 30).values;
    expect(smoothForSlicer(values, 40, 30, PITCH, { nozzleMm: 0 }).report).toBeUndefined();
    expect(smoothForSlicer(values, 40, 30, 0.5, { nozzleMm: 0.4 }).values).toBe(values);
  });
});
