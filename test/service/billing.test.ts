/**
 * Billing end to end with the real `creem` SDK pointed at a loopback Creem, and webhook
 * deliveries signed exactly as Creem signs them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { AtomicBatch } from '../../src/repositories/atomic-batch.ts';
import { billingRepository } from '../../src/repositories/billing.ts';
import { balanceOf, sumOfEntries } from '../../src/repositories/credits.ts';
import { createBillingService } from '../../src/services/billing/billing-service.ts';
import { parseCatalog } from '../../src/services/billing/catalog.ts';
import { silentLogger } from '../../src/services/logger.ts';
import type { ServiceError } from '../../src/domain/errors.ts';
import { startFakeCreem } from '../helpers/fake-creem.ts';
import type { CreemEventBody, FakeCreem } from '../helpers/fake-creem.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { mulberry32 } from '../helpers/grids.ts';

let creem: FakeCreem;
let infra: TestInfra;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  creem = await startFakeCreem();
  infra = await createTestServices({
    CREEM_API_KEY: creem.apiKey,
    CREEM_WEBHOOK_SECRET: creem.webhookSecret,
    CREEM_API_URL: creem.url,
    CREEM_PRODUCTS: 'pack-100=prod_pack100:100:pack,plan-300=prod_plan300:300:plan',
    SIGNUP_GRANT_CREDITS: '0',
  });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
});
afterAll(async () => {
  await infra.close();
  await creem.close();
});

const json = (res: Response) => res.json() as Promise<any>;

async function deliver(event: CreemEventBody, signature?: string): Promise<Response> {
  const body = JSON.stringify(event);
  return app.request('/api/v1/webhooks/creem', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'creem-signature': signature ?? (await creem.sign(body)) },
    body,
  });
}

async function userIdOf(cookie: string): Promise<string> {
  const res = await app.request('/api/auth/get-session', { headers: { cookie } });
  return (await json(res)).user.id;
}

async function credits(cookie: string) {
  return json(await app.request('/api/v1/credits', { headers: { cookie } }));
}

async function startCheckout(cookie: string, product: string) {
  const res = await app.request('/api/v1/billing/checkout', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ product }),
  });
  expect(res.status).toBe(200);
  const body = await json(res);
  const checkout = creem.checkouts.find((c) => c.id === body.checkoutId)!;
  return { body, checkout };
}

describe('purchase flow', () => {
  it('checkout -> Creem completes -> signed webhook -> credits visible -> spent by a job', async () => {
    const cookie = await signUp(app, 'buyer@example.com');
    const userId = await userIdOf(cookie);
    const { body, checkout } = await startCheckout(cookie, 'pack-100');
    expect(body.url).toMatch(/^https:\/\/checkout\.creem\.test\//);
    const seen = creem.requests.find((r) => r.path === '/v1/checkouts' && (r.body as any).request_id === checkout.requestId)!;
    expect(seen.apiKey).toBe(creem.apiKey);
    expect(seen.body).toMatchObject({
      product_id: 'prod_pack100',
      customer: { email: 'buyer@example.com' },
      metadata: { userId, product: 'pack-100' },
    });
    expect((await credits(cookie)).balance).toBe(0);

    const event = creem.checkoutCompleted(checkout);
    const delivered = await deliver(event);
    expect(delivered.status).toBe(200);
    expect((await json(delivered)).duplicate).toBe(false);
    const after = await credits(cookie);
    expect(after.balance).toBe(100);
    expect(after.entries[0]).toMatchObject({ amount: 100, reason: 'purchase' });

    // Creem retries: the same event again changes nothing.
    const replay = await deliver(event);
    expect((await json(replay)).duplicate).toBe(true);
    expect((await credits(cookie)).balance).toBe(100);

    // A job spends them (through the credit rules the jobs service uses).
    await infra.services.credits.holdForJob(userId, 'job_flow', 7);
    expect((await credits(cookie)).balance).toBe(93);

    const csv = await app.request('/api/v1/credits/export.csv', { headers: { cookie } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('date,amount,reason,reference,id');
    expect(lines).toHaveLength(3);

    const portal = await app.request('/api/v1/billing/portal', { method: 'POST', headers: { cookie } });
    expect(portal.status).toBe(200);
    expect((await json(portal)).url).toBe(`https://portal.creem.test/cust_${userId}`);
  });

  it('a bad or missing signature is a 400 and grants nothing', async () => {
    const cookie = await signUp(app, 'forger@example.com');
    const { checkout } = await startCheckout(cookie, 'pack-100');
    const event = creem.checkoutCompleted(checkout);
    expect((await deliver(event, 'ab'.repeat(32))).status).toBe(400);
    const noSignature = await app.request('/api/v1/webhooks/creem', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(noSignature.status).toBe(400);
    expect((await json(noSignature)).error.code).toBe('webhook_signature_invalid');
    // Signed for a different body (amount tampered after signing).
    const signed = await creem.sign(JSON.stringify(event));
    const tampered = { ...event, object: { ...event.object, units: 50 } };
    expect((await deliver(tampered, signed)).status).toBe(400);
    expect((await credits(cookie)).balance).toBe(0);
  });

  it('unknown products and missing configuration answer clearly', async () => {
    const cookie = await signUp(app, 'curious@example.com');
    const res = await app.request('/api/v1/billing/checkout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"product":"gold"}',
    });
    expect(res.status).toBe(400);
    const portal = await app.request('/api/v1/billing/portal', { method: 'POST', headers: { cookie } });
    expect(portal.status).toBe(409);
    const pricing = await json(await app.request('/api/v1/pricing'));
    expect(pricing.products.map((p: { key: string }) => p.key)).toEqual(['pack-100', 'plan-300']);
    expect(pricing.modes.find((m: { mode: string }) => m.mode === 'ai-image').available).toBe(false);
  });
});

describe('plans, refunds and disputes', () => {
  it('a plan grants its credits each paid period, once per transaction, and stops after it ends', async () => {
    const cookie = await signUp(app, 'subscriber@example.com');
    const userId = await userIdOf(cookie);
    const sub = { id: 'sub_a', productId: 'prod_plan300', customerId: 'cust_sub_a', userId };
    const t0 = Date.now();
    const paid1 = creem.subscriptionEvent('subscription.paid', { ...sub, transactionId: 'tran_1' }, t0);
    await deliver(paid1);
    await deliver(creem.subscriptionEvent('subscription.paid', { ...sub, transactionId: 'tran_1' }, t0 + 5)); // another event, same transaction
    expect((await credits(cookie)).balance).toBe(300);
    await deliver(creem.subscriptionEvent('subscription.paid', { ...sub, transactionId: 'tran_2' }, t0 + 1000));
    expect((await credits(cookie)).balance).toBe(600);
    await deliver(creem.subscriptionEvent('subscription.canceled', sub, t0 + 2000));
    // A payment event dated after the cancellation grants nothing.
    await deliver(creem.subscriptionEvent('subscription.paid', { ...sub, transactionId: 'tran_3' }, t0 + 3000));
    const status = await credits(cookie);
    expect(status.balance).toBe(600);
    expect(status.billing.plan).toMatchObject({ key: 'plan-300', status: 'canceled' });
  });

  it('out of order: a cancellation delivered before an earlier payment still lets that payment grant', async () => {
    const cookie = await signUp(app, 'reorder@example.com');
    const userId = await userIdOf(cookie);
    const sub = { id: 'sub_b', productId: 'prod_plan300', customerId: 'cust_sub_b', userId };
    const t0 = Date.now();
    await deliver(creem.subscriptionEvent('subscription.canceled', sub, t0 + 2000));
    await deliver(creem.subscriptionEvent('subscription.paid', { ...sub, transactionId: 'tran_b1' }, t0));
    const status = await credits(cookie);
    expect(status.balance).toBe(300);
    expect(status.billing.plan.status).toBe('canceled');
  });

  it('a refund takes the credits back; one larger than the balance flags the account instead of going negative', async () => {
    const cookie = await signUp(app, 'refund@example.com');
    const userId = await userIdOf(cookie);
    const { checkout } = await startCheckout(cookie, 'pack-100');
    const order = { id: 'ord_refund_1', amount: 1000 };
    await deliver(creem.checkoutCompleted(checkout, order));
    await deliver(creem.refundCreated(order, 500, userId)); // half
    expect((await credits(cookie)).balance).toBe(50);
    await infra.services.credits.holdForJob(userId, 'job_r', 40);
    await deliver(creem.refundCreated(order, 500, userId)); // the other half: 50 wanted, 10 left
    const after = await credits(cookie);
    expect(after.balance).toBe(0);
    expect(after.billing.flagged).toBe(true);
    const blocked = await app.request('/api/v1/billing/checkout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"product":"pack-100"}',
    });
    expect(blocked.status).toBe(403);
  });

  it('a refund delivered before its purchase is settled when the purchase arrives', async () => {
    const cookie = await signUp(app, 'early-refund@example.com');
    const userId = await userIdOf(cookie);
    const { checkout } = await startCheckout(cookie, 'pack-100');
    const order = { id: 'ord_early', amount: 1000 };
    await deliver(creem.refundCreated(order, 1000, userId));
    await deliver(creem.checkoutCompleted(checkout, order));
    expect((await credits(cookie)).balance).toBe(0);
  });

  it('a dispute flags the account', async () => {
    const cookie = await signUp(app, 'dispute@example.com');
    const userId = await userIdOf(cookie);
    await deliver(creem.disputeCreated({ id: 'ord_disputed' }, userId));
    expect((await credits(cookie)).billing).toMatchObject({ flagged: true });
  });
});

describe('events about accounts that do not exist', () => {
  it('are kept as tombstones only: no payload, no credits', async () => {
    const event = creem.checkoutCompleted({
      id: 'ch_ghost',
      productId: 'prod_pack100',
      requestId: 'r',
      units: 1,
      email: 'ghost@example.com',
      metadata: { userId: 'deleted-or-unknown' },
      successUrl: '',
    });
    expect((await deliver(event)).status).toBe(200);
    const row = await infra.services.db.selectFrom('creem_events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(row.payload).not.toContain('ghost@example.com');
    expect(row.outcome).toBe('ignored: no such account');
    expect((await json(await deliver(event))).duplicate).toBe(true);
    const credited = await infra.services.db.selectFrom('credit_entries').selectAll().where('user_id', '=', 'deleted-or-unknown').execute();
    expect(credited).toHaveLength(0);
  });
});

describe('concurrent deliveries', () => {
  it('each event applies once, and refunds racing their purchases still take back exactly once', async () => {
    const cookie = await signUp(app, 'concurrent@example.com');
    const userId = await userIdOf(cookie);
    const events: CreemEventBody[] = [];
    for (let i = 0; i < 4; i++) {
      const { checkout } = await startCheckout(cookie, 'pack-100');
      const order = { id: `ord_conc${i}`, amount: 1000 };
      events.push(creem.checkoutCompleted(checkout, order));
      if (i < 2) events.push(creem.refundCreated(order, 500, userId)); // half of the first two orders
    }
    // The service over a batch that waits a moment before it runs, so concurrent deliveries decide
    // from reads that another's batch then makes stale (the window a slow D1 round trip opens).
    const { db, batch, config } = infra.services;
    const lagging: AtomicBatch = { run: (queries) => new Promise((r) => setTimeout(r, 3)).then(() => batch.run(queries)) };
    const billing = createBillingService(db, lagging, billingRepository(db), {
      catalog: parseCatalog(config.creemProducts),
      webhookSecret: creem.webhookSecret,
      baseUrl: config.baseUrl,
      clock: Date.now,
      logger: silentLogger,
    });
    const handle = async (event: CreemEventBody) => {
      const body = JSON.stringify(event);
      return billing.handleWebhook(body, await creem.sign(body));
    };
    // Every event three times, all at once.
    const answers = await Promise.all(events.flatMap((e) => [e, e, e]).map(handle));
    // Deliveries of one event are adjacent: exactly one of each three applied it.
    events.forEach((event, i) => {
      expect(
        answers.slice(3 * i, 3 * i + 3).filter((a) => !a.duplicate),
        event.id,
      ).toHaveLength(1);
    });

    expect(await balanceOf(db, userId)).toBe(4 * 100 - 2 * 50);
    expect(await sumOfEntries(db, userId)).toBe(300);
    const refunds = await db
      .selectFrom('credit_entries')
      .select('amount')
      .where('user_id', '=', userId)
      .where('reason', '=', 'refund')
      .execute();
    expect(refunds.map((r) => r.amount)).toEqual([-50, -50]);
    const rows = await db
      .selectFrom('creem_events')
      .select('processed_at')
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    expect(rows.every((r) => r.processed_at !== null)).toBe(true);
  });
});

describe('property: random interleavings', () => {
  it('balance = sum of entries >= 0; each event applied once; each job charged and refunded at most once', async () => {
    const rand = mulberry32(2026);
    const cookie = await signUp(app, 'chaos@example.com');
    const userId = await userIdOf(cookie);
    const { db, credits: creditRules } = infra.services;
    const delivered: CreemEventBody[] = [];
    const pending: CreemEventBody[] = [];
    const orders: Array<{ id: string; amount: number }> = [];
    const jobs = new Map<string, 'held' | 'refunded' | 'captured'>();

    for (let step = 0; step < 250; step++) {
      const r = rand();
      if (r < 0.15) {
        const res = await app.request('/api/v1/billing/checkout', {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: '{"product":"pack-100"}',
        });
        // Once a refund or dispute has flagged the account, no new purchase may start.
        const flagged = (await credits(cookie)).billing.flagged;
        expect(res.status).toBe(flagged ? 403 : 200);
        if (res.status !== 200) continue;
        const { checkoutId } = (await json(res)) as { checkoutId: string };
        const checkout = creem.checkouts.find((c) => c.id === checkoutId)!;
        const order = { id: `ord_p${step}`, amount: 1000 };
        orders.push(order);
        pending.push(creem.checkoutCompleted(checkout, order));
      } else if (r < 0.22) {
        pending.push(
          creem.subscriptionEvent('subscription.paid', {
            id: 'sub_p',
            productId: 'prod_plan300',
            customerId: 'c',
            userId,
            transactionId: `tran_p${step}`,
          }),
        );
      } else if (r < 0.27 && orders.length > 0) {
        pending.push(creem.refundCreated(orders[Math.floor(rand() * orders.length)], Math.ceil(rand() * 1000), userId));
      } else if (r < 0.29 && orders.length > 0) {
        pending.push(creem.disputeCreated(orders[Math.floor(rand() * orders.length)], userId));
      } else if (r < 0.45 && pending.length > 0) {
        // Deliver a random pending event (reordering).
        const [event] = pending.splice(Math.floor(rand() * pending.length), 1);
        expect((await deliver(event)).status).toBe(200);
        delivered.push(event);
      } else if (r < 0.52 && delivered.length > 0) {
        // Replay something already delivered.
        const res = await deliver(delivered[Math.floor(rand() * delivered.length)]);
        expect((await json(res)).duplicate).toBe(true);
      } else if (r < 0.56 && delivered.length > 0) {
        // A forged delivery.
        const event = delivered[Math.floor(rand() * delivered.length)];
        expect((await deliver({ ...event, id: `${event.id}_forged` }, 'ff'.repeat(32))).status).toBe(400);
      } else if (r < 0.8) {
        const jobId = `job_p${step}`;
        try {
          await creditRules.holdForJob(userId, jobId, 1 + Math.floor(rand() * 5));
          jobs.set(jobId, 'held');
        } catch (error) {
          expect((error as ServiceError).code).toBe('insufficient_credits');
        }
      } else {
        const held = [...jobs].filter(([, s]) => s === 'held');
        if (held.length > 0) {
          const [jobId] = held[Math.floor(rand() * held.length)];
          const fails = rand() < 0.5;
          if (fails) {
            // Failure or cancel refunds; a second refund attempt must be a no-op.
            await creditRules.refundJob(userId, jobId, 1, 'job_refund');
            await creditRules.refundJob(userId, jobId, 1, 'job_refund');
            jobs.set(jobId, 'refunded');
          } else {
            jobs.set(jobId, 'captured');
          }
        }
      }
      const balance = await balanceOf(db, userId);
      expect(balance).toBeGreaterThanOrEqual(0);
      expect(balance).toBe(await sumOfEntries(db, userId));
    }

    const entries = await db.selectFrom('credit_entries').select(['idempotency_key', 'reason']).where('user_id', '=', userId).execute();
    const keys = entries.map((e) => e.idempotency_key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const jobId of jobs.keys()) {
      expect(keys.filter((k) => k === `job:${jobId}:hold`).length).toBeLessThanOrEqual(1);
      expect(keys.filter((k) => k === `job:${jobId}:refund`).length).toBeLessThanOrEqual(1);
    }
    const events = await db.selectFrom('creem_events').select(['id', 'processed_at']).execute();
    expect(events.every((e) => e.processed_at !== null)).toBe(true);
    expect(events.some((e) => e.id.endsWith('_forged'))).toBe(false);
  });
});
