/**
 * Greedy triangulation split into vertical strips that can run in parallel (one per core).
 *
 * The seams between strips are simplified first, on their own (`simplifySeam`), and handed to both
 * neighbours as seed points on their shared border column. Border edges are never flipped, and
 * every seam sample is already within `maxError` of its seam edge, so no strip ever inserts
 * another point there: the strips meet vertex for vertex and merge into one conforming mesh with
 * the same error bound. The price is a few extra triangles along the seams.
 *
 * The pipeline stays pure: how strips run is the caller's `TileExecutor` (inline, or worker
 * threads set up outside src/pipeline). Budgets (`maxTriangles`) and `periodicX` couple the strips,
 * so those fall back to the single-strip `triangulateGreedy`, as do grids too narrow to split.
 */
import { triangulateGreedy } from './greedy.ts';
import { simplifySeam } from './seam.ts';
import { TRIANGULATE_DEFAULTS } from './types.ts';
import type { SurfaceTriangulation, TriangulateOptions } from './types.ts';

export interface TileJob {
  heights: Float32Array;
  width: number;
  height: number;
  options: Partial<TriangulateOptions>;
}

/** Runs `triangulateGreedy` on every job (anywhere: inline, workers) and returns results in order. */
export type TileExecutor = (jobs: TileJob[]) => Promise<SurfaceTriangulation[]>;

export const inlineTileExecutor: TileExecutor = async (jobs) =>
  jobs.map((job) => triangulateGreedy(job.heights, job.width, job.height, job.options));

const MIN_STRIP_WIDTH = 64;

export async function triangulateGreedyTiled(
  heights: Float32Array,
  width: number,
  height: number,
  options: Partial<TriangulateOptions>,
  executor: TileExecutor,
  strips = 2,
): Promise<SurfaceTriangulation> {
  const opts: TriangulateOptions = { ...TRIANGULATE_DEFAULTS, ...options };
  const count = Math.min(strips, Math.floor((width - 1) / MIN_STRIP_WIDTH));
  const seedsOutside = opts.seedPoints?.some((v, i) => v >= (i % 2 === 0 ? width : height)) ?? false;
  const coupled = opts.periodicX || Number.isFinite(opts.maxTriangles);
  // Invalid input goes the single-strip way too, so it fails with triangulateGreedy's message.
  if (count < 2 || height < 2 || coupled || seedsOutside || heights.length !== width * height) {
    return triangulateGreedy(heights, width, height, options);
  }

  // Strip k spans columns starts[k]..starts[k+1] inclusive; interior starts are seams.
  const starts: number[] = [];
  for (let k = 0; k <= count; k++) starts.push(Math.round((k * (width - 1)) / count));
  const seamRows = starts.map((x, k) => (k === 0 || k === count ? [] : simplifySeam(heights, width, height, x, opts.maxError)));

  const jobs: TileJob[] = [];
  for (let k = 0; k < count; k++) {
    const x0 = starts[k];
    const stripWidth = starts[k + 1] - x0 + 1;
    const seeds: number[] = [];
    for (const y of seamRows[k]) seeds.push(0, y);
    for (const y of seamRows[k + 1]) seeds.push(stripWidth - 1, y);
    const given = opts.seedPoints;
    if (given) {
      for (let i = 0; i + 1 < given.length; i += 2) {
        if (given[i] >= x0 && given[i] <= starts[k + 1]) seeds.push(given[i] - x0, given[i + 1]);
      }
    }
    jobs.push({
      heights: copyColumns(heights, width, height, x0, stripWidth),
      width: stripWidth,
      height,
      options: { ...opts, seedPoints: new Uint32Array(seeds) },
    });
  }

  return mergeStrips(await executor(jobs), starts, height);
}

function copyColumns(heights: Float32Array, width: number, height: number, x0: number, stripWidth: number): Float32Array {
  const out = new Float32Array(stripWidth * height);
  for (let y = 0; y < height; y++) out.set(heights.subarray(y * width + x0, y * width + x0 + stripWidth), y * stripWidth);
  return out;
}

// Concatenates the strips, shifting x and sharing the vertices of each seam column.
function mergeStrips(parts: SurfaceTriangulation[], starts: number[], height: number): SurfaceTriangulation {
  let pointCount = 0;
  let triangleCount = 0;
  for (const part of parts) {
    pointCount += part.points.length / 2;
    triangleCount += part.triangles.length / 3;
  }
  const points = new Uint32Array(2 * pointCount);
  const triangles = new Uint32Array(3 * triangleCount);
  let seamVertex = new Int32Array(height).fill(-1); // vertex id per row on the seam left of a strip
  let nextPoint = 0;
  let nextIndex = 0;
  let maxError = 0;

  parts.forEach((part, k) => {
    const x0 = starts[k];
    const rightColumn = starts[k + 1] - x0;
    const rightSeam = new Int32Array(height).fill(-1);
    const remap = new Uint32Array(part.points.length / 2);
    for (let v = 0; v < remap.length; v++) {
      const x = part.points[2 * v];
      const y = part.points[2 * v + 1];
      let id = x === 0 ? seamVertex[y] : -1;
      if (id < 0) {
        id = nextPoint++;
        points[2 * id] = x + x0;
        points[2 * id + 1] = y;
      }
      if (x === rightColumn) rightSeam[y] = id;
      remap[v] = id;
    }
    for (let i = 0; i < part.triangles.length; i++) triangles[nextIndex++] = remap[part.triangles[i]];
    seamVertex = rightSeam;
    maxError = Math.max(maxError, part.maxError);
  });

  return { points: points.slice(0, 2 * nextPoint), triangles, maxError };
}
