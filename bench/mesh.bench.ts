/**
 * `npm run bench`: the figures issue reports are made of, all measured in this one run.
 *  1. Triangulation: ours vs delatin vs @mapbox/martini vs the full grid (times as ratios to delatin).
 *  2. End to end, each case in its own process so its peak RSS is its own: a 1024² photo
 *     lithophane (full resolution and defaults), a 4096² 16-bit relief, the largest corpus photo
 *     as a 150 mm lithophane.
 *  3. Repair of 100k and 1M-triangle soups with holes (each in its own process).
 *  4. Preview rendering.
 * BENCH_ONLY=triangulate|pipeline|repair|preview runs one part.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchTriangulate, formatRows } from './triangulate.bench.ts';
import { benchPreview } from './preview.bench.ts';
import { benchRepair, formatRepairRows } from './repair.bench.ts';

const only = process.env.BENCH_ONLY;
const here = fileURLToPath(new URL('.', import.meta.url));

if (!only || only === 'triangulate') {
  console.log('## Triangulation (3 mm relief; times and triangles relative to delatin)\n');
  console.log(formatRows(await benchTriangulate()));
  console.log();
}

if (!only || only === 'pipeline') {
  console.log('## End to end (each case in its own process)\n');
  console.log('| case | warm ms | cold ms | triangles | full grid | achieved error mm | STL MB | peak RSS MB | slowest stages (warm) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const name of ['photo-1024-lithophane-defaults', 'photo-1024-lithophane', 'largest-photo-150mm', 'terrain-4096-relief']) {
    const run = spawnSync(process.execPath, [`${here}pipeline-case.ts`, name], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.log(`| ${name} | failed: ${(run.stderr || run.stdout).trim().split('\n').pop()} |`);
      continue;
    }
    const r = JSON.parse(line);
    const slowest = Object.entries(r.stagesMs as Record<string, number>)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([s, ms]) => `${s} ${Math.round(ms)}`)
      .join(', ');
    console.log(
      `| ${name} | ${r.ms} | ${r.coldMs} | ${r.triangles} | ${r.fullGridTriangles} | ${r.achievedMaxErrorMm} | ${r.stlMB} | ${r.peakRssMb} | ${slowest} |`,
    );
  }
  console.log();
}

if (!only || only === 'repair') {
  console.log('## Repair (soups with punched holes; repair + validate)\n');
  console.log(formatRepairRows(benchRepair()));
  console.log();
}

if (!only || only === 'preview') {
  console.log('## Preview render (800x600, 2x supersampled)\n');
  console.log('| triangles | render ms | PNG ms | PNG bytes |');
  console.log('|---|---|---|---|');
  for (const r of benchPreview()) console.log(`| ${r.triangles} | ${r.renderMs.toFixed(0)} | ${r.pngMs.toFixed(0)} | ${r.pngBytes} |`);
}
