/**
 * `npm run bench:slicer` (issue 15): PrusaSlicer's time for each default picture preset of the catalog
 * (src/pipeline/catalog/modes.ts: flat, arc and cylinder lithophane, relief) on the corpus photos, beside
 * the same model (same parameters, same smoothing) meshed as a full grid (triangulate/grid.ts, every sample
 * a vertex, as bench/mesh.bench.ts's baseline), as a ratio of CPU seconds measured in one run so machine
 * load cancels. Plus the largest corpus photo as a 150 mm flat lithophane (the case issue 15 quotes:
 * 36 s vs 103 s, 0.35x before). Target: at most 0.25x the full grid's time.
 * The extrusion presets are left out: an extrusion is traced outlines, it has no grid to compare with.
 * PrusaSlicer 2.5 from Debian (installed when missing), bench/printable/prusa.ini, one slice at a time.
 * Prints a table; writes bench/results/slicer.json. SLICER_ONLY=<regex> runs a subset of case ids.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodePipelineDeps } from '../src/node/pipeline-deps.ts';
import { MODE_CATALOG } from '../src/pipeline/catalog/modes.ts';
import { resolveImageParams } from '../src/pipeline/params.ts';
import { runImagePipeline } from '../src/pipeline/run-pipeline.ts';
import { triangulateGrid } from '../src/pipeline/triangulate/grid.ts';
import type { Triangulator } from '../src/pipeline/triangulate/triangulator.ts';
import { ensurePrusaSlicer, prusaVersion, round, sliceStl } from './printable/slice.ts';
import type { SliceResult } from './printable/slice.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// SLICER_RESULTS=<file> writes elsewhere, so two subsets can run side by side and be merged.
const RESULTS = process.env.SLICER_RESULTS ?? join(ROOT, 'bench/results/slicer.json');
const PHOTOS = join(process.env.PRINTABLE_CORPUS ?? '/work/shared/corpus', 'images/real');
const LARGEST = '2569067123_aca715a2ee_o.jpg';
const SLICE_TIMEOUT_S = 900;
/**
 * The full grid's slice is stopped at this many CPU seconds (RLIMIT_CPU): a portrait photo as the 80 mm
 * lamp shade is a 335 mm tall cylinder, 8.4M triangles as a grid, which did not finish in 10 minutes at
 * load 15. A stopped grid still bounds the ratio from above (adaptive CPU / the grid's CPU so far).
 */
const GRID_CPU_LIMIT_S = 90;
const TARGET_RATIO = 0.25;
const ONLY = process.env.SLICER_ONLY ? new RegExp(process.env.SLICER_ONLY) : undefined;
/** Photographs (not flags, logos or test patterns): JPEG and WebP files of the corpus. */
const PHOTO_FILE = /\.(jpe?g|webp)$/i;

interface Case {
  id: string;
  file: string;
  params: Record<string, unknown>;
}

interface Side {
  triangles: number;
  slice: SliceResult;
}

interface Row {
  id: string;
  adaptive: Side;
  fullGrid: Side;
  /** Adaptive over full grid, CPU seconds (wall seconds beside it). */
  cpuRatio?: number;
  /** The grid was stopped (GRID_CPU_LIMIT_S or the wall timeout): the ratio is at most this. */
  cpuRatioAtMost?: number;
  wallRatio?: number;
}

function pictureCases(): Case[] {
  const presets = MODE_CATALOG.modes
    .filter((m) => m.mode === 'lithophane' || m.mode === 'relief')
    .flatMap((m) => m.presets.map((p) => ({ id: p.id, params: { mode: m.mode, ...p.fixed, ...p.defaults } })));
  const cases: Case[] = [
    { id: `${LARGEST} lithophane-flat 150 mm`, file: join(PHOTOS, LARGEST), params: { mode: 'lithophane', widthMm: 150 } },
  ];
  for (const name of readdirSync(PHOTOS)
    .filter((n) => PHOTO_FILE.test(n))
    .sort()) {
    for (const p of presets) cases.push({ id: `${name} ${p.id}`, file: join(PHOTOS, name), params: p.params });
  }
  return cases.filter((c) => !ONLY || ONLY.test(c.id));
}

const fullGrid: Triangulator = (heights, width, height) => triangulateGrid(heights, width, height);

async function buildStl(c: Case, triangulate: Triangulator | undefined, file: string): Promise<number> {
  const deps = await nodePipelineDeps();
  const params = resolveImageParams({ ...c.params, formats: ['stl'], previews: false });
  const result = await runImagePipeline(new Uint8Array(readFileSync(c.file)), params, triangulate ? { ...deps, triangulate } : deps);
  const stl = result.artifacts.find((a) => a.name === 'model.stl');
  if (!stl) throw new Error(`${c.id}: no STL`);
  writeFileSync(file, Buffer.concat([...stl.chunks()]));
  return result.report.triangles;
}

async function main(): Promise<void> {
  const slicer = ensurePrusaSlicer();
  const work = mkdtempSync(join(tmpdir(), 'bench-slicer-'));
  const loadBefore = loadavg();
  const cases = pictureCases();
  console.error(
    `bench:slicer: ${cases.length} cases, PrusaSlicer ${prusaVersion()}, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const rows: Row[] = [];
  const write = (complete: boolean) => {
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const cpuRatios = rows.map((r) => r.cpuRatio).filter((r): r is number => r !== undefined);
    const bounds = rows.map((r) => r.cpuRatioAtMost).filter((r): r is number => r !== undefined);
    const results = {
      date: new Date().toISOString(),
      complete,
      prusaSlicer: prusaVersion(),
      profile: 'bench/printable/prusa.ini',
      loadAverage: { before: loadBefore.map((l) => round(l, 2)), now: loadavg().map((l) => round(l, 2)) },
      note: 'ratio = adaptive / full grid slicer CPU seconds of the same model in one run; the machine is shared (2 cores), wall seconds are inflated',
      targetRatio: TARGET_RATIO,
      summary: {
        cases: rows.length,
        measured: cpuRatios.length,
        atOrUnderTarget: cpuRatios.filter((r) => r <= TARGET_RATIO).length,
        /** Cases whose grid was stopped at GRID_CPU_LIMIT_S: only an upper bound of the ratio is known. */
        bounded: bounds.length,
        boundedAtOrUnderTarget: bounds.filter((r) => r <= TARGET_RATIO).length,
        worstCpuRatio: cpuRatios.length ? Math.max(...cpuRatios) : null,
        medianCpuRatio: cpuRatios.length ? [...cpuRatios].sort((a, b) => a - b)[Math.floor(cpuRatios.length / 2)] : null,
      },
      rows,
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  };
  try {
    for (const c of cases) {
      const stl = join(work, 'model.stl');
      const adaptiveTriangles = await buildStl(c, undefined, stl);
      const adaptive = { triangles: adaptiveTriangles, slice: sliceStl(slicer, stl, work, SLICE_TIMEOUT_S) };
      const gridTriangles = await buildStl(c, fullGrid, stl);
      const grid = { triangles: gridTriangles, slice: sliceStl(slicer, stl, work, SLICE_TIMEOUT_S, GRID_CPU_LIMIT_S) };
      const row: Row = { id: c.id, adaptive, fullGrid: grid };
      if (adaptive.slice.sliced && adaptive.slice.cpuSeconds && grid.slice.cpuSeconds) {
        const ratio = round(adaptive.slice.cpuSeconds / grid.slice.cpuSeconds, 3);
        if (grid.slice.sliced) row.cpuRatio = ratio;
        else if (/^(stopped|timeout)/.test(grid.slice.error ?? '')) row.cpuRatioAtMost = ratio;
      }
      if (adaptive.slice.sliced && grid.slice.sliced) row.wallRatio = round(adaptive.slice.wallSeconds / grid.slice.wallSeconds, 3);
      rows.push(row);
      write(false);
      console.error(
        `${c.id}: adaptive ${adaptive.triangles} tris ${adaptive.slice.cpuSeconds} cpu s (${adaptive.slice.wallSeconds} wall), full grid ${grid.triangles} tris ${grid.slice.cpuSeconds} cpu s (${grid.slice.wallSeconds} wall), ratio ${row.cpuRatio ?? (row.cpuRatioAtMost !== undefined ? `<= ${row.cpuRatioAtMost}` : undefined)}${adaptive.slice.error ? ` adaptive: ${adaptive.slice.error}` : ''}${grid.slice.error ? ` grid: ${grid.slice.error}` : ''}`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log('| case | triangles (adaptive / grid) | slicer CPU s adaptive | full grid | ratio (CPU) | ratio (wall) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.id} | ${r.adaptive.triangles} / ${r.fullGrid.triangles} | ${r.adaptive.slice.cpuSeconds ?? ''} | ${r.fullGrid.slice.cpuSeconds ?? ''}${r.fullGrid.slice.sliced ? '' : ' (stopped)'} | ${r.cpuRatio ?? (r.cpuRatioAtMost !== undefined ? `<= ${r.cpuRatioAtMost}` : '')} | ${r.wallRatio ?? ''} |`,
    );
  }
  write(true);
  console.error(`wrote ${RESULTS}`);
}

await main();
