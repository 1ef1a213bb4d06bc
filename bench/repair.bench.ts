/**
 * Repair bench: a tessellated sphere split into unwelded triangles (a soup, as STL stores it)
 * with holes punched in it, repaired and validated by manifold-3d. Each case runs in its own
 * child process so its peak memory (VmHWM from /proc/self/status) is its own.
 * Targets (issue): 1M triangles under 10 s and 2 GB peak. CPU time is printed beside wall time
 * because the machine is shared: at a load average of 12 on 2 cores wall time was 3-4x CPU time.
 * Measured (November 2026, CPU ms; wall ms at load ~9-12 in brackets), repair + validate:
 *   1M:   before 4,200 + 2,740 (14,000 + 7,400), 568 MB;  after 1,370-1,810 + 1,560-1,780 (3,000-4,900 + 4,000-6,500), 578-632 MB
 *   100k: before 470 + 330 (1,560 + 850), 181 MB;        after 320-350 + 210-220 (660-970 + 350-610), 183-214 MB
 * What changed: one edge topology per repair instead of 7 builds, no second edge count in
 * validation (repair-mesh.ts); the rest of validation is manifold-3d building the solid.
 *   node bench/repair.bench.ts           # table
 *   node bench/repair.bench.ts 1000000   # one case, JSON line
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sharedManifold } from '../wasm/manifold.ts';
import { repairMesh } from '../src/pipeline/repair/repair-mesh.ts';
import { validateSolid } from '../src/pipeline/validate.ts';
import { removeFaces, sphere, toSoup } from '../test/helpers/mesh-fixtures.ts';

export interface RepairBenchRow {
  triangles: number;
  holes: number;
  repairMs: number;
  validateMs: number;
  repairCpuMs: number;
  validateCpuMs: number;
  loadAverage: number;
  holesFilled: number;
  outTriangles: number;
  volumeError: number;
  peakMb: number;
}

const CASES = [100_000, 1_000_000];
const HOLES = 20;

async function runCase(target: number): Promise<RepairBenchRow> {
  // 2 * segments * (rings - 1) triangles with rings = segments / 2 + 1.
  const segments = Math.round(Math.sqrt(target));
  const solid = sphere(50, segments, Math.round(segments / 2) + 1);
  const faces = solid.indices.length / 3;
  // Punch holes: a 2 x 2-quad patch (8 triangles) at evenly spaced band positions.
  const removed: number[] = [];
  for (let h = 0; h < HOLES; h++) {
    const row = Math.round(((h + 1) / (HOLES + 1)) * (faces / (2 * segments) - 2));
    const base = segments + row * 2 * segments + ((h * 37) % (segments - 2)) * 2;
    for (let k = 0; k < 4; k++) removed.push(base + k, base + 2 * segments + k);
  }
  const soup = toSoup(removeFaces(solid, removed));
  const wasm = await sharedManifold();
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const t0 = performance.now(),
    c0 = cpu();
  const repaired = repairMesh(soup, wasm);
  const t1 = performance.now(),
    c1 = cpu();
  const check = validateSolid(repaired.mesh, wasm, 'validate', { edgeCheckedIndices: repaired.edgeCheckedIndices });
  const t2 = performance.now(),
    c2 = cpu();
  const exact = (4 / 3) * Math.PI * 50 ** 3;
  const status = readFileSync('/proc/self/status', 'utf8');
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    triangles: soup.indices.length / 3,
    holes: HOLES,
    repairMs: Math.round(t1 - t0),
    validateMs: Math.round(t2 - t1),
    repairCpuMs: Math.round(c1 - c0),
    validateCpuMs: Math.round(c2 - c1),
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
    holesFilled: repaired.log.holesFilled,
    outTriangles: check.triangles,
    volumeError: Math.abs(check.volumeMm3 - exact) / exact,
    peakMb: Math.round(peakKb / 1024),
  };
}

/** Runs every case in a child process; returns the rows. */
export function benchRepair(): RepairBenchRow[] {
  const self = fileURLToPath(import.meta.url);
  return CASES.map((n) => {
    const run = spawnSync(process.execPath, [self, String(n)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{'))
      throw new Error(`repair bench ${n}: ${(run.stderr || run.stdout).trim().split('\n').pop()}`);
    return JSON.parse(line) as RepairBenchRow;
  });
}

export function formatRepairRows(rows: RepairBenchRow[]): string {
  return [
    '| soup triangles | holes | repair ms (CPU) | validate ms (CPU) | load avg | holes filled | out triangles | volume error | peak RSS MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.triangles} | ${r.holes} | ${r.repairMs} (${r.repairCpuMs}) | ${r.validateMs} (${r.validateCpuMs}) | ${r.loadAverage} | ${r.holesFilled} | ${r.outTriangles} | ${(r.volumeError * 100).toFixed(3)}% | ${r.peakMb} |`,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (arg) console.log(JSON.stringify(await runCase(Number(arg))));
  else console.log(formatRepairRows(benchRepair()));
}
