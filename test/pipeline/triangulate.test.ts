import { describe, expect, it } from 'vitest';
// @ts-expect-error delatin ships no types; only its constructor, run() and triangles are used
import DelatinUntyped from 'delatin';
import { triangulateGreedy } from '../../src/pipeline/triangulate/greedy.ts';
import { triangulateGrid } from '../../src/pipeline/triangulate/grid.ts';
import { measureMaxError } from '../../src/pipeline/triangulate/measure-error.ts';
import { inlineTileExecutor, triangulateGreedyTiled } from '../../src/pipeline/triangulate/tiled.ts';
import type { TileExecutor } from '../../src/pipeline/triangulate/tiled.ts';
import type { SurfaceTriangulation, TriangulateOptions } from '../../src/pipeline/triangulate/types.ts';

const Delatin = DelatinUntyped as new (
  data: Float32Array,
  w: number,
  h: number,
) => {
  triangles: number[];
  run(maxError: number): void;
};

/** Smooth hills plus a little deterministic roughness, 0..3 mm. */
function terrain(width: number, height: number, seed = 1): Float32Array {
  const out = new Float32Array(width * height);
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const waves = Array.from({ length: 6 }, () => [random() * 0.3, random() * 0.3, random() * 6, random()]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const [fx, fy, phase, amplitude] of waves) v += amplitude * Math.sin(fx * x + fy * y + phase);
      out[y * width + x] = 1.5 + 0.4 * v + 0.02 * random();
    }
  }
  return out;
}

/** Twice the signed area of every triangle; positive means counter-clockwise with y up. */
function signedAreas(mesh: SurfaceTriangulation): number[] {
  const { points: p, triangles: t } = mesh;
  const areas: number[] = [];
  for (let i = 0; i < t.length; i += 3) {
    const a = 2 * t[i],
      b = 2 * t[i + 1],
      c = 2 * t[i + 2];
    areas.push((p[b] - p[a]) * (p[c + 1] - p[a + 1]) - (p[c] - p[a]) * (p[b + 1] - p[a + 1]));
  }
  return areas;
}

/**
 * The triangles tile the rectangle exactly once: all positive (same orientation, none degenerate),
 * areas sum to the rectangle, every inner edge is shared by exactly two triangles in opposite
 * directions and every other edge lies on the border.
 */
function expectExactCover(mesh: SurfaceTriangulation, width: number, height: number): void {
  const areas = signedAreas(mesh);
  expect(Math.min(...areas)).toBeGreaterThan(0);
  expect(areas.reduce((s, a) => s + a, 0)).toBe(2 * (width - 1) * (height - 1));

  const { points: p, triangles: t } = mesh;
  const n = p.length / 2;
  const directed = new Set<number>();
  let repeatedEdges = 0;
  for (let i = 0; i < t.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const key = t[i + k] * n + t[i + ((k + 1) % 3)];
      if (directed.has(key)) repeatedEdges++;
      directed.add(key);
    }
  }
  expect(repeatedEdges).toBe(0);
  let unpairedInnerEdges = 0;
  for (const key of directed) {
    const a = Math.floor(key / n);
    const b = key % n;
    if (directed.has(b * n + a)) continue;
    const onBorder = (axis: 0 | 1, value: number): boolean => p[2 * a + axis] === value && p[2 * b + axis] === value;
    if (!(onBorder(0, 0) || onBorder(0, width - 1) || onBorder(1, 0) || onBorder(1, height - 1))) unpairedInnerEdges++;
  }
  expect(unpairedInnerEdges).toBe(0);
  const seen = new Set<number>();
  let outside = 0;
  for (let i = 0; i < p.length; i += 2) {
    if (p[i] >= width || p[i + 1] >= height) outside++;
    seen.add(p[i + 1] * width + p[i]);
  }
  expect(outside).toBe(0);
  expect(seen.size).toBe(n);
}

function columnYs(mesh: SurfaceTriangulation, column: number): number[] {
  const ys: number[] = [];
  for (let i = 0; i < mesh.points.length; i += 2) if (mesh.points[i] === column) ys.push(mesh.points[i + 1]);
  return ys.sort((a, b) => a - b);
}

describe('triangulateGreedy', () => {
  it.each([0.05, 0.01])('keeps every sample within maxError %s and tiles the rectangle', (maxError) => {
    const [w, h] = [97, 61];
    const heights = terrain(w, h);
    const mesh = triangulateGreedy(heights, w, h, { maxError });
    const measured = measureMaxError(mesh, heights, w, h);
    expect(measured).toBeLessThanOrEqual(maxError + 1e-9);
    expect(mesh.maxError).toBeCloseTo(measured, 9);
    expectExactCover(mesh, w, h);
    expect(mesh.triangles.length / 3).toBeLessThan(2 * (w - 1) * (h - 1));
  });

  it('stops before exceeding the triangle budget and reports the error it reached', () => {
    const [w, h] = [80, 80];
    const heights = terrain(w, h, 7);
    for (const maxTriangles of [2, 3, 50, 501]) {
      const mesh = triangulateGreedy(heights, w, h, { maxError: 0, maxTriangles });
      expect(mesh.triangles.length / 3).toBeLessThanOrEqual(Math.max(2, maxTriangles));
      expect(mesh.triangles.length / 3).toBeGreaterThanOrEqual(maxTriangles - 2);
      expect(mesh.maxError).toBeCloseTo(measureMaxError(mesh, heights, w, h), 9);
      expect(mesh.maxError).toBeGreaterThan(0);
      expectExactCover(mesh, w, h);
    }
  });

  it('meshes constant and planar grids with two triangles', () => {
    const flat = new Float32Array(50 * 30).fill(1.25);
    expect(triangulateGreedy(flat, 50, 30, { maxError: 0 }).triangles.length).toBe(6);
    const plane = new Float32Array(50 * 30).map((_, i) => 0.01 * (i % 50) + 0.02 * Math.floor(i / 50));
    const mesh = triangulateGreedy(plane, 50, 30, { maxError: 1e-6 });
    expect(mesh.triangles.length).toBe(6);
    expect(mesh.maxError).toBeLessThan(1e-6);
  });

  it('handles grids one or two samples wide', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 6],
      [6, 1],
    ]) {
      const mesh = triangulateGreedy(terrain(w, h), w, h);
      expect(mesh.triangles.length).toBe(0);
      expect(mesh.points.length).toBe(2 * w * h);
    }
    for (const [w, h] of [
      [2, 2],
      [2, 40],
      [40, 2],
    ]) {
      const heights = terrain(w, h, 3);
      const mesh = triangulateGreedy(heights, w, h, { maxError: 0.001 });
      expect(measureMaxError(mesh, heights, w, h)).toBeLessThanOrEqual(0.001);
      expectExactCover(mesh, w, h);
    }
  });

  it('inserts seed points first', () => {
    const flat = new Float32Array(40 * 40);
    const seedPoints = new Uint32Array([10, 10, 20, 5, 0, 17, 39, 39, 10, 10]);
    const mesh = triangulateGreedy(flat, 40, 40, { seedPoints });
    const keys = new Set<string>();
    for (let i = 0; i < mesh.points.length; i += 2) keys.add(`${mesh.points[i]},${mesh.points[i + 1]}`);
    for (const key of ['10,10', '20,5', '0,17']) expect(keys.has(key)).toBe(true);
    expect(mesh.points.length / 2).toBe(7);
    expectExactCover(mesh, 40, 40);
  });

  it('mirrors border insertions when periodicX so the seam chains match', () => {
    const [w, h] = [90, 70];
    const heights = terrain(w, h, 11);
    const mesh = triangulateGreedy(heights, w, h, { maxError: 0.01, periodicX: true, seedPoints: new Uint32Array([0, 33]) });
    const left = columnYs(mesh, 0);
    expect(left.length).toBeGreaterThan(2);
    expect(left).toContain(33);
    expect(columnYs(mesh, w - 1)).toEqual(left);
    expect(measureMaxError(mesh, heights, w, h)).toBeLessThanOrEqual(0.01);
    expectExactCover(mesh, w, h);
  });

  it('bounds the chord sag on a cylinder', () => {
    const [w, h] = [361, 40];
    const radius = 20;
    const maxError = 0.05;
    const metric = { kind: 'cylinder', radius, radiansPerSample: (2 * Math.PI) / (w - 1) } as const;
    const mesh = triangulateGreedy(new Float32Array(w * h), w, h, { maxError, metric, periodicX: true });
    // sag = r (1 - cos(Δθ / 2)) <= maxError bounds each chord's angle, hence the columns needed.
    const maxChordAngle = 2 * Math.acos(1 - maxError / radius);
    const columns = new Set<number>();
    for (let i = 0; i < mesh.points.length; i += 2) if (mesh.points[i + 1] === 0) columns.add(mesh.points[i]);
    expect(columns.size - 1).toBeGreaterThanOrEqual(Math.ceil((2 * Math.PI) / maxChordAngle));
    expect(measureMaxError(mesh, new Float32Array(w * h), w, h, metric)).toBeLessThanOrEqual(maxError);
    expect(mesh.maxError).toBeLessThanOrEqual(maxError);
    // The height metric would need only two triangles for the same flat input.
    expect(mesh.triangles.length / 3).toBeGreaterThan(2 * columns.size - 4);
    expectExactCover(mesh, w, h);
  });

  it('bounds radial deviation of a relief on a cylinder', () => {
    const [w, h] = [181, 50];
    const heights = terrain(w, h, 5);
    const metric = { kind: 'cylinder', radius: 30, radiansPerSample: Math.PI / (w - 1) } as const;
    const options: Partial<TriangulateOptions> = { maxError: 0.02, metric };
    const mesh = triangulateGreedy(heights, w, h, options);
    const measured = measureMaxError(mesh, heights, w, h, metric);
    expect(measured).toBeLessThanOrEqual(0.02 + 1e-9);
    expect(mesh.maxError).toBeCloseTo(measured, 9);
    expectExactCover(mesh, w, h);
  });

  it('needs no more triangles than delatin at the same error', () => {
    const [w, h] = [129, 129];
    const heights = terrain(w, h, 21);
    for (const maxError of [0.05, 0.01]) {
      const ours = triangulateGreedy(heights, w, h, { maxError }).triangles.length / 3;
      const delatin = new Delatin(heights, w, h);
      delatin.run(maxError);
      expect(ours).toBeLessThanOrEqual(1.02 * (delatin.triangles.length / 3));
    }
  });

  it('rejects inputs that do not match the grid', () => {
    expect(() => triangulateGreedy(new Float32Array(5), 2, 2)).toThrow(/expected 4 heights/);
    expect(() => triangulateGreedy(new Float32Array(4), 2, 2, { seedPoints: new Uint32Array([5, 0]) })).toThrow(/outside/);
  });
});

describe('contour-aligning flips (issue 15)', () => {
  /** Outline vertices a slicer gets: layer planes (0.1 + 0.2k mm) crossing each triangle, summed. */
  function layerCrossings(mesh: SurfaceTriangulation, heights: Float32Array, width: number): number {
    const z = (i: number) => heights[mesh.points[2 * i + 1] * width + mesh.points[2 * i]];
    let n = 0;
    for (let t = 0; t < mesh.triangles.length; t += 3) {
      const v = [z(mesh.triangles[t]), z(mesh.triangles[t + 1]), z(mesh.triangles[t + 2])];
      n += Math.max(0, Math.ceil((Math.max(...v) - 0.1) / 0.2) - Math.ceil((Math.min(...v) - 0.1) / 0.2));
    }
    return n;
  }

  it('keep the vertices, the count and the bound, and cut the layer crossings by a sixth on terrain', () => {
    const width = 257;
    const height = 193;
    const heights = terrain(width, height, 7);
    const options = { maxError: 0.06, metric: { kind: 'height' } as const };
    const plain = triangulateGreedy(heights, width, height, { ...options, alignContours: false });
    const aligned = triangulateGreedy(heights, width, height, options);
    expect(aligned.points).toEqual(plain.points);
    expect(aligned.triangles.length).toBe(plain.triangles.length);
    expectExactCover(aligned, width, height);
    expect(measureMaxError(aligned, heights, width, height)).toBeLessThanOrEqual(0.06 + 1e-6);
    expect(aligned.maxError).toBeLessThanOrEqual(0.06);
    expect(layerCrossings(aligned, heights, width)).toBeLessThan((5 / 6) * layerCrossings(plain, heights, width));
  });
});

describe('triangulateGrid', () => {
  it('uses every cell and is exact', () => {
    const heights = terrain(13, 9);
    const mesh = triangulateGrid(heights, 13, 9);
    expect(mesh.triangles.length / 3).toBe(2 * 12 * 8);
    expect(measureMaxError(mesh, heights, 13, 9)).toBe(0);
    expectExactCover(mesh, 13, 9);
  });
});

describe('triangulateGreedyTiled', () => {
  it('meets the same bound with strips that share their seams vertex for vertex', async () => {
    const [w, h] = [201, 81];
    const heights = terrain(w, h, 4);
    for (const strips of [2, 3]) {
      const mesh = await triangulateGreedyTiled(heights, w, h, { maxError: 0.01 }, inlineTileExecutor, strips);
      expect(measureMaxError(mesh, heights, w, h)).toBeLessThanOrEqual(0.01);
      expect(mesh.maxError).toBeLessThanOrEqual(0.01);
      expectExactCover(mesh, w, h);
      const single = triangulateGreedy(heights, w, h, { maxError: 0.01 }).triangles.length;
      expect(mesh.triangles.length).toBeLessThanOrEqual(1.05 * single);
    }
  });

  it('works on a cylinder and falls back to one strip when strips would be coupled', async () => {
    const [w, h] = [257, 60];
    const heights = terrain(w, h, 9);
    const metric = { kind: 'cylinder', radius: 25, radiansPerSample: (2 * Math.PI) / (w - 1) } as const;
    const mesh = await triangulateGreedyTiled(heights, w, h, { maxError: 0.02, metric }, inlineTileExecutor);
    expect(measureMaxError(mesh, heights, w, h, metric)).toBeLessThanOrEqual(0.02);
    expectExactCover(mesh, w, h);
    let calls = 0;
    const counting: TileExecutor = async (jobs) => {
      calls++;
      return inlineTileExecutor(jobs);
    };
    const periodic = await triangulateGreedyTiled(heights, w, h, { maxError: 0.02, periodicX: true }, counting);
    const budget = await triangulateGreedyTiled(heights, w, h, { maxError: 0, maxTriangles: 300 }, counting);
    await expect(triangulateGreedyTiled(heights, w, h, { seedPoints: new Uint32Array([w, 0]) }, counting)).rejects.toThrow(/outside/);
    expect(calls).toBe(0);
    expect(columnYs(periodic, 0)).toEqual(columnYs(periodic, w - 1));
    expect(budget.triangles.length / 3).toBeLessThanOrEqual(300);
  });
});
