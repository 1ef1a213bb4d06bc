/**
 * `npm run bench:cli`: CLI start-up and a small job, before against after the move to Node 24, in one run.
 *   before: the system Node 20 with the tsx loader (bench/cli-baseline-entry.mjs, the old bin entry)
 *   after:  bin/image-to-stl.js under this Node (24 through npm), type stripping + compile cache
 * Commands: `--help`, and a 512² relief of a generated sine-pattern PNG. Each (variant, command) runs
 * N times after one untimed warm-up per variant (it fills the Node 24 compile cache and tsx's cache),
 * alternating variants run by run so load drift hits both. Wall = performance.now() around spawnSync;
 * CPU (user+sys) and peak RSS of the child come from /usr/bin/time (10 ms resolution; wall only
 * without it). Prints a markdown table and ratios; writes the figures to bench/results/cli.json.
 * CLI_BENCH_RUNS_HELP (7) and CLI_BENCH_RUNS_RELIEF (3) override the run counts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AFTER_ENTRY = join(ROOT, 'bin/image-to-stl.js');
const BEFORE_ENTRY = join(ROOT, 'bench/cli-baseline-entry.mjs');
const RESULTS = join(ROOT, 'bench/results/cli.json');
const TIME = '/usr/bin/time';
const HAS_TIME = existsSync(TIME);
const HELP_TARGET_MS = 150;
const runsFrom = (name: string, fallback: number) => Math.max(1, Number(process.env[name] ?? fallback) || fallback);

interface Variant {
  name: 'before' | 'after';
  node: string;
  entry: string;
  version: string;
}
interface Command {
  name: string;
  args: string[];
  runs: number;
}
interface Row {
  command: string;
  variant: string;
  runtime: string;
  nodeVersion: string;
  runs: number;
  wallMs: { min: number | null; median: number | null; max: number | null };
  cpuMedianMs: number | null;
  peakRssMb: number | null;
}
interface Ratio {
  command: string;
  wallMedian: number | null;
  cpuMedian: number | null;
}
interface Sample {
  wallMs: number;
  cpuMs: number | null;
  rssMb: number | null;
}

/** Paths inside the project are written relative to it, so the committed JSON holds no checkout path. */
const shown = (path: string) => (path.startsWith(ROOT) ? relative(ROOT, path) : path);
const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);
const nodeVersion = (node: string) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();

/** The first `node` on PATH outside the project's node_modules, else the usual system locations. */
function findSystemNode(): string | null {
  const projectModules = real(join(ROOT, 'node_modules')) + sep;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [...dirs.map((dir) => join(dir, 'node')), '/usr/bin/node', '/usr/local/bin/node'];
  for (const candidate of candidates) {
    if (!existsSync(candidate) || real(candidate).startsWith(projectModules) || candidate.startsWith(projectModules)) continue;
    return candidate;
  }
  return null;
}

function run(variant: Variant, command: Command): Sample & { stdout: string } {
  const timeFile = join(workDir, 'time.txt');
  const target = [variant.node, variant.entry, ...command.args];
  const [file, ...args] = HAS_TIME ? [TIME, '-f', '%U %S %M', '-o', timeFile, ...target] : target;
  const start = performance.now();
  const result = spawnSync(file, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  if (result.error || result.status !== 0) {
    const reason = result.error?.message ?? `exit status ${result.status}${result.signal ? ` (${result.signal})` : ''}`;
    throw new Error(`${variant.name} ${command.name} failed: ${reason}\n${result.stderr}`);
  }
  if (!HAS_TIME) return { wallMs, cpuMs: null, rssMb: null, stdout: result.stdout };
  const [user, system, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallMs, cpuMs: (user + system) * 1000, rssMb: rssKb / 1024, stdout: result.stdout };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));
const show = (value: number | null, digits = 0) => (value === null ? 'n/a' : value.toFixed(digits));

const workDir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
try {
  const after: Variant = { name: 'after', node: process.execPath, entry: AFTER_ENTRY, version: process.version };
  const systemNode = findSystemNode();
  const systemVersion = systemNode ? nodeVersion(systemNode) : '';
  const baselineFound = systemNode !== null && real(systemNode) !== real(process.execPath) && systemVersion !== process.version;
  const before: Variant = baselineFound
    ? { name: 'before', node: systemNode, entry: BEFORE_ENTRY, version: systemVersion }
    : { name: 'before', node: process.execPath, entry: BEFORE_ENTRY, version: process.version };
  const notes: string[] = [];
  if (!baselineFound) notes.push(`No system Node other than ${process.version} found: "before" is the same Node plus tsx.`);
  if (!HAS_TIME) notes.push(`${TIME} not found: CPU time and peak RSS are not measured.`);

  // A smooth, deterministic 512² greyscale picture: a product of sines plus a radial ripple.
  const size = 512;
  const pixels = Buffer.alloc(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2, y - size / 2);
      const v = 0.5 + 0.3 * Math.sin(x / 23) * Math.cos(y / 31) + 0.2 * Math.sin(r / 11);
      pixels[y * size + x] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  const png = join(workDir, 'relief-512.png');
  await sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toFile(png);

  const commands: Command[] = [
    { name: '--help', args: ['--help'], runs: runsFrom('CLI_BENCH_RUNS_HELP', 7) },
    {
      name: 'relief 512²',
      args: [png, '-o', join(workDir, 'out.stl'), '--mode', 'relief', '--quiet'],
      runs: runsFrom('CLI_BENCH_RUNS_RELIEF', 3),
    },
  ];

  // Untimed warm-up: the first Node 24 run fills the compile cache, the first tsx run its transform cache.
  const helpText = [before, after].map((variant) => run(variant, commands[0]).stdout);
  for (const variant of [before, after]) run(variant, commands[1]);
  const helpIdentical = helpText[0] === helpText[1];

  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  for (const command of commands) {
    const samples: Record<string, Sample[]> = { before: [], after: [] };
    for (let i = 0; i < command.runs; i++) {
      const order = i % 2 === 0 ? [before, after] : [after, before];
      for (const variant of order) samples[variant.name].push(run(variant, command));
    }
    const stats: Record<string, { wallMedian: number; cpuMedian: number | null }> = {};
    for (const variant of [before, after]) {
      const list = samples[variant.name];
      const walls = list.map((s) => s.wallMs);
      const cpu = HAS_TIME ? median(list.map((s) => s.cpuMs!)) : null;
      const rss = HAS_TIME ? Math.max(...list.map((s) => s.rssMb!)) : null;
      stats[variant.name] = { wallMedian: median(walls), cpuMedian: cpu };
      rows.push({
        command: command.name,
        variant: variant.name,
        runtime: variant.name === 'before' ? 'tsx loader' : 'type stripping + compile cache',
        nodeVersion: variant.version,
        runs: command.runs,
        wallMs: { min: round(Math.min(...walls)), median: round(median(walls)), max: round(Math.max(...walls)) },
        cpuMedianMs: round(cpu, 0),
        peakRssMb: round(rss),
      });
    }
    const cpuRatio = HAS_TIME ? stats.after.cpuMedian! / stats.before.cpuMedian! : null;
    ratios.push({
      command: command.name,
      wallMedian: round(stats.after.wallMedian / stats.before.wallMedian, 2),
      cpuMedian: round(cpuRatio, 2),
    });
  }
  const helpAfterMedian = rows.find((row) => row.command === '--help' && row.variant === 'after')!.wallMs.median!;

  console.log(
    `\nCLI, before (${before.version} + tsx) against after (${after.version} native), ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}`,
  );
  console.log('One untimed warm-up run per variant and command first (fills the Node 24 compile cache and the tsx cache).');
  for (const note of notes) console.log(note);
  console.log('\n| command | variant | node version | runs | wall min / median / max ms | cpu median ms | peak RSS MB |');
  console.log('|---|---|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const wall = `${show(r.wallMs.min)} / ${show(r.wallMs.median)} / ${show(r.wallMs.max)}`;
    const label = `${r.variant} (${r.runtime})`;
    console.log(`| ${r.command} | ${label} | ${r.nodeVersion} | ${r.runs} | ${wall} | ${show(r.cpuMedianMs)} | ${show(r.peakRssMb)} |`);
  }
  console.log('');
  for (const r of ratios)
    console.log(`${r.command}: after/before wall median ${show(r.wallMedian, 2)}, CPU median ${show(r.cpuMedian, 2)}`);
  const underTarget = helpAfterMedian < HELP_TARGET_MS;
  console.log(
    `--help median wall (after) ${show(helpAfterMedian)} ms: ${underTarget ? 'under' : 'NOT under'} the ${HELP_TARGET_MS} ms target`,
  );
  console.log(`--help output of both variants: ${helpIdentical ? 'identical' : 'DIFFERENT'}`);

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const json = {
    date: new Date().toISOString(),
    cpu: `${cpus().length}× ${cpus()[0]?.model ?? 'unknown'}`,
    before: { node: shown(before.node), version: before.version, entry: 'bench/cli-baseline-entry.mjs', systemNodeFound: baselineFound },
    after: { node: shown(after.node), version: after.version, entry: 'bin/image-to-stl.js' },
    cpuAndRssFrom: HAS_TIME ? TIME : null,
    warmUp: 'one untimed run per variant and command',
    rows,
    ratios,
    help: { identical: helpIdentical, targetMs: HELP_TARGET_MS, afterMedianMs: helpAfterMedian, underTarget },
    notes,
  };
  writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nWrote ${RESULTS}`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
