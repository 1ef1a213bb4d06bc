/** The CLI's progress bar only moves forward and reaches 100% only when the files are written. */
import { describe, expect, it } from 'vitest';
import { createProgressBar, createStagedProgress } from '../../src/cli/progress.ts';

function recorder() {
  const writes: string[] = [];
  const stream = { write: (s: string) => (writes.push(s), true), isTTY: true } as unknown as NodeJS.WriteStream;
  const percents = () =>
    writes
      .map((w) => /(\d+)%/.exec(w)?.[1])
      .filter((p): p is string => p !== undefined)
      .map(Number);
  return { stream, percents };
}

describe('CLI progress', () => {
  it('never shows 100% before the files are written, and never goes backwards', () => {
    const { stream, percents } = recorder();
    const progress = createStagedProgress(createProgressBar(stream, true));
    progress.pipeline('decode', 0);
    progress.pipeline('export', 80);
    progress.pipeline('report', 100);
    progress.writing();
    progress.pipeline('late event', 40);
    progress.done();
    const seen = percents();
    expect(seen.at(-1)).toBe(100);
    expect(seen.slice(0, -1).every((p) => p < 100)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });
});
