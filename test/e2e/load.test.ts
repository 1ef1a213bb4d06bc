/**
 * The load run of `npm run bench:load`, short (20 s, 20 users): no 5xx, no network error, no credit
 * drift, jobs completing throughout, and the server's memory within bounds.
 */
import { expect, it } from 'vitest';
import { formatReport, runLoad } from '../../bench/load.ts';

it('20 users creating and polling jobs for 20 s: no 5xx, no credit drift, memory bounded', async () => {
  const report = await runLoad({ users: 20, durationMs: 20_000, drainMs: 30_000, rssEveryMs: 2000 });
  console.log(formatReport(report));
  expect(report.errors5xx).toBe(0);
  expect(report.networkErrors).toBe(0);
  expect(report.creditDriftUsers).toBe(0);
  expect(report.creditDriftJobs).toEqual([]);
  expect(report.jobsCreated).toBeGreaterThan(report.users);
  expect(report.jobsSucceeded).toBeGreaterThan(report.users);
  expect(report.jobsFailed).toBe(0);
  expect(report.polls).toBeGreaterThan(100);
  expect(report.pollP99Ms).toBeLessThan(2000);
  // Loose: a leak of the kind that matters (per job or per request) grows far past this in 20 s of load.
  expect(report.rssMb.max).toBeLessThan(2048);
}, 180_000);
