/**
 * Checks src/pipeline/estimate.ts against real runs: each case once in its own process (so its peak
 * RSS, VmHWM, is its own), then a table of measured against estimated memory and time. Several
 * minutes on two cores; re-run after a pipeline change and update the estimate's header note.
 *   npm exec -- node bench/estimate-calibration.ts [case ...]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharedManifold } from '../wasm/manifold.ts';
import { nodePipelineDeps } from '../src/node/pipeline-deps.ts';
import { estimateImageJob, estimateMeshJob } from '../src/pipeline/estimate.ts';
import type { WorkEstimate } from '../src/pipeline/estimate.ts';
import { resolveMeshParams } from '../src/pipeline/mesh-params.ts';
import { resolveImageParams } from '../src/pipeline/params.ts';
import { runMeshPipeline } from '../src/pipeline/run-mesh-pipeline.ts';
import { runImagePipeline } from '../src/pipeline/run-pipeline.ts';
import { photoLikePng } from './photo-like.ts';

type Case = { image: number; params: Record<string, unknown> } | { mesh: number; mode: 'repair' | 'convert' };

const CASES: Record<string, Case> = {
  'lithophane-defaults': { image: 1024, params: { mode: 'lithophane' } },
  'lithophane-full': { image: 1024, params: { mode: 'lithophane', widthMm: 204.6 } },
  'lithophane-2M': { image: 1024, params: { mode: 'lithophane', widthMm: 204.6, maxTriangles: 2_000_000 } },
  'relief-1M': { image: 1024, params: { mode: 'relief', widthMm: 204.6, maxTriangles: 1_000_000, maxErrorMm: 0.01 } },
  'lithophane-2048': { image: 2048, params: { mode: 'lithophane', widthMm: 409.4 } },
  'cylinder-500-1m': { image: 500, params: { mode: 'lithophane', shape: 'cylinder', widthMm: 1000, resolutionMm: 0.02 } },
  'cylinder-1000-1m': { image: 1000, params: { mode: 'lithophane', shape: 'cylinder', widthMm: 1000, resolutionMm: 0.02 } },
  'extrude-2048': { image: 2048, params: { mode: 'extrude', widthMm: 100 } },
  'repair-200k': { mesh: 200_000, mode: 'repair' },
  'repair-1M': { mesh: 1_000_000, mode: 'repair' },
  'convert-1M': { mesh: 1_000_000, mode: 'convert' },
};

const rssMb = (field: 'VmRSS' | 'VmHWM') =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024);

/** A UV sphere of about `n` triangles as binary STL. */
function sphereStl(n: number): Uint8Array {
  const rings = Math.max(4, Math.round(Math.sqrt(n / 2)));
  const point = (i: number, j: number) => {
    const theta = (Math.PI * i) / rings;
    const phi = (2 * Math.PI * j) / rings;
    return [50 * Math.sin(theta) * Math.cos(phi), 50 * Math.sin(theta) * Math.sin(phi), 50 * Math.cos(theta)];
  };
  const out = new Uint8Array(84 + 50 * 2 * rings * rings);
  const view = new DataView(out.buffer);
  let t = 0;
  const put = (...corners: number[][]) => {
    const at = 84 + 50 * t++;
    corners.forEach((v, k) => v.forEach((x, m) => view.setFloat32(at + 12 + 12 * k + 4 * m, x, true)));
  };
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < rings; j++) {
      if (i > 0) put(point(i, j), point(i + 1, j), point(i, j + 1));
      if (i < rings - 1) put(point(i + 1, j), point(i + 1, j + 1), point(i, j + 1));
    }
  }
  view.setUint32(80, t, true);
  return out.subarray(0, 84 + 50 * t);
}

async function runOne(name: string): Promise<void> {
  const c = CASES[name];
  let estimate: WorkEstimate;
  let run: () => Promise<{ triangles: number }>;
  if ('image' in c) {
    const bytes = await photoLikePng(c.image);
    const params = resolveImageParams(c.params);
    estimate = estimateImageJob(params, { width: c.image, height: c.image });
    const deps = await nodePipelineDeps();
    run = async () => (await runImagePipeline(bytes, params, deps)).report;
  } else {
    const bytes = sphereStl(c.mesh);
    estimate = estimateMeshJob(c.mode, c.mesh);
    const manifold = await sharedManifold();
    run = async () =>
      (await runMeshPipeline(bytes, resolveMeshParams({ mode: c.mode }), { manifold, clock: () => performance.now() })).report;
  }
  const baseMb = rssMb('VmRSS');
  const started = performance.now();
  const report = await run();
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ name, triangles: report.triangles, peakMb: rssMb('VmHWM') - baseMb, seconds, estimate }));
}

if (process.argv[2] === '--child') {
  await runOne(process.argv[3]);
} else {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(CASES);
  console.log('| case | triangles | peak MB measured / estimated | s measured / estimated |\n|---|---|---|---|');
  for (const name of names) {
    if (!CASES[name]) throw new Error(`unknown case ${name}; one of ${Object.keys(CASES).join(', ')}`);
    const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name], { encoding: 'utf8' });
    const r = JSON.parse(line.trim().split('\n').pop() as string) as {
      triangles: number;
      peakMb: number;
      seconds: number;
      estimate: WorkEstimate;
    };
    console.log(`| ${name} | ${r.triangles} | ${r.peakMb} / ${r.estimate.memoryMb} | ${r.seconds.toFixed(1)} / ${r.estimate.seconds} |`);
  }
}
