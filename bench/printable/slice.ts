/**
 * PrusaSlicer 2.5 headless for the benches (bench:printable, bench:slicer): installed from Debian when
 * missing, run one file at a time under /usr/bin/time so both wall and CPU seconds are kept. On a shared
 * machine the wall time is mostly waiting for a core; the CPU seconds bound what an idle one needs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRUSA_INI = fileURLToPath(new URL('./prusa.ini', import.meta.url));

export interface SliceResult {
  sliced: boolean;
  wallSeconds: number;
  cpuSeconds?: number;
  error?: string;
}

export function ensurePrusaSlicer(): string {
  const found = spawnSync('sh', ['-c', 'command -v prusa-slicer'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  console.error('prusa-slicer missing: apt-get install -y prusa-slicer');
  const install = spawnSync('apt-get', ['install', '-y', 'prusa-slicer'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (install.status !== 0) throw new Error('could not install prusa-slicer');
  return 'prusa-slicer';
}

export function prusaVersion(): string {
  // `dpkg-query -W name` prints "name<TAB>version".
  const out = spawnSync('dpkg-query', ['-W', 'prusa-slicer'], { encoding: 'utf8' });
  return out.stdout.trim().split('\t')[1] || 'unknown';
}

/**
 * Slices `stl` with bench/printable/prusa.ini into `work`. A run past `cpuLimitS` CPU seconds (all
 * threads; RLIMIT_CPU, so machine load does not kill it early) or `timeoutS` wall seconds is stopped.
 */
export function sliceStl(slicer: string, stl: string, work: string, timeoutS: number, cpuLimitS?: number): SliceResult {
  const gcode = join(work, 'out.gcode');
  const timeFile = join(work, 'time.txt');
  rmSync(gcode, { force: true });
  rmSync(timeFile, { force: true });
  const s0 = performance.now();
  const slice = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%U %S',
      '-o',
      timeFile,
      'timeout',
      String(timeoutS),
      ...(cpuLimitS ? ['prlimit', `--cpu=${cpuLimitS}`] : []),
      slicer,
      '--export-gcode',
      '--load',
      PRUSA_INI,
      '-o',
      gcode,
      stl,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const result: SliceResult = { sliced: slice.status === 0 && existsSync(gcode), wallSeconds: round((performance.now() - s0) / 1000, 2) };
  const cpu = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) : undefined;
  if (cpu && cpu.length === 2 && cpu.every(Number.isFinite)) result.cpuSeconds = round(cpu[0] + cpu[1], 2);
  if (!result.sliced) {
    const text = `${slice.stdout ?? ''}\n${slice.stderr ?? ''}`;
    // Past RLIMIT_CPU the kernel sends SIGXCPU, then SIGKILL; `timeout` passes on 128 + the signal.
    const cpuOut = cpuLimitS !== undefined && (slice.status === 128 + 24 || slice.status === 128 + 9);
    result.error =
      slice.status === 124
        ? `timeout after ${timeoutS} s wall`
        : cpuOut
          ? `stopped at ${cpuLimitS} CPU s`
          : slicerMessage(text, slice.status);
  }
  rmSync(gcode, { force: true });
  return result;
}

/** PrusaSlicer's own words: an exception's what(), else the last line that is no trace or progress line. */
function slicerMessage(text: string, status: number | null): string {
  const what = /what\(\):\s*(.+)/.exec(text)?.[1];
  const lines = text.split('\n').filter((l) => l.trim() && !/\[(trace|debug|info)\]/.test(l) && !/^\d+ =>/.test(l));
  return (what ?? lines.at(-1) ?? `exit ${status}`).trim().slice(0, 200);
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
