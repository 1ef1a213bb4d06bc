/**
 * Cookie-authenticated state changes must come from our own pages: POST/PUT/PATCH/DELETE with a
 * session cookie and an Origin that is not ours (another site, or a same-site sibling that
 * SameSite=Lax lets through), or a Sec-Fetch-Site of cross-site/same-site, is a 403
 * cross_origin_request that changes nothing. Our own origin (BASE_URL, TRUSTED_ORIGINS, the
 * request's Host) passes; API-key requests and GET/HEAD are not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { PASSWORD, SAME_ORIGIN, accountsApp, newKey, signOut, signUpWithAllCookies, uploadFile } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';
import { insertUpload, gradientPng } from './jobs-helpers.ts';

const TRUSTED = 'https://app.example.org';

/** The runner is never started here: jobs stay queued, which is all cancel needs. */
const idle: JobExecutor = {
  capacity: 1,
  execute: () => new Promise(() => undefined),
  stats: () => ({ size: 1, busy: 0, queued: 0 }),
  close: async () => undefined,
};

let infra: TestInfra;
let app: AccountsApp;
let alice: { cookie: string; userId: string };

beforeAll(async () => {
  infra = await createTestServices({ TRUSTED_ORIGINS: TRUSTED });
  app = accountsApp(infra.services, { jobs: createJobsRuntime(infra.services, idle) });
  alice = await signUpWithAllCookies(app, 'origin@example.com');
});
afterAll(() => infra.close());

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const uploadCount = async () =>
  (await infra.services.db.selectFrom('uploads').select('id').where('user_id', '=', alice.userId).execute()).length;

async function queuedJob(): Promise<string> {
  const uploadId = await insertUpload(infra.services, alice.userId, await gradientPng(16, 12));
  const res = await app.request('/api/v1/jobs', {
    method: 'POST',
    headers: { cookie: alice.cookie, origin: SAME_ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'lithophane', uploadId, params: { widthMm: 20, resolutionMm: 0.5 } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { job: { id: string } }).job.id;
}

const cancel = (jobId: string, headers: Record<string, string>) =>
  app.request(`/api/v1/jobs/${jobId}/cancel`, {
    method: 'POST',
    headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: 'confirm=1',
  });

const jobStatus = async (id: string) =>
  (await infra.services.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('cross-origin state changes with a cookie', () => {
  it('a multipart upload from another site is refused and stores nothing', async () => {
    const before = await uploadCount();
    const res = await uploadFile(app, { cookie: alice.cookie, origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('cross_origin_request');
    expect(await uploadCount()).toBe(before);
  });

  it('a form-encoded cancel from another site, a same-site sibling or an opaque origin is refused; the job stays queued', async () => {
    const jobId = await queuedJob();
    const refused: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: 'http://evil.localhost:3000' },
      { origin: 'http://localhost:3001' },
      { origin: 'https://localhost:3000' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'http://localhost', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      const res = await cancel(jobId, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await errorCode(res)).toBe('cross_origin_request');
    }
    expect(await jobStatus(jobId)).toBe('queued');
    expect((await cancel(jobId, { origin: SAME_ORIGIN })).status).toBe(200);
    expect(await jobStatus(jobId)).toBe('cancelled');
  });

  it('deleting the account, creating a key or signing out from another site is refused', async () => {
    const victim = await signUpWithAllCookies(app, 'victim@example.com');
    const evil = { cookie: victim.cookie, origin: 'http://evil.example' };
    const del = await app.request('/api/v1/account', {
      method: 'DELETE',
      headers: { ...evil, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(del.status).toBe(403);
    const key = await app.request('/api/v1/account/api-keys', {
      method: 'POST',
      headers: { ...evil, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(key.status).toBe(403);
    const out = await app.request('/api/auth/sign-out', { method: 'POST', headers: evil });
    expect(out.status).toBe(403);
    expect((await app.request('/api/v1/credits', { headers: { cookie: victim.cookie } })).status).toBe(200);
    expect(await signOut(app, victim.cookie)).toBe(200);
  });
});

describe('what passes', () => {
  it('our own origin: BASE_URL, a trusted origin, the Host the request came to, or Sec-Fetch-Site same-origin', async () => {
    const ours: Array<Record<string, string>> = [
      { origin: SAME_ORIGIN },
      { origin: TRUSTED },
      // A trusted front end on another site: the browser says cross-site, the origin is ours.
      { origin: TRUSTED, 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost' }, // app.request() arrives at http://localhost/
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of ours) {
      const res = await uploadFile(app, { cookie: alice.cookie, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(201);
    }
  });

  it('a request with neither Origin nor Sec-Fetch-Site is no browser request: it passes', async () => {
    expect((await uploadFile(app, { cookie: alice.cookie })).status).toBe(201);
  });

  it('API keys are exempt, and reads are unaffected', async () => {
    const { key } = await newKey(app, { cookie: alice.cookie });
    expect((await uploadFile(app, { 'x-api-key': key, origin: 'http://evil.example' })).status).toBe(201);
    const read = await app.request('/api/v1/uploads', { headers: { cookie: alice.cookie, origin: 'http://evil.example' } });
    expect(read.status).toBe(200);
    const head = await app.request('/api/v1/credits', { method: 'HEAD', headers: { cookie: alice.cookie, origin: 'http://evil.example' } });
    expect(head.status).toBe(200);
  });

  it('anonymous requests (no session cookie) are not refused for their origin', async () => {
    const res = await app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SAME_ORIGIN },
      body: JSON.stringify({ email: 'origin@example.com', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
  });
});
