/**
 * The production Worker (src/worker.ts, reached through `SELF.fetch` with the pool's bindings):
 * the Creem webhook credits a purchase once however often Creem delivers it and answers a bad
 * signature with a JSON error (400 webhook_signature_invalid, the status src/http/error-status.ts
 * gives it and test/service/billing.test.ts asserts on Node); the rate limits are Durable Objects, so two isolates' apps share
 * one count.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { signCreemBody } from '../../src/services/billing/signature.ts';
import { composeWorkerServices, createWorkerApp } from '../../src/worker.ts';
import type { WorkerEnv } from '../../src/worker.ts';
import { signUp } from '../helpers/sign-up.ts';

const ORIGIN = 'http://localhost:3000';
const WEBHOOK_SECRET = 'whsec_workerd_test_secret'; // vitest.workers.config.ts
const worker = { request: (path: string, init?: RequestInit) => SELF.fetch(`${ORIGIN}${path}`, init) };

async function balanceOf(cookie: string): Promise<number> {
  const res = await worker.request('/api/v1/credits', { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { balance: number }).balance;
}

function packPurchase(userId: string, email: string) {
  return {
    id: `evt_workerd_${userId}`,
    eventType: 'checkout.completed',
    created_at: Date.now(),
    object: {
      id: 'ch_workerd_1',
      object: 'checkout',
      request_id: 'req_workerd_1',
      order: {
        id: `ord_${userId}`,
        customer: 'cust_w',
        product: 'prod_pack100',
        amount: 1000,
        currency: 'EUR',
        status: 'paid',
        type: 'onetime',
        mode: 'test',
      },
      product: {
        id: 'prod_pack100',
        name: 'Credit pack',
        price: 1000,
        currency: 'EUR',
        billing_type: 'onetime',
        billing_period: 'once',
        mode: 'test',
      },
      units: 1,
      customer: { id: 'cust_w', object: 'customer', email, name: 'w', country: 'DE', mode: 'test' },
      custom_fields: [],
      status: 'completed',
      metadata: { userId, product: 'pack-100' },
      mode: 'test',
    },
  };
}

const deliver = async (body: string, signature: string) =>
  worker.request('/api/v1/webhooks/creem', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'creem-signature': signature },
    body,
  });

describe('Creem webhook on the Worker', () => {
  it('credits a signed purchase once over three deliveries', async () => {
    const email = 'webhook.worker@example.com';
    const cookie = await signUp(worker, email);
    const session = (await (await worker.request('/api/auth/get-session', { headers: { cookie } })).json()) as { user: { id: string } };
    const before = await balanceOf(cookie);
    const body = JSON.stringify(packPurchase(session.user.id, email));
    const signature = await signCreemBody(body, WEBHOOK_SECRET);
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await deliver(body, signature);
      expect(res.status).toBe(200);
      answers.push(((await res.json()) as { duplicate: boolean }).duplicate);
    }
    expect(answers).toEqual([false, true, true]);
    expect(await balanceOf(cookie)).toBe(before + 100);
  });

  it('answers a bad signature with 400 webhook_signature_invalid, in JSON, and credits nothing', async () => {
    const body = JSON.stringify(packPurchase('usr_nobody', 'nobody@example.com'));
    const res = await deliver(body, await signCreemBody(body, 'whsec_not_ours'));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('webhook_signature_invalid');
  });
});

describe('rate limits on the Worker', () => {
  it('two isolates share one count through the RATE_LIMITER Durable Object, per client address (CF-Connecting-IP)', async () => {
    const bindings = env as WorkerEnv;
    // Two apps, as two isolates would build them, with a limit of 3 API calls a minute per IP.
    const settings = { ...bindings, RATE_LIMIT_API_PER_IP_PER_MINUTE: '3' } as WorkerEnv;
    const isolates = [
      createWorkerApp(composeWorkerServices(settings), bindings),
      createWorkerApp(composeWorkerServices(settings), bindings),
    ];
    const client = (n: number) => `203.0.113.${n}`;
    const first = Math.floor(Math.random() * 100) + 1;
    const call = (i: number, ip: string) => isolates[i % 2].request('/api/v1/pricing', { headers: { 'cf-connecting-ip': ip } }, bindings);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(i, client(first))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another client has a count of its own.
    expect((await call(0, client(first + 100))).status).toBe(200);
  });
});
