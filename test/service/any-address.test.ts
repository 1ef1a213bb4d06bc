/**
 * Issue 15 (1, 8): a self-hosted server is reached at many addresses (127.0.0.1, a LAN IP, a Pi's
 * name). Without BASE_URL, sign-up works from the address the request was sent to, links follow
 * that address, and a page on any other origin is still refused. With BASE_URL pinned, only it and
 * TRUSTED_ORIGINS pass, and the refusal says what to set. better-auth's errors come in our shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { PASSWORD, accountsApp } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const LAN = 'http://192.168.1.20:3000';

function signUp(app: AccountsApp, at: string, origin: string, email: string, password = PASSWORD) {
  return app.request(`${at}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email, password, name: 'Maker' }),
  });
}

describe('BASE_URL not set: any address the server is reached at', () => {
  let infra: TestInfra;
  let app: AccountsApp;
  beforeAll(async () => {
    infra = await createTestServices({ BASE_URL: '' });
    app = accountsApp(infra.services);
  });
  afterAll(() => infra.close());

  it('signs up from 127.0.0.1 and from a LAN address, each its own origin', async () => {
    expect((await signUp(app, 'http://127.0.0.1:3000', 'http://127.0.0.1:3000', 'loop@example.com')).status).toBe(200);
    expect((await signUp(app, LAN, LAN, 'lan@example.com')).status).toBe(200);
  });

  it('still refuses a page on another origin than the one the request was sent to, saying what to set', async () => {
    for (const origin of ['http://evil.example', 'http://192.168.1.20:3001', 'https://192.168.1.20:3000']) {
      const res = await signUp(app, LAN, origin, `x${origin.length}@example.com`);
      expect(res.status, origin).toBe(403);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('cross_origin_request');
      expect(body.error.details?.authCode).toBe('INVALID_ORIGIN');
      expect(body.error.message).toContain(origin);
      expect(body.error.message).toContain('TRUSTED_ORIGINS');
    }
  });

  it('hands out links on the address the caller used', async () => {
    const res = await signUp(app, LAN, LAN, 'links@example.com');
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const signed = await app.request(`${LAN}/api/v1/uploads/url`, {
      method: 'POST',
      headers: { cookie, origin: LAN, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'photo.png', byteSize: 1000 }),
    });
    expect(signed.status).toBe(201);
    expect(((await signed.json()) as { uploadUrl: string }).uploadUrl.startsWith(`${LAN}/`)).toBe(true);
  });
});

describe('BASE_URL pinned', () => {
  let infra: TestInfra;
  let app: AccountsApp;
  beforeAll(async () => {
    infra = await createTestServices({ BASE_URL: 'http://localhost:3000' });
    app = accountsApp(infra.services);
  });
  afterAll(() => infra.close());

  it('refuses another address of the same machine with a message naming BASE_URL and TRUSTED_ORIGINS', async () => {
    const res = await signUp(app, 'http://127.0.0.1:3000', 'http://127.0.0.1:3000', 'pinned@example.com');
    expect(res.status).toBe(403);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('cross_origin_request');
    expect(body.error.message).toContain('http://127.0.0.1:3000');
    expect(body.error.message).toContain('BASE_URL');
    expect(body.error.message).toContain('TRUSTED_ORIGINS');
  });

  it('answers better-auth errors in our shape with stable codes', async () => {
    const ok = await signUp(app, 'http://localhost:3000', 'http://localhost:3000', 'shape@example.com');
    expect(ok.status).toBe(200);
    const cases: Array<[Response | Promise<Response>, number, string]> = [
      [signUp(app, 'http://localhost:3000', 'http://localhost:3000', 'shape@example.com'), 422, 'email_taken'],
      [signUp(app, 'http://localhost:3000', 'http://localhost:3000', 'short@example.com', 'short'), 400, 'invalid_request'],
      [
        app.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
          body: JSON.stringify({ email: 'shape@example.com', password: 'not the password' }),
        }),
        401,
        'invalid_credentials',
      ],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      const body = (await res.json()) as ErrorBody;
      expect([res.status, body.error?.code]).toEqual([status, code]);
      expect(typeof body.error.message).toBe('string');
      expect(typeof body.error.details?.authCode).toBe('string');
    }
  });
});
