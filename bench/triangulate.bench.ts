/**
 * Heightmap triangulators head to head: ours (greedy insertion), delatin (same method, JS),
 * @mapbox/martini (RTIN, needs a 2^n+1 grid) and the full grid, on a smooth fractal terrain
 * (float precision, "16-bit"), a real photo (8-bit greyscale) and an anti-aliased synthetic logo,
 * at 512/1024/2048 and max errors 0.05 / 0.01 mm over a 3 mm relief.
 *
 * Every mesh's max error is re-measured by the same independent rasteriser (measureMaxError).
 * Time is the median of a few interleaved runs after one warm-up run (none for photos >= 1024²,
 * whose runs take seconds), wall and CPU; memory is the growth of heap + ArrayBuffers across one
 * run (result still alive, so roughly the run's peak allocation) and the process peak RSS so far
 * (it only ever rises, so it is an upper bound per row).
 *
 * Standalone: node --expose-gc bench/triangulate.bench.ts
 * Env: TRI_BENCH_SIZES=512,1024  TRI_BENCH_INPUTS=terrain,logo  TRI_BENCH_QUICK=1 (one run each)
 *      TRI_BENCH_BIG_PHOTO=1 (adds the 2048² photo, ~1 min more)
 * On a loaded machine wall time is mostly waiting for a core; compare the CPU ratios then.
 */
import { existsSync } from 'node:fs';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import sharp from 'sharp';
// Neither package ships types; the shapes used here are declared below.
// @ts-expect-error untyped package
import DelatinUntyped from 'delatin';
// @ts-expect-error untyped package
import MartiniUntyped from '@mapbox/martini';
import { triangulateGreedy } from '../src/pipeline/triangulate/greedy.ts';
import { triangulateGrid } from '../src/pipeline/triangulate/grid.ts';
import { measureMaxError } from '../src/pipeline/triangulate/measure-error.ts';
import { triangulateGreedyTiled } from '../src/pipeline/triangulate/tiled.ts';
import type { TileExecutor, TileJob } from '../src/pipeline/triangulate/tiled.ts';
import type { SurfaceTriangulation } from '../src/pipeline/triangulate/types.ts';

export interface Row {
  input: string;
  size: number;
  maxError: number;
  method: 'ours' | 'ours 2 threads' | 'delatin' | 'martini' | 'grid';
  triangles: number;
  achievedError: number;
  ms: number;
  cpuMs: number;
  heapDeltaMB: number;
  peakRssMB: number;
  note?: string;
}

const RELIEF_MM = 3;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PHOTO = path.resolve(HERE, '../../shared/corpus/images/real/2569067123_aca715a2ee_o.jpg');

type Mesh = { points: Uint32Array; triangles: Uint32Array };

interface DelatinInstance {
  coords: number[];
  triangles: number[];
  run(maxError: number): void;
}
interface MartiniInstance {
  createTile(terrain: Float32Array): { getMesh(maxError: number): { vertices: Uint16Array; triangles: Uint32Array } };
}
const Delatin = DelatinUntyped as new (data: Float32Array, width: number, height: number) => DelatinInstance;
const Martini = MartiniUntyped as new (gridSize: number) => MartiniInstance;

// ---------- inputs ----------

/** Fractal value noise, 6 octaves, normalised to [0, 1], kept at float precision. */
export function fractalTerrain(size: number, seed = 1): Float32Array {
  const out = new Float32Array(size * size);
  const hash = (x: number, y: number, o: number): number => {
    let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(o + seed, 2246822519);
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
  };
  const fade = (t: number): number => t * t * t * (t * (t * 6 - 15) + 10);
  let amplitude = 1;
  let cell = size / 3;
  for (let o = 0; o < 6; o++, amplitude *= 0.5, cell /= 2) {
    for (let y = 0; y < size; y++) {
      const gy = y / cell,
        iy = Math.floor(gy),
        fy = fade(gy - iy);
      for (let x = 0; x < size; x++) {
        const gx = x / cell,
          ix = Math.floor(gx),
          fx = fade(gx - ix);
        const top = hash(ix, iy, o) + (hash(ix + 1, iy, o) - hash(ix, iy, o)) * fx;
        const bottom = hash(ix, iy + 1, o) + (hash(ix + 1, iy + 1, o) - hash(ix, iy + 1, o)) * fx;
        out[y * size + x] += amplitude * (top + (bottom - top) * fy);
      }
    }
  }
  return normalise(out);
}

/** Flat shapes with sharp, anti-aliased edges (4x4 supersampling): discs, a ring, bars, a triangle. */
export function syntheticLogo(size: number): Float32Array {
  const out = new Float32Array(size * size);
  const inside = (u: number, v: number): boolean => {
    const d1 = Math.hypot(u - 0.3, v - 0.3);
    const d2 = Math.hypot(u - 0.7, v - 0.65);
    if (d1 < 0.18) return true;
    if (d2 < 0.22 && d2 > 0.14) return true;
    if (u > 0.1 && u < 0.9 && v > 0.82 && v < 0.88) return true;
    if (u > 0.55 && u < 0.6 && v > 0.08 && v < 0.45) return true;
    // a slanted triangle (edges at odd angles stress the rasterisers)
    return v > 0.1 && v < 0.45 && u > 0.65 + 0.43 * (v - 0.1) && u < 0.95 - 0.43 * (v - 0.1);
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          if (inside((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size)) hits++;
        }
      }
      out[y * size + x] = hits / 16;
    }
  }
  return out;
}

export async function photo(size: number): Promise<Float32Array | undefined> {
  if (!existsSync(PHOTO)) return undefined;
  const raw = await sharp(PHOTO).greyscale().resize(size, size, { fit: 'fill' }).raw().toBuffer();
  const out = new Float32Array(size * size);
  for (let i = 0; i < out.length; i++) out[i] = raw[i] / 255;
  return out;
}

function normalise(values: Float32Array): Float32Array {
  let min = Infinity,
    max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - min) / (max - min);
  return values;
}

function toMillimetres(values01: Float32Array): Float32Array {
  return values01.map((v) => v * RELIEF_MM);
}

/** Edge-replicates an N x N grid to (N+1) x (N+1) for martini's 2^n+1 requirement. */
function padForMartini(heights: Float32Array, size: number): Float32Array {
  const n = size + 1;
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    const sy = Math.min(y, size - 1);
    for (let x = 0; x < n; x++) out[y * n + x] = heights[sy * size + Math.min(x, size - 1)];
  }
  return out;
}

// ---------- runners ----------

function runOurs(h: Float32Array, size: number, maxError: number): Mesh {
  return triangulateGreedy(h, size, size, { maxError });
}

/**
 * Two strips: the first on this thread, the second on one warm worker thread (this file again).
 * Executors live out here, never in src/pipeline.
 */
function createWorkerExecutor(): { executor: TileExecutor; close: () => Promise<number> } {
  const worker = new Worker(new URL(import.meta.url));
  let pending: ((result: SurfaceTriangulation) => void) | undefined;
  worker.on('message', (result: SurfaceTriangulation) => pending?.(result));
  const executor: TileExecutor = async (jobs) => {
    const remote = jobs.slice(1).map(
      (job) =>
        new Promise<SurfaceTriangulation>((resolve) => {
          pending = resolve;
          worker.postMessage(job, [job.heights.buffer as ArrayBuffer]);
        }),
    );
    if (remote.length > 1) throw new Error('bench executor: one worker, two strips');
    const local = triangulateGreedy(jobs[0].heights, jobs[0].width, jobs[0].height, jobs[0].options);
    return [local, ...(await Promise.all(remote))];
  };
  return { executor, close: () => worker.terminate() };
}

function runDelatin(h: Float32Array, size: number, maxError: number): Mesh {
  const d = new Delatin(h, size, size);
  d.run(maxError);
  return { points: Uint32Array.from(d.coords), triangles: Uint32Array.from(d.triangles) };
}

const martinis = new Map<number, MartiniInstance>();
function runMartini(padded: Float32Array, gridSize: number, maxError: number): Mesh {
  let martini = martinis.get(gridSize);
  if (!martini) {
    martini = new Martini(gridSize);
    martinis.set(gridSize, martini);
  }
  const { vertices, triangles } = martini.createTile(padded).getMesh(maxError);
  return { points: Uint32Array.from(vertices), triangles: Uint32Array.from(triangles) };
}

function runGrid(h: Float32Array, size: number): Mesh {
  return triangulateGrid(h, size, size);
}

interface Timed {
  mesh: Mesh;
  ms: number;
  cpuMs: number;
  heapDeltaMB: number;
  peakRssMB: number;
}

/**
 * Times several methods on one input: one untimed warm-up run each (JIT), then `runs` rounds in
 * which every method runs once, interleaved, so load from other processes on this shared machine
 * hits all of them alike. Reports medians of wall time (what a user waits, and the basis of the
 * ratios) and of process CPU time (user + system, which includes GC and compiler threads).
 */
async function timedTogether<K extends string>(
  runs: number,
  methods: Record<K, () => Mesh | Promise<Mesh>>,
  warmUp = true,
): Promise<Record<K, Timed>> {
  const names = Object.keys(methods) as K[];
  const wall = new Map<K, number[]>();
  const cpu = new Map<K, number[]>();
  const heap = new Map<K, number>();
  const rss = new Map<K, number>();
  const meshes = new Map<K, Mesh>();
  for (const name of names) {
    if (warmUp) await methods[name]();
    wall.set(name, []);
    cpu.set(name, []);
    heap.set(name, 0);
  }
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      meshes.delete(name);
      globalThis.gc?.();
      const before = process.memoryUsage();
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      const mesh = await methods[name]();
      wall.get(name)!.push(performance.now() - start);
      const cpuUsed = process.cpuUsage(cpuBefore);
      cpu.get(name)!.push((cpuUsed.user + cpuUsed.system) / 1000);
      const after = process.memoryUsage();
      const delta = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
      heap.set(name, Math.max(heap.get(name)!, delta));
      rss.set(name, process.resourceUsage().maxRSS / 1024);
      meshes.set(name, mesh);
    }
  }
  const out = {} as Record<K, Timed>;
  for (const name of names) {
    out[name] = {
      mesh: meshes.get(name)!,
      ms: median(wall.get(name)!),
      cpuMs: median(cpu.get(name)!),
      heapDeltaMB: heap.get(name)! / 2 ** 20,
      peakRssMB: rss.get(name)!,
    };
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function runsFor(size: number): number {
  if (process.env.TRI_BENCH_QUICK) return 1;
  return size <= 1024 ? 3 : 2;
}

// ---------- bench ----------

export async function benchTriangulate(): Promise<Row[]> {
  const sizes = (process.env.TRI_BENCH_SIZES ?? '512,1024,2048').split(',').map(Number);
  const inputs = (process.env.TRI_BENCH_INPUTS ?? 'terrain,photo,logo').split(',');
  const errors = [0.05, 0.01];
  const rows: Row[] = [];
  const pool = createWorkerExecutor();

  for (const input of inputs) {
    for (const size of sizes) {
      const values = input === 'terrain' ? fractalTerrain(size) : input === 'logo' ? syntheticLogo(size) : await photo(size);
      if (!values) {
        console.log(`(skipping photo: ${PHOTO} is absent)`);
        continue;
      }
      const heights = toMillimetres(values);
      const padded = padForMartini(heights, size);
      const runs = runsFor(size);

      // The grid's error is 0 by construction (every sample is a vertex); not re-measured.
      const grid = (await timedTogether(runs, { grid: () => runGrid(heights, size) })).grid;
      rows.push(row(input, size, 0, 'grid', grid, 0));

      for (const maxError of errors) {
        // An 8-bit photo under one grey step (3/255 = 0.012 mm) meshes nearly every sample (1.5M
        // triangles at 1024², ~6M at 2048²; DESIGN.md says not to do that): measured at 512 only.
        if (input === 'photo' && maxError < 0.012 && size > 512) {
          console.log(`(skipping photo ${size}² at ${maxError} mm: below one grey step, ~full grid)`);
          continue;
        }
        // 1.26M triangles, ~5 s per method per run: only on request (TRI_BENCH_BIG_PHOTO=1).
        if (input === 'photo' && size >= 2048 && !process.env.TRI_BENCH_BIG_PHOTO) {
          console.log(`(skipping photo ${size}² at ${maxError} mm: set TRI_BENCH_BIG_PHOTO=1)`);
          continue;
        }
        // Photos make ~0.2-2M triangles; one timed run each keeps the whole bench near 3 minutes.
        const r = input === 'photo' ? 1 : runs;
        // Runs of several seconds warm the JIT up by themselves; skipping the warm-up saves ~1 min.
        const warmUp = !(input === 'photo' && size >= 1024);
        const t = await timedTogether(
          r,
          {
            ours: () => runOurs(heights, size, maxError),
            oursTwoThreads: () => triangulateGreedyTiled(heights, size, size, { maxError }, pool.executor, 2),
            delatin: () => runDelatin(heights, size, maxError),
            martini: () => runMartini(padded, size + 1, maxError),
          },
          warmUp,
        );
        rows.push(row(input, size, maxError, 'ours', t.ours, measureMaxError(t.ours.mesh, heights, size, size)));
        rows.push({
          ...row(input, size, maxError, 'ours 2 threads', t.oursTwoThreads, measureMaxError(t.oursTwoThreads.mesh, heights, size, size)),
          note: '2 strips, 1 worker',
        });
        rows.push(row(input, size, maxError, 'delatin', t.delatin, measureMaxError(t.delatin.mesh, heights, size, size)));
        rows.push({
          ...row(input, size, maxError, 'martini', t.martini, measureMaxError(t.martini.mesh, padded, size + 1, size + 1)),
          note: `${size + 1}² edge-padded`,
        });
        console.error(`done ${input} ${size} ${maxError}`);
      }
    }
  }
  await pool.close();
  return rows;
}

function row(input: string, size: number, maxError: number, method: Row['method'], t: Timed, achieved: number): Row {
  return {
    input,
    size,
    maxError,
    method,
    triangles: t.mesh.triangles.length / 3,
    achievedError: achieved,
    ms: t.ms,
    cpuMs: t.cpuMs,
    heapDeltaMB: t.heapDeltaMB,
    peakRssMB: t.peakRssMB,
  };
}

export function formatRows(rows: Row[]): string {
  const lines = [
    '| input | size | maxError | method | triangles | tri / delatin | achieved err | wall ms | wall / delatin | cpu ms | cpu / delatin | heap Δ MB | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ref = rows.find((d) => d.method === 'delatin' && d.input === r.input && d.size === r.size && d.maxError === r.maxError);
    const triRatio = ref && r.method !== 'grid' ? (r.triangles / ref.triangles).toFixed(3) : '';
    const timeRatio = ref && r.method !== 'grid' ? (r.ms / ref.ms).toFixed(3) : '';
    const cpuRatio = ref && r.method !== 'grid' ? (r.cpuMs / ref.cpuMs).toFixed(3) : '';
    lines.push(
      `| ${r.input} | ${r.size} | ${r.method === 'grid' ? '-' : r.maxError} | ${r.method}${r.note ? ` (${r.note})` : ''} | ${r.triangles} | ${triRatio} | ${r.achievedError.toFixed(4)} | ${r.ms.toFixed(1)} | ${timeRatio} | ${r.cpuMs.toFixed(1)} | ${cpuRatio} | ${r.heapDeltaMB.toFixed(1)} | ${r.peakRssMB.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

// Worker side of createWorkerExecutor.
if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: TileJob) => {
    const result = triangulateGreedy(job.heights, job.width, job.height, job.options);
    port.postMessage(result, [result.points.buffer as ArrayBuffer, result.triangles.buffer as ArrayBuffer]);
  });
}

if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = performance.now();
  const rows = await benchTriangulate();
  console.log(formatRows(rows));
  console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
