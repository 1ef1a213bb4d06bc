/**
 * `npm run bench:load`: N users (LOAD_USERS, default 20) creating small lithophane jobs and polling
 * them for M minutes (LOAD_MINUTES, default 2) against the real server on loopback; POOL_SIZE and
 * LOAD_POLL_MS override the pool and the poll interval. Prints a markdown table; exits 1 on any 5xx,
 * network error or credit drift. See bench/load.ts for what is measured and how it stays bounded.
 */
import { formatReport, LOAD_DEFAULTS, runLoad } from './load.ts';

const num = (key: string, fallback: number) => {
  const raw = process.env[key];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key} must be a positive number, not "${raw}"`);
  return n;
};

const report = await runLoad({
  users: Math.min(200, Math.round(num('LOAD_USERS', LOAD_DEFAULTS.users))),
  durationMs: Math.min(60, num('LOAD_MINUTES', LOAD_DEFAULTS.durationMs / 60_000)) * 60_000,
  pollMs: num('LOAD_POLL_MS', LOAD_DEFAULTS.pollMs),
  poolSize: Math.round(num('POOL_SIZE', LOAD_DEFAULTS.poolSize)),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(formatReport(report));
if (report.creditDriftJobs.length) console.log(`\njobs with ledger problems: ${report.creditDriftJobs.slice(0, 20).join(' ')}`);
const bad = report.errors5xx > 0 || report.networkErrors > 0 || report.creditDriftUsers > 0 || report.creditDriftJobs.length > 0;
process.exit(bad ? 1 : 0);
