/**
 * Harness for the AI provider tests: the real services and a real one-thread pool, a fake provider
 * on loopback named by environment (key + base URL), log lines captured, and checks that read the
 * stored STL back with our own reader and validateSolid.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { FakeProviderState, FakeServer } from '../helpers/fake-ai-server.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { createWorkerPool } from '../../src/node/worker-pool.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { readMesh } from '../../src/pipeline/import/read-mesh.ts';
import { validateSolid } from '../../src/pipeline/validate.ts';
import { weldExact } from '../../src/pipeline/repair/weld-exact.ts';
import { jobsRepository } from '../../src/repositories/jobs.ts';
import { createJsonLogger } from '../../src/services/logger.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { sharedManifold } from '../../wasm/manifold.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, gradientPng, insertUpload, jobsApp, postJob, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { JobBody, TestApp } from './jobs-helpers.ts';

export interface AiHarness {
  infra: TestInfra;
  app: TestApp;
  jobs: JobsRuntime;
  pool: JobExecutor;
  cookie: string;
  userId: string;
  logs: string[];
  /** Every response body the tests read, for the secret scan. */
  seen: string[];
  close(): Promise<void>;
}

/** Fast polls and backoff, loopback downloads allowed (http + private address) for 127.0.0.1 only. */
export const FAST_AI_ENV = {
  AI_POLL_MIN_MS: '20',
  AI_POLL_MAX_MS: '100',
  AI_RETRY_BASE_MS: '10',
  AI_RETRY_ATTEMPTS: '8',
  AI_JOB_TIMEOUT_MS: '8000',
  AI_RESULT_HOSTS: '127.0.0.1',
  AI_TEST_INSECURE_HOSTS: '127.0.0.1',
  PER_USER_CONCURRENCY: '20',
  SIGNUP_GRANT_CREDITS: '500',
  RATE_LIMIT_JOBS_PER_MINUTE: '10000',
};

export async function startAiHarness(env: Record<string, string>, email = 'ai-maker@example.com'): Promise<AiHarness> {
  const logs: string[] = [];
  const infra = await createTestServices({ ...FAST_AI_ENV, ...env }, { logger: createJsonLogger('debug', (line) => logs.push(line)) });
  const pool = createWorkerPool({ size: 1 });
  const { app, jobs } = jobsApp(infra.services, pool);
  await jobs.runner.recover();
  jobs.runner.start();
  const cookie = await signUp(app, email);
  const userId = await userIdOf(app, cookie);
  return {
    infra,
    app,
    jobs,
    pool,
    cookie,
    userId,
    logs,
    seen: [],
    async close() {
      await jobs.runner.stop(1000);
      await pool.close();
      await infra.close();
    },
  };
}

export async function imageUpload(h: AiHarness, seed = 0): Promise<string> {
  return insertUpload(h.infra.services, h.userId, await gradientPng(48 + seed, 32));
}

/** POSTs a job, expects 201, returns its id. */
export async function startJob(h: AiHarness, body: Record<string, unknown>): Promise<string> {
  const res = await postJob(h.app, h.cookie, body);
  const text = await res.text();
  h.seen.push(text);
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { job: JobBody }).job.id;
}

export async function settle(h: AiHarness, id: string, timeoutMs = 60_000): Promise<JobBody> {
  const job = await waitForStatus(h.app, h.cookie, id, ['succeeded', 'failed', 'cancelled'], timeoutMs);
  h.seen.push(JSON.stringify(job));
  const events = await h.app.request(`/api/v1/jobs/${id}/events`, { headers: { cookie: h.cookie } });
  h.seen.push(await events.text());
  return job;
}

export async function jobRow(h: AiHarness, id: string) {
  const row = await jobsRepository(h.infra.services.db).find(id);
  if (!row) throw new Error(`no job ${id}`);
  return row;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The stored STL read back with our reader: a closed solid of the asked size. */
export async function expectPrintableStl(h: AiHarness, jobId: string, size: { mm: number; axis: 'longest' | 'height' }): Promise<void> {
  const bytes = await h.infra.services.storage.get(storageKeys.artifact(h.userId, jobId, 'model.stl'));
  // STL is a triangle soup: weld bit-identical corners (what a slicer does), then check the solid.
  const { mesh } = weldExact((await readMesh(new Uint8Array(bytes))).mesh);
  const check = validateSolid(mesh, await sharedManifold());
  expect(check.volumeMm3).toBeGreaterThan(0);
  const dims = boxSize(boundingBox(mesh));
  const measured = size.axis === 'height' ? dims[2] : Math.max(...dims);
  expect(measured).toBeCloseTo(size.mm, 1);
  expect(boundingBox(mesh).min[2]).toBeCloseTo(0, 3);
}

/** Neither the key nor the provider's base URL (nor its host:port) in any response or log line. */
export function expectNoSecrets(h: AiHarness, secrets: string[]): void {
  const hay = [...h.seen, ...h.logs];
  expect(hay.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    const hits = hay.filter((line) => line.includes(secret));
    expect(hits, `"${secret}" leaked`).toEqual([]);
  }
}

/**
 * The file-wide lifecycle of a provider test: start the fake and a harness whose environment names
 * it, hand both to `use` (the test file's own variables), reset the fake's script before each test
 * and close both after the file.
 */
export function useFakeProvider<S extends FakeProviderState>(
  start: () => Promise<FakeServer<S>>,
  env: (fakeUrl: string) => Record<string, string>,
  email: string,
  use: (fake: FakeServer<S>, h: AiHarness) => void,
): void {
  let fake: FakeServer<S> | undefined;
  let h: AiHarness | undefined;
  beforeAll(async () => {
    fake = await start();
    h = await startAiHarness(env(fake.url), email);
    use(fake, h);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => fake?.state.reset());
}

/** A task that never finishes: the job fails provider_timeout, one cancel reaches the provider, the hold is refunded. */
export async function expectTimeoutCancelledAndRefunded(h: AiHarness, fake: FakeServer): Promise<void> {
  fake.state.reset({ outcome: { kind: 'never' } });
  const before = await balance(h.app, h.cookie);
  const job = await settle(h, await startJob(h, { mode: 'ai-image', uploadId: await imageUpload(h) }));
  expect(job.error?.code).toBe('provider_timeout');
  expect(fake.state.cancels).toBe(1);
  expect(await balance(h.app, h.cookie)).toBe(before);
}
