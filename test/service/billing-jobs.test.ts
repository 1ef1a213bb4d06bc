/**
 * Credits and jobs together, through the API with a real worker pool and a loopback Creem:
 *  - 50 parallel job creations against a balance that covers 10: exactly 10 accepted, 40 get 402.
 *  - The full purchase flow: 402 -> checkout -> Creem completes -> signed webhook -> credits -> a job spends them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { createWorkerPool } from '../../src/node/worker-pool.ts';
import { sumOfEntries } from '../../src/repositories/credits.ts';
import { startFakeCreem } from '../helpers/fake-creem.ts';
import type { FakeCreem } from '../helpers/fake-creem.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, gradientPng, insertUpload, jobsApp, postJob, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { TestApp } from './jobs-helpers.ts';

const SMALL = { widthMm: 20, resolutionMm: 0.5, formats: ['stl'], previews: false };

let creem: FakeCreem;
let infra: TestInfra;
let pool: JobExecutor;
let app: TestApp;
let jobs: JobsRuntime;
let png: Uint8Array;

beforeAll(async () => {
  creem = await startFakeCreem();
  infra = await createTestServices({
    SIGNUP_GRANT_CREDITS: '0',
    CREEM_API_KEY: creem.apiKey,
    CREEM_WEBHOOK_SECRET: creem.webhookSecret,
    CREEM_API_URL: creem.url,
    CREEM_PRODUCTS: 'pack-10=prod_pack10:10:pack,pack-100=prod_pack100:100:pack',
  });
  pool = createWorkerPool({ size: 1 });
  ({ app, jobs } = jobsApp(infra.services, pool));
  await jobs.runner.recover();
  jobs.runner.start();
  png = await gradientPng();
});

afterAll(async () => {
  await jobs?.runner.stop(1000);
  await pool?.close();
  await infra?.close();
  await creem?.close();
});

async function buy(cookie: string, product: string): Promise<void> {
  const res = await app.request('/api/v1/billing/checkout', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ product }),
  });
  expect(res.status).toBe(200);
  const { checkoutId } = (await res.json()) as { checkoutId: string };
  const event = creem.checkoutCompleted(creem.checkouts.find((c) => c.id === checkoutId)!);
  const body = JSON.stringify(event);
  const delivered = await app.request('/api/v1/webhooks/creem', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'creem-signature': await creem.sign(body) },
    body,
  });
  expect(delivered.status).toBe(200);
}

describe('credits under concurrency', () => {
  it('50 parallel job creations on a balance for 10: exactly 10 accepted, 40 get 402, balance ends at 0', async () => {
    const cookie = await signUp(app, 'parallel@example.com');
    const userId = await userIdOf(app, cookie);
    await buy(cookie, 'pack-10');
    expect(await balance(app, cookie)).toBe(10);
    const uploadId = await insertUpload(infra.services, userId, png);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postJob(app, cookie, { mode: 'lithophane', uploadId, params: SMALL })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    const refused = (await responses.find((r) => r.status === 402)!.json()) as { error: { code: string; details: { shortfall: number } } };
    expect(refused.error.code).toBe('insufficient_credits');
    expect(refused.error.details.shortfall).toBe(1);
    expect(await balance(app, cookie)).toBe(0);
    expect(await sumOfEntries(infra.services.db, userId)).toBe(0);
  });
});

describe('purchase flow', () => {
  it('402 -> checkout -> Creem completes -> signed webhook -> credits -> a job spends them', async () => {
    const cookie = await signUp(app, 'shopper@example.com');
    const userId = await userIdOf(app, cookie);
    const uploadId = await insertUpload(infra.services, userId, png);
    const broke = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: SMALL });
    expect(broke.status).toBe(402);

    await buy(cookie, 'pack-100');
    const credits = (await (await app.request('/api/v1/credits', { headers: { cookie } })).json()) as {
      balance: number;
      entries: Array<{ reason: string }>;
    };
    expect(credits.balance).toBe(100);
    expect(credits.entries[0].reason).toBe('purchase');

    const created = await postJob(app, cookie, { mode: 'lithophane', uploadId, params: SMALL });
    expect(created.status).toBe(201);
    const { job } = (await created.json()) as { job: { id: string; cost: number } };
    const done = await waitForStatus(app, cookie, job.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(await balance(app, cookie)).toBe(100 - job.cost);
    expect(done.artifacts?.map((a) => a.name)).toContain('model.stl');
  });
});

describe('configured prices', () => {
  it('PRICING_JSON sets what a job costs, shown by a dry run before anything is created', async () => {
    const priced = await createTestServices({
      SIGNUP_GRANT_CREDITS: '10',
      PRICING_JSON: JSON.stringify({ prices: { lithophane: { S: 3, M: 5, L: 8 } } }),
    });
    const runtime = jobsApp(priced.services, pool);
    try {
      const cookie = await signUp(runtime.app, 'priced@example.com');
      const uploadId = await insertUpload(priced.services, await userIdOf(runtime.app, cookie), png);
      const dry = await postJob(runtime.app, cookie, { mode: 'lithophane', uploadId, params: SMALL, dryRun: true });
      expect(dry.status).toBe(200);
      expect(((await dry.json()) as { cost: number }).cost).toBe(3);
      const big = await postJob(runtime.app, cookie, {
        mode: 'lithophane',
        uploadId,
        params: { ...SMALL, maxTriangles: 2_000_000 },
        dryRun: true,
      });
      expect(((await big.json()) as { cost: number }).cost).toBe(8);
      expect(await balance(runtime.app, cookie)).toBe(10);
      const pricing = (await (await runtime.app.request('/api/v1/pricing')).json()) as {
        modes: Array<{ mode: string; prices: Record<string, number> }>;
      };
      expect(pricing.modes.find((m) => m.mode === 'lithophane')!.prices).toEqual({ S: 3, M: 5, L: 8 });
    } finally {
      await priced.close();
    }
  });
});
