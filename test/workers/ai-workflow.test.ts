/**
 * AI jobs as a Workflow in workerd (src/worker-ai-workflow.ts): a real job row with its credit hold,
 * the loopback Meshy (test/helpers/fake-meshy.ts, through the isolate's fetch), the guarded download
 * of a GLB with real defects into R2, and the repair handed to a JobExecutor — here a scripted one
 * standing in for the Container, which imports the GLB with our own reader and counts its open
 * edges, so the defective bytes are shown to arrive intact. Sleeps are skipped by the introspector.
 */
import { env } from 'cloudflare:test';
import { introspectWorkflowInstance } from 'cloudflare:test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRequest, JobExecutor } from '../../src/jobs/executor.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { readMesh } from '../../src/pipeline/import/read-mesh.ts';
import { weldExact } from '../../src/pipeline/repair/weld-exact.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { composeAiWorkflowSteps } from '../../src/worker-ai-workflow.ts';
import type { FakeMeshyState } from '../helpers/fake-meshy.ts';
import { MESHY_TEST_KEY, startFakeMeshy } from '../helpers/fake-meshy.ts';
import type { FakeServer } from '../helpers/fake-ai-server.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, gradientPng, insertUpload, jobsApp, postJob, userIdOf } from '../service/jobs-helpers.ts';
import type { TestApp } from '../service/jobs-helpers.ts';
import { aiWorkflowHarness } from './ai-workflow-harness.ts';
import { aiGlb } from './ai-glb-fixtures.ts';
import { bindings } from './env.ts';

const STL = new TextEncoder().encode('solid repaired\nendsolid repaired\n');

/** The Container's part, scripted: reads the GLB as the repair would and reports what it found. */
function scriptedRepair(seen: ExecutionRequest[]): JobExecutor {
  return {
    capacity: 1,
    stats: () => ({ size: 1, busy: 0, queued: 0 }),
    close: async () => undefined,
    async execute(request) {
      seen.push(request);
      const imported = await readMesh(request.input);
      const { open } = countEdgeDefects(weldExact(imported.mesh).mesh);
      return {
        ok: true,
        report: { manifold: true, importedTriangles: imported.mesh.indices.length / 3, openEdgesBefore: open },
        artifacts: [{ name: 'model.stl', contentType: 'model/stl', bytes: STL }],
      };
    },
  };
}

/** Never reached: the Workflow, not the Node runner, runs these jobs (the runner is not started). */
const idleExecutor: JobExecutor = {
  capacity: 0,
  stats: () => ({ size: 0, busy: 0, queued: 0 }),
  close: async () => undefined,
  execute: async () => {
    throw new Error('the runner must not run AI jobs here');
  },
};

const AI_JOBS = (env as { AI_JOBS: { create(o: { id: string; params: unknown }): Promise<unknown> } }).AI_JOBS;

let meshy: FakeServer<FakeMeshyState>;
let infra: TestInfra;
let app: TestApp;
let jobs: JobsRuntime;
let cookie: string;
let userId: string;
const seen: ExecutionRequest[] = [];

beforeAll(async () => {
  meshy = await startFakeMeshy();
  infra = await createTestServices({
    MESHY_API_KEY: MESHY_TEST_KEY,
    MESHY_API_URL: meshy.url,
    AI_POLL_MIN_MS: '20',
    AI_POLL_MAX_MS: '100',
    AI_RETRY_BASE_MS: '10',
    AI_JOB_TIMEOUT_MS: '3000',
    // The fakes' origins are http://loopback-N.test (test/workers/loopback.ts).
    AI_RESULT_HOSTS: '*.test',
    AI_TEST_INSECURE_HOSTS: '*.test',
    SIGNUP_GRANT_CREDITS: '500',
  });
  ({ app, jobs } = jobsApp(infra.services, idleExecutor));
  Object.assign(aiWorkflowHarness(), { services: infra.services, executor: scriptedRepair(seen) });
  cookie = await signUp(app, 'workflow.maker@example.com');
  userId = await userIdOf(app, cookie);
});
afterAll(async () => {
  await jobs.runner.stop(100);
  await infra.close();
  await meshy.close();
});
beforeEach(() => {
  meshy.state.reset();
  seen.length = 0;
});

async function queueAiJob(): Promise<{ id: string; cost: number }> {
  const uploadId = await insertUpload(infra.services, userId, await gradientPng(48, 32));
  const res = await postJob(app, cookie, { mode: 'ai-image', uploadId, params: { sizeMm: 50 } });
  expect(res.status).toBe(201);
  const { job } = (await res.json()) as { job: { id: string; cost: number } };
  expect(job.cost).toBeGreaterThan(0);
  return job;
}

async function runWorkflow(jobId: string): Promise<unknown> {
  const instance = await introspectWorkflowInstance(AI_JOBS, jobId);
  try {
    await instance.modify(async (m) => m.disableSleeps());
    await AI_JOBS.create({ id: jobId, params: { jobId } });
    await instance.waitForStatus('complete');
    return await instance.getOutput();
  } finally {
    await instance.dispose();
  }
}

const row = (id: string) => infra.services.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const ledger = (id: string) =>
  infra.services.db.selectFrom('credit_entries').select(['reason', 'amount']).where('reference', '=', id).execute();

describe('AI job Workflow (workerd)', () => {
  it('creates the task, polls, downloads the defective GLB into R2, hands the repair to the executor, and captures the credits', async () => {
    const before = await balance(app, cookie);
    const job = await queueAiJob();
    expect(await balance(app, cookie)).toBe(before - job.cost);

    const t0 = Date.now();
    expect(await runWorkflow(job.id)).toEqual({ status: 'succeeded' });
    const firstMs = Date.now() - t0;

    const done = await row(job.id);
    expect(done).toMatchObject({ status: 'succeeded', credit_state: 'captured', provider: 'meshy' });
    expect(done.provider_task_id).toBeTruthy();
    expect(meshy.state.creates).toBe(1);
    expect(meshy.state.totalPolls()).toBeGreaterThanOrEqual(4); // queued, running twice, then done
    // The repair got the provider's GLB byte for byte, holes and all.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ jobId: job.id, mode: 'repair' });
    expect(seen[0].input).toEqual(await aiGlb('holes'));
    expect(JSON.parse(done.result!)).toMatchObject({ openEdgesBefore: 12, ai: { provider: 'meshy', mode: 'ai-image' } });
    // Outputs in R2 with their rows; the downloaded source removed once repaired.
    expect(await bindings.FILES.head(storageKeys.artifact(userId, job.id, 'model.stl'))).not.toBeNull();
    expect(await bindings.FILES.head(storageKeys.artifact(userId, job.id, 'ai-source.glb'))).toBeNull();
    const artifacts = await infra.services.db.selectFrom('artifacts').select('name').where('job_id', '=', job.id).execute();
    expect(artifacts.map((a) => a.name)).toEqual(['model.stl']);
    expect(await balance(app, cookie)).toBe(before - job.cost);
    expect((await ledger(job.id)).map((e) => e.reason)).toEqual(['job_hold']);

    // A second job in the same isolate: the warm figure beside the first (both with sleeps skipped).
    const second = await queueAiJob();
    const t1 = Date.now();
    expect(await runWorkflow(second.id)).toEqual({ status: 'succeeded' });
    console.log(`[ai-workflow] create -> complete in workerd: first job ${firstMs} ms, second ${Date.now() - t1} ms`);
  });

  it('a failed provider task fails the job and refunds it exactly once, however often the fail step runs', async () => {
    meshy.state.reset({ outcome: { kind: 'fail' } });
    const before = await balance(app, cookie);
    const job = await queueAiJob();

    expect(await runWorkflow(job.id)).toMatchObject({ status: 'failed' });
    const failed = await row(job.id);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'provider_failed', credit_state: 'refunded' });
    expect(seen).toHaveLength(0);

    // The engine may run a step again (a retry after a lost answer, a replay): two more runs of the
    // fail step, and the ledger still holds one refund.
    const steps = composeAiWorkflowSteps(infra.services, idleExecutor);
    for (let i = 0; i < 2; i++) await steps.fail(job.id, { code: 'provider_failed', message: 'again', stage: 'ai-generate' });
    const entries = await ledger(job.id);
    expect(entries.filter((e) => e.reason === 'job_hold')).toHaveLength(1);
    expect(entries.filter((e) => e.reason !== 'job_hold')).toHaveLength(1);
    expect(await balance(app, cookie)).toBe(before);
  });

  it('a task that never finishes is stopped at the AI time limit: provider_timeout, refunded', async () => {
    meshy.state.reset({ outcome: { kind: 'never' } });
    const before = await balance(app, cookie);
    const job = await queueAiJob();
    expect(await runWorkflow(job.id)).toMatchObject({ status: 'failed' });
    expect(await row(job.id)).toMatchObject({ status: 'failed', error_code: 'provider_timeout', credit_state: 'refunded' });
    expect(await balance(app, cookie)).toBe(before);
  });

  it('a retried create step makes no second provider task', async () => {
    const job = await queueAiJob();
    const steps = composeAiWorkflowSteps(infra.services, idleExecutor);
    expect(await steps.start(job.id)).toMatchObject({ run: true });
    const first = await steps.create(job.id);
    const again = await steps.create(job.id);
    expect(again).toEqual(first);
    expect(meshy.state.creates).toBe(1);
    await steps.fail(job.id, { code: 'provider_failed', message: 'test over', stage: 'ai-generate' });
  });
});
