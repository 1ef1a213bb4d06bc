/**
 * One end-to-end pipeline case, run in its own process so that its peak RSS (VmHWM) is its own.
 * Usage: node bench/pipeline-case.ts <case>   -> one JSON line on stdout.
 */
import { readFileSync, existsSync } from 'node:fs';
import sharp from 'sharp';
import { nodePipelineDeps } from '../src/node/pipeline-deps.ts';
import { resolveImageParams } from '../src/pipeline/params.ts';
import { runImagePipeline } from '../src/pipeline/run-pipeline.ts';
import { fractalTerrain } from './triangulate.bench.ts';

const PHOTO = new URL('../../shared/corpus/images/real/2569067123_aca715a2ee_o.jpg', import.meta.url);

function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function photoJpeg(size: number): Promise<Uint8Array> {
  if (!existsSync(PHOTO)) throw new Error('the corpus photo is absent');
  return new Uint8Array(await sharp(readFileSync(PHOTO)).resize(size, size, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer());
}

async function terrainPng16(size: number): Promise<Uint8Array> {
  const heights = fractalTerrain(size, 3);
  const samples = new Uint16Array(size * size);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.min(1, Math.max(0, heights[i])) * 65535);
  return new Uint8Array(
    await sharp(samples, { raw: { width: size, height: size, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer(),
  );
}

const CASES: Record<string, () => Promise<{ bytes: Uint8Array; params: Record<string, unknown> }>> = {
  // Decode -> STL + GLB + previews for a 1024 x 1024 photo, meshed at its full 1024 x 1024 resolution.
  'photo-1024-lithophane': async () => ({
    bytes: await photoJpeg(1024),
    params: { mode: 'lithophane', widthMm: 1023 * 0.2, formats: ['stl', 'glb'], previews: true },
  }),
  // The same photo with default settings (100 mm wide at 0.2 mm).
  'photo-1024-lithophane-defaults': async () => ({
    bytes: await photoJpeg(1024),
    params: { mode: 'lithophane', formats: ['stl', 'glb'], previews: true },
  }),
  // A 4096 x 4096 16-bit terrain meshed at full resolution.
  'terrain-4096-relief': async () => ({
    bytes: await terrainPng16(4096),
    params: { mode: 'relief', widthMm: 4095 * 0.1, resolutionMm: 0.1, maxTriangles: 2_000_000, formats: ['stl'], previews: true },
  }),
  // The largest corpus photo as a 150 mm flat lithophane, defaults otherwise.
  'largest-photo-150mm': async () => {
    if (!existsSync(PHOTO)) throw new Error('the corpus photo is absent');
    return { bytes: new Uint8Array(readFileSync(PHOTO)), params: { mode: 'lithophane', widthMm: 150, formats: ['stl'], previews: true } };
  },
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const make = CASES[name];
  if (!make) throw new Error(`unknown case ${name}; one of ${Object.keys(CASES).join(', ')}`);
  const { bytes, params } = await make();
  const deps = await nodePipelineDeps();
  // A cold run first (what a fresh process pays, JIT included), then the warm run a long-lived
  // pool worker sees; the table reports both.
  const coldStart = performance.now();
  await runImagePipeline(bytes, resolveImageParams(params), deps);
  const coldMs = Math.round(performance.now() - coldStart);
  const started = performance.now();
  const result = await runImagePipeline(bytes, resolveImageParams(params), deps);
  // Serialise the STL as a host would, so its cost is counted.
  let stlBytes = 0;
  for (const a of result.artifacts) if (a.name === 'model.stl') for (const c of a.chunks()) stlBytes += c.byteLength;
  const ms = performance.now() - started;
  const r = result.report;
  process.stdout.write(
    `${JSON.stringify({
      case: name,
      ms: Math.round(ms),
      coldMs,
      triangles: r.triangles,
      fullGridTriangles: r.grid?.fullGridTriangles,
      achievedMaxErrorMm: r.achievedMaxErrorMm,
      stlMB: Math.round((stlBytes / 1e6) * 100) / 100,
      stagesMs: r.stagesMs,
      peakRssMb: peakRssMb(),
    })}\n`,
  );
}

await main();
