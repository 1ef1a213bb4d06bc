/**
 * One vitest test per target, shared by the time-budgeted fuzz run (test/fuzz/*.fuzz.ts, npm run
 * test:fuzz) and the smoke run in npm test (test/fuzz-smoke/, fixed case counts).
 *
 * Time budget: FUZZ_SECONDS (default 60) is the total for ALL targets of the fuzz run, shared by
 * weight (TARGET_WEIGHTS). FUZZ_SEED (default 1) moves every case seed; FUZZ_REPLAY=<target>:<caseSeed>
 * runs that one case and prints its input.
 */
import { expect, it } from 'vitest';
import { createRng } from './prng.ts';
import { describeFailures, fuzzTarget, hexPrefix, runCase, summarize, type FuzzTarget } from './harness.ts';

/** Weights of every target of the fuzz run (the budget is split over all of them). */
export const TARGET_WEIGHTS: Record<string, number> = {
  sniff: 1,
  stl: 3,
  obj: 3,
  ply: 3,
  threemf: 3,
  glb: 3,
  'read-mesh': 2,
  'image-header': 2,
  'image-decode': 3,
  multipart: 2,
  'upload-route': 3,
  'jobs-json': 2,
  'checkout-json': 1,
  'webhook-json': 2,
  params: 1,
};

export function budgetMsFor(target: string): number {
  const total = Object.values(TARGET_WEIGHTS).reduce((a, b) => a + b, 0);
  const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
  return (seconds * 1000 * (TARGET_WEIGHTS[target] ?? 1)) / total;
}

export interface SuiteOptions {
  /** Smoke: a fixed number of cases per target (by name), no time budget. */
  casesPerTarget?: Record<string, number>;
}

export function fuzzSuite(targets: Array<FuzzTarget<any>>, options: SuiteOptions = {}): void {
  const replay = process.env.FUZZ_REPLAY ? process.env.FUZZ_REPLAY.split(':') : undefined;
  for (const target of targets) {
    if (replay && replay[0] !== target.name) continue;
    const cases = options.casesPerTarget?.[target.name];
    if (options.casesPerTarget && cases === undefined) throw new Error(`fuzzSuite: no case count for ${target.name}`);
    const budget = cases === undefined ? budgetMsFor(target.name) : undefined;
    const timeout = (budget ?? 30_000) + 120_000;
    it(
      `${target.name} ${budget === undefined ? `(${cases} cases)` : `(${(budget / 1000).toFixed(1)} s)`}: only coded errors, bounded time and memory`,
      async () => {
        const ctx = await target.setup();
        try {
          if (replay) {
            const caseSeed = Number(replay[1]);
            const input = target.generate(createRng(caseSeed), ctx);
            console.log(`replay ${target.name}:${caseSeed}: ${hexPrefix(input, 256)}`);
            const { failure, ms } = await runCase(target, ctx, input);
            console.log(failure ? `${failure.kind}: ${failure.message}` : `fine (${ms.toFixed(0)} ms)`);
            expect(failure?.message).toBeUndefined();
            return;
          }
          const report = await fuzzTarget(target, ctx, { maxCases: cases, budgetMs: budget });
          console.log(summarize(report));
          expect(report.cases).toBeGreaterThan(0);
          expect(report.failures.length, describeFailures(report)).toBe(0);
        } finally {
          await target.teardown?.(ctx);
        }
      },
      timeout,
    );
  }
}
