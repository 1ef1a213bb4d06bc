/**
 * The fuzz loop: for one target, generate inputs from consecutive case seeds until a case count
 * or a time budget runs out, run each, and record every case that
 *  - throws anything but a coded PipelineError/ServiceError (TypeError, RangeError, plain Error...),
 *  - breaks an invariant the target checks (it throws FuzzViolation),
 *  - takes longer than FUZZ_CASE_MS (default 2000 ms),
 *  - raises the process's peak RSS by more than FUZZ_CASE_MB (default 256 MB) in one case;
 * and a target fails when its whole run adds more than FUZZ_TARGET_MB (default 1024 MB) of RSS.
 * A failing input is written to test/fuzz/crashes/<target>-<caseSeed>.bin, which the regression
 * test (test/fuzz-smoke/crashes.test.ts) replays forever after; the report prints the case seed
 * and a hex dump of the first bytes. Reproduce one case with FUZZ_REPLAY=<target>:<caseSeed>.
 *
 * Parsers are synchronous, so a true infinite loop cannot be interrupted in-process: a watchdog
 * thread sees a case running longer than FUZZ_HANG_MS (default 15 s), saves its input to
 * test/fuzz/crashes/, prints the seed on stderr and kills the test process (the file fails).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../../src/pipeline/errors.ts';
import { ServiceError } from '../../../src/domain/errors.ts';
import { createRng, type Rng } from './prng.ts';

export const CRASH_DIR = fileURLToPath(new URL('../crashes/', import.meta.url));

export interface FuzzTarget<C = any> {
  name: string;
  /** Share of the time budget relative to the other targets of a run. */
  weight: number;
  setup(): Promise<C>;
  teardown?(ctx: C): Promise<void>;
  generate(rng: Rng, ctx: C): Uint8Array;
  /** Runs one input. Coded errors are fine; invariants broken are reported with FuzzViolation. A returned label (an HTTP status) is tallied. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a target may return nothing or a note
  run(input: Uint8Array, ctx: C): Promise<string | void> | string | void;
}

/** An input that produced a wrong answer without throwing (a 500, an index out of range...). */
export class FuzzViolation extends Error {
  override readonly name = 'FuzzViolation';
}

export interface FuzzFailure {
  target: string;
  caseSeed: number;
  kind: 'crash' | 'violation' | 'slow' | 'memory';
  message: string;
  input: Uint8Array;
  file?: string;
}

export interface FuzzReport {
  target: string;
  cases: number;
  elapsedMs: number;
  slowestMs: number;
  failures: FuzzFailure[];
  /** Coded errors (and HTTP answers) seen, by code: shows which paths the inputs reached. */
  codes: Record<string, number>;
}

const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 2000);
const CASE_RSS_MB = Number(process.env.FUZZ_CASE_MB ?? 256);
/** Resident memory a whole target run may add (a leak shows as steady growth across thousands of cases). */
const TARGET_RSS_MB = Number(process.env.FUZZ_TARGET_MB ?? 1024);

export function isCodedError(error: unknown): error is PipelineError | ServiceError {
  return (error instanceof PipelineError || error instanceof ServiceError) && typeof error.code === 'string' && error.code.length > 0;
}

/** Case seeds: distinct per target, consecutive per case, offset by FUZZ_SEED. */
export function caseSeedOf(target: string, baseSeed: number, i: number): number {
  let h = 2166136261;
  for (const ch of target) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h ^ Math.imul(baseSeed, 0x9e3779b1)) + i) >>> 0;
}

export function baseSeed(): number {
  const raw = process.env.FUZZ_SEED;
  return raw === undefined || raw === '' ? 1 : Number(raw) >>> 0;
}

export function hexPrefix(bytes: Uint8Array, n = 64): string {
  const hex = [...bytes.subarray(0, n)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = [...bytes.subarray(0, n)].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
  return `${hex}${bytes.length > n ? ' ...' : ''} |${text}| (${bytes.length} bytes)`;
}

const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 15_000);
const WATCHED_BYTES = 8 * 1024 * 1024;

/** Shared with the watchdog: [active, caseSeed, length] + start time + the input's bytes. */
interface Watchdog {
  meta: Int32Array;
  started: Float64Array;
  bytes: Uint8Array;
  worker: Worker;
}
let watchdog: Watchdog | undefined;

const WATCHDOG_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const meta = new Int32Array(workerData.shared, 0, 4);
const started = new Float64Array(workerData.shared, 16, 1);
const bytes = new Uint8Array(workerData.shared, 24);
let target = '?';
parentPort.on('message', (m) => { target = m.target; });
setInterval(() => {
  if (Atomics.load(meta, 0) !== 1 || Date.now() - started[0] < workerData.hangMs) return;
  const seed = Atomics.load(meta, 1) >>> 0;
  const input = bytes.slice(0, Atomics.load(meta, 2));
  fs.mkdirSync(workerData.dir, { recursive: true });
  const file = path.join(workerData.dir, target + '-' + seed + '.bin');
  fs.writeFileSync(file, input);
  fs.writeSync(2, '\\nFUZZ HANG: target ' + target + ' case seed ' + seed + ' (FUZZ_REPLAY=' + target + ':' + seed + ') ran longer than ' + workerData.hangMs + ' ms; input saved to ' + file + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 250).unref();
`;

function watch(target: string): Watchdog {
  if (!watchdog) {
    const shared = new SharedArrayBuffer(24 + WATCHED_BYTES);
    const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { shared, hangMs: HANG_MS, dir: CRASH_DIR } });
    worker.unref();
    watchdog = { meta: new Int32Array(shared, 0, 4), started: new Float64Array(shared, 16, 1), bytes: new Uint8Array(shared, 24), worker };
  }
  watchdog.worker.postMessage({ target });
  return watchdog;
}

function caseStarts(w: Watchdog | undefined, caseSeed: number, input: Uint8Array): void {
  if (!w) return;
  const n = Math.min(input.length, WATCHED_BYTES);
  w.bytes.set(input.subarray(0, n));
  Atomics.store(w.meta, 1, caseSeed | 0);
  Atomics.store(w.meta, 2, n);
  w.started[0] = Date.now();
  Atomics.store(w.meta, 0, 1);
}

function caseEnds(w: Watchdog | undefined): void {
  if (w) Atomics.store(w.meta, 0, 0);
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Runs one input and classifies what happened; undefined = fine. */
export async function runCase<C>(
  target: FuzzTarget<C>,
  ctx: C,
  input: Uint8Array,
  codes?: Record<string, number>,
): Promise<{ failure?: Omit<FuzzFailure, 'caseSeed' | 'target' | 'input'>; ms: number }> {
  const rssBefore = peakRssMb();
  const started = performance.now();
  // "Slow" is judged on CPU time: a loaded machine stretches wall time, not the work a case does.
  const cpuBefore = process.cpuUsage();
  let failure: Omit<FuzzFailure, 'caseSeed' | 'target' | 'input'> | undefined;
  try {
    const label = await target.run(input, ctx);
    if (codes && typeof label === 'string') codes[label] = (codes[label] ?? 0) + 1;
  } catch (error) {
    if (isCodedError(error)) {
      if (codes) codes[error.code] = (codes[error.code] ?? 0) + 1;
    } else if (error instanceof FuzzViolation) {
      failure = { kind: 'violation', message: error.message };
    } else {
      const e = error as Error;
      failure = {
        kind: 'crash',
        message: `${e?.name ?? typeof error}: ${e?.message ?? String(error)}\n${(e?.stack ?? '').split('\n').slice(1, 6).join('\n')}`,
      };
    }
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const grewMb = peakRssMb() - rssBefore;
  if (!failure && cpuMs > CASE_MS)
    failure = { kind: 'slow', message: `took ${cpuMs.toFixed(0)} ms of CPU, ${ms.toFixed(0)} ms wall (limit ${CASE_MS} ms of CPU)` };
  if (!failure && grewMb > CASE_RSS_MB)
    failure = { kind: 'memory', message: `peak RSS grew ${grewMb.toFixed(0)} MB in one case (limit ${CASE_RSS_MB} MB)` };
  return { failure, ms };
}

export interface FuzzRunOptions {
  /** Stop after this many cases... */
  maxCases?: number;
  /** ...or after this long, whichever comes first. */
  budgetMs?: number;
  /** Write failing inputs to test/fuzz/crashes/ (off for replays). */
  saveCrashes?: boolean;
}

export async function fuzzTarget<C>(target: FuzzTarget<C>, ctx: C, options: FuzzRunOptions): Promise<FuzzReport> {
  const seed = baseSeed();
  const maxCases = options.maxCases ?? Number.POSITIVE_INFINITY;
  const budgetMs = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const report: FuzzReport = { target: target.name, cases: 0, elapsedMs: 0, slowestMs: 0, failures: [], codes: {} };
  const signatures = new Map<string, number>();
  const w = watch(target.name);
  const rssAtStart = process.memoryUsage().rss / 2 ** 20;
  for (let i = 0; i < maxCases && performance.now() - started < budgetMs; i++) {
    const caseSeed = caseSeedOf(target.name, seed, i);
    const input = target.generate(createRng(caseSeed), ctx);
    caseStarts(w, caseSeed, input);
    const { failure, ms } = await runCase(target, ctx, input, report.codes);
    caseEnds(w);
    report.cases++;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (failure) {
      // Keep a few inputs per distinct failure (first line of the message).
      const signature = `${failure.kind}:${failure.message.split('\n')[0].replace(/\d+/g, 'N')}`;
      const seen = signatures.get(signature) ?? 0;
      signatures.set(signature, seen + 1);
      if (seen < 3) {
        const recorded: FuzzFailure = { ...failure, target: target.name, caseSeed, input };
        if (options.saveCrashes !== false) recorded.file = saveCrash(target.name, caseSeed, input);
        report.failures.push(recorded);
      }
    }
  }
  report.elapsedMs = performance.now() - started;
  const grewMb = process.memoryUsage().rss / 2 ** 20 - rssAtStart;
  if (grewMb > TARGET_RSS_MB) {
    report.failures.push({
      target: target.name,
      caseSeed: -1,
      kind: 'memory',
      message: `RSS grew ${grewMb.toFixed(0)} MB over ${report.cases} cases (limit ${TARGET_RSS_MB} MB): a leak?`,
      input: new Uint8Array(0),
    });
  }
  return report;
}

export function saveCrash(target: string, caseSeed: number, input: Uint8Array): string {
  mkdirSync(CRASH_DIR, { recursive: true });
  const file = join(CRASH_DIR, `${target}-${caseSeed}.bin`);
  writeFileSync(file, input);
  return file;
}

export function describeFailures(report: FuzzReport): string {
  return report.failures
    .map(
      (f) =>
        `[${report.target}] case seed ${f.caseSeed} (FUZZ_REPLAY=${report.target}:${f.caseSeed}) ${f.kind}: ${f.message}\n  input: ${hexPrefix(f.input)}${f.file ? `\n  saved: ${f.file}` : ''}`,
    )
    .join('\n\n');
}

export function summarize(report: FuzzReport): string {
  const codes = Object.entries(report.codes)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c}=${n}`)
    .join(' ');
  return `fuzz ${report.target}: ${report.cases} cases in ${(report.elapsedMs / 1000).toFixed(1)} s (slowest ${report.slowestMs.toFixed(0)} ms), ${report.failures.length} failures; ${codes}`;
}
