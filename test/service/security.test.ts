import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/http/security-headers.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  infra = await createTestServices({ RATE_LIMIT_UPLOADS_PER_MINUTE: '3', RATE_LIMIT_JOBS_PER_MINUTE: '2' });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
});
afterAll(() => infra.close());

describe('security headers', () => {
  it('every answer carries nosniff, a referrer policy and, for pages, a strict CSP with no framing', async () => {
    for (const path of ['/api/docs', '/healthz', '/api/v1/openapi.json', '/api/v1/nope']) {
      const res = await app.request(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const echoed = await app.request('/healthz', { headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('the docs page needs no inline script or style', async () => {
    const html = await (await app.request('/api/docs')).text();
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(html).not.toMatch(/<style>/);
    expect((await app.request('/api/docs.js')).headers.get('content-type')).toContain('javascript');
  });

  it('the API sends no CORS headers to other origins', async () => {
    const res = await app.request('/api/v1/pricing', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  it('uploads are limited per user with 429 and Retry-After, other users unaffected', async () => {
    const a = await signUp(app, 'busy@example.com');
    const b = await signUp(app, 'calm@example.com');
    const post = (cookie: string) => app.request('/api/v1/uploads', { method: 'POST', headers: { cookie } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(a)).status);
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    const limited = await post(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as any).error.code).toBe('rate_limited');
    expect((await post(b)).status).not.toBe(429);
  });

  it('job creation is limited per user', async () => {
    const cookie = await signUp(app, 'jobs-limit@example.com');
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await app.request('/api/v1/jobs', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' })).status,
      );
    expect(statuses[2]).toBe(429);
  });
});

describe('audit log', () => {
  it('records sign-up, sign-in and API key changes with the user', async () => {
    const cookie = await signUp(app, 'audited@example.com');
    const created = (await (
      await app.request('/api/v1/account/api-keys', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{"name":"ci"}',
      })
    ).json()) as any;
    await app.request(`/api/v1/account/api-keys/${created.apiKey.id}`, { method: 'DELETE', headers: { cookie } });
    const user = (await (await app.request('/api/auth/get-session', { headers: { cookie } })).json()) as any;
    const rows = await infra.services.db.selectFrom('audit_events').selectAll().where('user_id', '=', user.user.id).orderBy('id').execute();
    expect(rows.map((r) => r.event)).toEqual(['user.created', 'auth.sign_in', 'api_key.created', 'api_key.revoked']);
    expect(rows.some((r) => r.details.includes(created.key))).toBe(false);
  });
});
