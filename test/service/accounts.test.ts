import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  infra = await createTestServices({ API_KEY_RATE_LIMIT_PER_MINUTE: '5', SIGNUP_GRANT_CREDITS: '25' });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
});
afterAll(() => infra.close());

const json = (res: Response) => res.json() as Promise<any>;

describe('accounts', () => {
  it('sign-up grants the configured credits once; anonymous calls get a JSON 401', async () => {
    const cookie = await signUp(app, 'maker@example.com');
    const res = await app.request('/api/v1/credits', { headers: { cookie } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.balance).toBe(25);
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0].reason).toBe('signup_grant');
    const anonymous = await app.request('/api/v1/credits');
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).error.code).toBe('unauthorized');
  });

  it('a wrong password is refused and sign-out ends the session', async () => {
    const cookie = await signUp(app, 'out@example.com');
    const bad = await app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ email: 'out@example.com', password: 'not the password' }),
    });
    expect(bad.status).toBe(401);
    const out = await app.request('/api/auth/sign-out', { method: 'POST', headers: { cookie, origin: 'http://localhost:3000' } });
    expect(out.status).toBe(200);
    expect((await app.request('/api/v1/credits', { headers: { cookie } })).status).toBe(401);
  });

  it('API keys authenticate scripts, are rate limited per key, and stop working when revoked', async () => {
    const cookie = await signUp(app, 'script@example.com');
    const created = await app.request('/api/v1/account/api-keys', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'printer farm' }),
    });
    expect(created.status).toBe(201);
    const { key, apiKey } = await json(created);
    expect(key).toMatch(/^its_/);
    expect(apiKey.prefix).toBe(key.slice(0, 10));
    for (let i = 0; i < 5; i++) expect((await app.request('/api/v1/credits', { headers: { 'x-api-key': key } })).status).toBe(200);
    const limited = await app.request('/api/v1/credits', { headers: { 'x-api-key': key } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(limited)).error.code).toBe('rate_limited');

    const listed = await json(await app.request('/api/v1/account/api-keys', { headers: { cookie } }));
    expect(listed.apiKeys.map((k: { id: string }) => k.id)).toContain(apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await app.request(`/api/v1/account/api-keys/${apiKey.id}`, { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    const revoked = await app.request('/api/v1/credits', { headers: { 'x-api-key': key } });
    expect(revoked.status).toBe(401);
  });

  it("another user's API key cannot be revoked by someone else", async () => {
    const owner = await signUp(app, 'owner@example.com');
    const other = await signUp(app, 'other@example.com');
    const { apiKey } = await json(
      await app.request('/api/v1/account/api-keys', {
        method: 'POST',
        headers: { cookie: owner, 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect((await app.request(`/api/v1/account/api-keys/${apiKey.id}`, { method: 'DELETE', headers: { cookie: other } })).status).toBe(404);
  });

  it('serves the OpenAPI document, the docs page and JSON 404s', async () => {
    const doc = await json(await app.request('/api/v1/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/credits');
    const docs = await app.request('/api/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('openapi.json');
    const missing = await app.request('/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('not_found');
  });

  it('limits sign-in attempts per client when auth rate limiting is on', async () => {
    const limited = await createTestServices({ AUTH_RATE_LIMIT: 'on' });
    try {
      const limitedApp = createApp({ services: limited.services, health: async () => ({ database: true, pool: null }) });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await limitedApp.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', 'x-forwarded-for': '203.0.113.7' },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'guessing-password' }),
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses).toContain(429);
    } finally {
      await limited.close();
    }
  });

  it('tells clients apart: one address hitting the sign-in limit does not lock out another', async () => {
    const limited = await createTestServices({ AUTH_RATE_LIMIT: 'on', TRUST_PROXY: '1' });
    try {
      const limitedApp = createApp({ services: limited.services, health: async () => ({ database: true, pool: null }) });
      const attempt = (ip: string) =>
        limitedApp.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', 'x-forwarded-for': ip },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'guessing-password' }),
        });
      const first: number[] = [];
      for (let i = 0; i < 6; i++) first.push((await attempt('203.0.113.7')).status);
      expect(first).toContain(429);
      expect((await attempt('198.51.100.9')).status).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('rejects invalid query parameters with a 400 in the error shape', async () => {
    const cookie = await signUp(app, 'query@example.com');
    const res = await app.request('/api/v1/credits?limit=5000', { headers: { cookie } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('invalid_request');
  });
});
