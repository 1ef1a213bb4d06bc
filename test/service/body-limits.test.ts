/**
 * Every route reads its body under a byte limit, counted while the stream comes in and before
 * anything parses it: an oversized body is answered 413 payload_too_large in our JSON error shape
 * after at most the limit (plus a chunk or two in flight) has been pulled, and a Content-Length
 * over the limit is refused before a byte is read. Unauthenticated routes (better-auth, the Creem
 * webhook) included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { BODY_LIMITS, bodyLimitFor } from '../../src/http/body-limits.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let cookie: string;

beforeAll(async () => {
  infra = await createTestServices({ CREEM_WEBHOOK_SECRET: 'whsec_test' });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  cookie = await signUp(app, 'limits@example.com');
});
afterAll(() => infra.close());

const CHUNK = 16 * 1024;

/** A body of `total` bytes of JSON-ish filler, produced on demand; `pulled()` says how much the server asked for. */
function meteredBody(total: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new TextEncoder().encode('['.padEnd(CHUNK, ' '));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => pulled };
}

async function errorOf(res: Response): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  return ((await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
}

interface RouteCase {
  name: string;
  method: string;
  path: string;
  limit: number;
  /** Sent with a session cookie. */
  auth?: boolean;
}

const ROUTES: RouteCase[] = [
  { name: 'the Creem webhook (unauthenticated)', method: 'POST', path: '/api/v1/webhooks/creem', limit: BODY_LIMITS.webhookBytes },
  { name: 'better-auth sign-up (unauthenticated)', method: 'POST', path: '/api/auth/sign-up/email', limit: BODY_LIMITS.authBytes },
  { name: 'job creation', method: 'POST', path: '/api/v1/jobs', limit: BODY_LIMITS.jsonBytes, auth: true },
  { name: 'API key creation', method: 'POST', path: '/api/v1/account/api-keys', limit: BODY_LIMITS.jsonBytes, auth: true },
  { name: 'a route that reads no body', method: 'POST', path: '/api/v1/billing/portal', limit: BODY_LIMITS.jsonBytes, auth: true },
  { name: 'a path no route takes', method: 'POST', path: '/api/v1/nowhere', limit: BODY_LIMITS.jsonBytes },
];

describe('the limits table', () => {
  it('gives each kind of route its own limit, uploads their configured size', () => {
    expect(bodyLimitFor('POST', '/api/v1/webhooks/creem', 1000).maxBytes).toBe(BODY_LIMITS.webhookBytes);
    expect(bodyLimitFor('POST', '/api/auth/sign-in/email', 1000).maxBytes).toBe(BODY_LIMITS.authBytes);
    expect(bodyLimitFor('POST', '/api/v1/jobs', 1000).maxBytes).toBe(BODY_LIMITS.jsonBytes);
    expect(bodyLimitFor('PUT', '/api/v1/uploads/upl_1/content', 1000)).toMatchObject({ maxBytes: 1000, streamed: true });
    expect(bodyLimitFor('POST', '/api/v1/uploads', 1000)).toMatchObject({
      maxBytes: 1000 + BODY_LIMITS.multipartOverheadBytes,
      streamed: true,
    });
    expect(bodyLimitFor('POST', '/api/v1/uploads/url', 1000).maxBytes).toBe(BODY_LIMITS.jsonBytes);
  });
});

describe.each(ROUTES)('$name', (route) => {
  const headers = () => ({ 'content-type': 'application/json', origin: 'http://localhost:3000', ...(route.auth ? { cookie } : {}) });

  it('stops reading a streamed body just past its limit: 413 payload_too_large', async () => {
    const { body, pulled } = meteredBody(200 * 1024 * 1024);
    const res = await app.request(route.path, { method: route.method, headers: headers(), body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    const error = await errorOf(res);
    expect(error.code).toBe('payload_too_large');
    expect(error.details).toEqual({ limitBytes: route.limit });
    expect(pulled()).toBeLessThan(route.limit + 4 * CHUNK);
  });

  it('refuses a Content-Length over the limit before reading the body', async () => {
    const { body, pulled } = meteredBody(route.limit * 4);
    const res = await app.request(route.path, {
      method: route.method,
      headers: { ...headers(), 'content-length': String(route.limit * 4) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
    // At most what the stream queues before anyone reads (one chunk), never the body.
    expect(pulled()).toBeLessThanOrEqual(CHUNK);
  });
});

describe('bodies within the limit', () => {
  it('still reach better-auth, the webhook and the JSON routes intact', async () => {
    const signIn = await app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ email: 'limits@example.com', password: 'correct horse battery' }),
    });
    expect(signIn.status).toBe(200);
    const webhook = await app.request('/api/v1/webhooks/creem', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'creem-signature': '00'.repeat(32) },
      body: JSON.stringify({ id: 'evt_1', eventType: 'checkout.completed', padding: 'x'.repeat(100_000) }),
    });
    expect(webhook.status).toBe(400);
    expect((await errorOf(webhook)).code).toBe('webhook_signature_invalid');
    const key = await app.request('/api/v1/account/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'ci' }),
    });
    expect(key.status).toBe(201);
  });
});
