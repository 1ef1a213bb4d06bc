/**
 * `npm run bench:colour` (issue 17): how close does a colour relief come to the photo? For each
 * colour photo of the corpus (used in place, never copied) and 2, 4 and 6 filaments, the relief is
 * planned and built (100 mm wide at 0.2 mm, 0.08 mm layers, 0.48 mm base, 1.92 mm of relief) twice:
 * with the optimised swap layers and with equal-height swaps (the naive baseline). The predicted
 * print is rendered from the built height field and the filament data (stack-colour.ts) and
 * compared to the source picture at the same grid: mean CIEDE2000 over every sample.
 * Writes bench/results/colour.json. COLOUR_ONLY=<regex> runs a subset of the photos.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { parseFilament } from '../src/pipeline/colour/filaments.ts';
import type { Filament } from '../src/pipeline/colour/filaments.ts';
import type { RgbPlanes } from '../src/pipeline/colour/swap-plan.ts';
import { buildColourRelief } from '../src/pipeline/modes/colour-relief.ts';
import { triangulateGrid } from '../src/pipeline/triangulate/grid.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = process.env.COLOUR_CORPUS ?? '/work/shared/corpus/images/real';
const RESULTS = join(ROOT, 'bench/results/colour.json');
const PHOTOS = [
  '2569067123_aca715a2ee_o.jpg',
  'flowers.jpeg',
  'Landscape_5.jpg',
  'Landscape_9.jpg',
  'Portrait_3.jpg',
  'Portrait_8.jpg',
  '4.webp',
  'Channel_digital_image_CMYK_color.jpg',
];
export const BENCH_PALETTES: Record<number, string[]> = {
  2: ['black', 'white'],
  4: ['black', 'blue', 'yellow', 'white'],
  6: ['black', 'blue', 'red', 'green', 'yellow', 'white'],
};
const WIDTH_MM = 100;
const PITCH_MM = 0.2;
const SETTINGS = { layerHeightMm: 0.08, baseMm: 0.48, reliefMm: 1.92, nozzleMm: 0.4, maxErrorMm: 0.05, maxTriangles: 5_000_000 };

async function readPlanes(path: string): Promise<RgbPlanes> {
  const width = Math.round(WIDTH_MM / PITCH_MM) + 1;
  const { data, info } = await sharp(path).rotate().resize({ width }).removeAlpha().toColourspace('srgb').raw().toBuffer({
    resolveWithObject: true,
  });
  const n = info.width * info.height;
  const planes: RgbPlanes = {
    width: info.width,
    height: info.height,
    r: new Float32Array(n),
    g: new Float32Array(n),
    b: new Float32Array(n),
  };
  for (let i = 0; i < n; i++) {
    planes.r[i] = data[i * info.channels] / 255;
    planes.g[i] = data[i * info.channels + 1] / 255;
    planes.b[i] = data[i * info.channels + 2] / 255;
  }
  return planes;
}

const only = process.env.COLOUR_ONLY ? new RegExp(process.env.COLOUR_ONLY) : undefined;
const rows: Array<Record<string, unknown>> = [];
const started = performance.now();
for (const photo of PHOTOS.filter((p) => !only || only.test(p))) {
  const picture = await readPlanes(join(CORPUS, photo));
  for (const [count, ids] of Object.entries(BENCH_PALETTES)) {
    const filaments = ids.map((id) => parseFilament(id) as Filament);
    const run = (method: 'optimised' | 'equal') => {
      const t0 = performance.now();
      const built = buildColourRelief(picture, PITCH_MM, triangulateGrid, { ...SETTINGS, filaments, method });
      return { built, ms: Math.round(performance.now() - t0) };
    };
    const optimised = run('optimised');
    const equal = run('equal');
    const row = {
      photo,
      filaments: Number(count),
      grid: `${picture.width}x${picture.height}`,
      optimisedDeltaE: round(optimised.built.meanDeltaE),
      equalSwapsDeltaE: round(equal.built.meanDeltaE),
      better: optimised.built.meanDeltaE < equal.built.meanDeltaE,
      optimisedSwaps: optimised.built.plan.swaps,
      equalSwaps: equal.built.plan.swaps,
      evaluations: optimised.built.plan.evaluations,
      optimisedMs: optimised.ms,
      equalMs: equal.ms,
    };
    rows.push(row);
    console.log(
      `${photo.padEnd(40)} ${count} filaments  ΔE00 optimised ${row.optimisedDeltaE.toFixed(2)}  equal swaps ${row.equalSwapsDeltaE.toFixed(2)}  ${row.better ? 'better' : 'NOT better'}  (${row.optimisedMs} ms, ${row.evaluations} plans)`,
    );
  }
}
const summary = {
  date: new Date().toISOString(),
  load: loadavg().map((l) => round(l)),
  settings: { widthMm: WIDTH_MM, pitchMm: PITCH_MM, ...SETTINGS, palettes: BENCH_PALETTES },
  allBetter: rows.every((r) => r.better),
  meanOptimised: round(mean(rows.map((r) => r.optimisedDeltaE as number))),
  meanEqualSwaps: round(mean(rows.map((r) => r.equalSwapsDeltaE as number))),
  totalS: round((performance.now() - started) / 1000),
  rows,
};
writeFileSync(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`all better: ${summary.allBetter}; mean ΔE00 ${summary.meanOptimised} vs ${summary.meanEqualSwaps}; wrote ${RESULTS}`);

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
