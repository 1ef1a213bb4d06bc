/**
 * Ownership on every resource, route by route. User A makes one of everything (a ready upload, a
 * pending signed-URL upload, a running job, a succeeded job with files, a share, an API key); user B
 * (by session and by API key) and an anonymous caller then call EVERY route of the OpenAPI document
 * that takes a path parameter, with A's ids:
 * - owner routes: B gets 404 (exactly what a made-up id gets: nothing leaks), anonymous gets 401;
 * - signed routes (the signature is the credential, no session): B's answer for A's id equals the
 *   answer for an id that does not exist, and B's own valid signature moved onto A's id is refused;
 * - public share routes (the token is a capability A chose to publish): anyone holding the token
 *   reads them, a made-up token is 404, and once A revokes the share everyone gets 404.
 * Afterwards A's things are all still there, unchanged. A route added to the API without a row in
 * ROUTES fails the first test, so a new route cannot skip this check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { ExecutionRequest, JobExecutor } from '../../src/jobs/executor.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { ExecutionOutcome } from '../../src/jobs/protocol.ts';
import { seedLogoJob } from '../helpers/shared-job.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { getJob, gradientPng, postJob, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { TestApp } from './jobs-helpers.ts';

/** Jobs stay running until the test ends: a running job is the one a foreign cancel or delete would hurt most. */
class HeldExecutor implements JobExecutor {
  readonly capacity = 4;
  private waiting: Array<() => void> = [];
  execute(_r: ExecutionRequest, { signal }: { signal: AbortSignal }): Promise<ExecutionOutcome> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      this.waiting.push(() => resolve({ ok: false, error: { code: 'internal', message: 'test over' } }));
    });
  }
  stats() {
    return { size: this.capacity, busy: this.waiting.length, queued: 0 };
  }
  async close() {
    for (const done of this.waiting.splice(0)) done();
  }
}

interface Ids {
  upload: string;
  pendingUpload: string;
  pendingUploadUrl: string;
  runningJob: string;
  doneJob: string;
  artifact: string;
  share: string;
  apiKey: string;
}

type Kind = 'owner' | 'signed' | 'public';
interface Call {
  path: string;
  init?: RequestInit;
}
interface RouteCase {
  kind: Kind;
  /** The calls with A's ids (several when more than one of A's things fits the route). */
  calls: (ids: Ids) => Call[];
  /** The same route with an id nobody has. */
  unknown: Call;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const UNKNOWN_JOB = 'job_0000000000000000000000';
const UNKNOWN_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Every route of the API with a path parameter. Keys are `METHOD /openapi/path`. */
const ROUTES: Record<string, RouteCase> = {
  'DELETE /api/v1/account/api-keys/{id}': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/account/api-keys/${ids.apiKey}`, init: { method: 'DELETE' } }],
    unknown: { path: '/api/v1/account/api-keys/key_unknown', init: { method: 'DELETE' } },
  },
  'PUT /api/v1/uploads/{id}/content': {
    kind: 'signed',
    calls: (ids) => [
      {
        path: `/api/v1/uploads/${ids.pendingUpload}/content`,
        init: { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) },
      },
      {
        path: `/api/v1/uploads/${ids.upload}/content`,
        init: { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) },
      },
    ],
    unknown: {
      path: '/api/v1/uploads/upl_unknown/content',
      init: { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) },
    },
  },
  'POST /api/v1/uploads/{id}/complete': {
    kind: 'owner',
    calls: (ids) => [
      { path: `/api/v1/uploads/${ids.pendingUpload}/complete`, init: { method: 'POST' } },
      { path: `/api/v1/uploads/${ids.upload}/complete`, init: { method: 'POST' } },
    ],
    unknown: { path: '/api/v1/uploads/upl_unknown/complete', init: { method: 'POST' } },
  },
  'GET /api/v1/uploads/{id}/content': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/uploads/${ids.upload}/content` }, { path: `/api/v1/uploads/${ids.pendingUpload}/content` }],
    unknown: { path: '/api/v1/uploads/upl_unknown/content' },
  },
  'GET /api/v1/uploads/{id}': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/uploads/${ids.upload}` }, { path: `/api/v1/uploads/${ids.pendingUpload}` }],
    unknown: { path: '/api/v1/uploads/upl_unknown' },
  },
  'DELETE /api/v1/uploads/{id}': {
    kind: 'owner',
    calls: (ids) => [
      { path: `/api/v1/uploads/${ids.upload}`, init: { method: 'DELETE' } },
      { path: `/api/v1/uploads/${ids.pendingUpload}`, init: { method: 'DELETE' } },
    ],
    unknown: { path: '/api/v1/uploads/upl_unknown', init: { method: 'DELETE' } },
  },
  'GET /api/v1/jobs/{id}/artifacts': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/jobs/${ids.doneJob}/artifacts` }, { path: `/api/v1/jobs/${ids.runningJob}/artifacts` }],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/artifacts` },
  },
  'GET /api/v1/jobs/{id}/artifacts/{name}': {
    kind: 'owner',
    calls: (ids) => [
      { path: `/api/v1/jobs/${ids.doneJob}/artifacts/${ids.artifact}` },
      { path: `/api/v1/jobs/${ids.doneJob}/artifacts/${ids.artifact}`, init: { method: 'HEAD' } },
    ],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/artifacts/model.stl` },
  },
  'POST /api/v1/jobs/{id}/artifacts/{name}/link': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/jobs/${ids.doneJob}/artifacts/${ids.artifact}/link`, init: { method: 'POST' } }],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/artifacts/model.stl/link`, init: { method: 'POST' } },
  },
  'GET /api/files/jobs/{id}/{name}': {
    kind: 'signed',
    calls: (ids) => [
      { path: `/api/files/jobs/${ids.doneJob}/${ids.artifact}` },
      { path: `/api/files/jobs/${ids.doneJob}/${ids.artifact}?expires=9999999999&sig=${'0'.repeat(64)}` },
    ],
    unknown: { path: `/api/files/jobs/${UNKNOWN_JOB}/model.stl` },
  },
  'POST /api/v1/jobs/{id}/shares': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/jobs/${ids.doneJob}/shares`, init: json({ name: 'mine now' }) }],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/shares`, init: json({}) },
  },
  'GET /api/v1/jobs/{id}/shares': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/jobs/${ids.doneJob}/shares` }],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/shares` },
  },
  'DELETE /api/v1/shares/{token}': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/shares/${ids.share}`, init: { method: 'DELETE' } }],
    unknown: { path: `/api/v1/shares/${UNKNOWN_TOKEN}`, init: { method: 'DELETE' } },
  },
  'GET /s/{token}': { kind: 'public', calls: (ids) => [{ path: `/s/${ids.share}` }], unknown: { path: `/s/${UNKNOWN_TOKEN}` } },
  'GET /s/{token}/model.glb': {
    kind: 'public',
    calls: (ids) => [{ path: `/s/${ids.share}/model.glb` }],
    unknown: { path: `/s/${UNKNOWN_TOKEN}/model.glb` },
  },
  'GET /s/{token}/poster.png': {
    kind: 'public',
    calls: (ids) => [{ path: `/s/${ids.share}/poster.png` }],
    unknown: { path: `/s/${UNKNOWN_TOKEN}/poster.png` },
  },
  'GET /api/v1/jobs/{id}': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/jobs/${ids.runningJob}` }, { path: `/api/v1/jobs/${ids.doneJob}` }],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}` },
  },
  'DELETE /api/v1/jobs/{id}': {
    kind: 'owner',
    calls: (ids) => [
      { path: `/api/v1/jobs/${ids.runningJob}`, init: { method: 'DELETE' } },
      { path: `/api/v1/jobs/${ids.doneJob}`, init: { method: 'DELETE' } },
    ],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}`, init: { method: 'DELETE' } },
  },
  'POST /api/v1/jobs/{id}/cancel': {
    kind: 'owner',
    calls: (ids) => [{ path: `/api/v1/jobs/${ids.runningJob}/cancel`, init: { method: 'POST' } }],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/cancel`, init: { method: 'POST' } },
  },
  'GET /api/v1/jobs/{id}/events': {
    kind: 'owner',
    calls: (ids) => [
      { path: `/api/v1/jobs/${ids.runningJob}/events` },
      { path: `/api/v1/jobs/${ids.doneJob}/events`, init: { headers: { 'last-event-id': '0' } } },
    ],
    unknown: { path: `/api/v1/jobs/${UNKNOWN_JOB}/events` },
  },
};

let infra: TestInfra;
let executor: HeldExecutor;
let jobs: JobsRuntime;
let app: TestApp;
let a: string;
let b: string;
let bKey: string;
let ids: Ids;

/** Calls the app with a caller's credentials; the body is read (and the stream closed) before returning. */
async function call(who: 'a' | 'b' | 'b-key' | 'anonymous', { path, init = {} }: Call): Promise<{ status: number; body: string }> {
  const headers = new Headers(init.headers);
  if (who === 'a') headers.set('cookie', a);
  if (who === 'b') headers.set('cookie', b);
  if (who === 'b-key') headers.set('x-api-key', bKey);
  const body = init.body instanceof Uint8Array ? new Uint8Array(init.body) : init.body;
  const controller = new AbortController();
  const res = await app.request(path, { ...init, headers, body, signal: controller.signal });
  // An event stream that (wrongly) opened would never end: read what is there, then stop.
  const text = res.headers.get('content-type')?.includes('text/event-stream') ? await readSome(res) : await res.text();
  return { status: res.status, body: text };
}

async function readSome(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const first = await Promise.race([
    reader.read(),
    new Promise<{ value: undefined }>((r) => setTimeout(() => r({ value: undefined }), 300)),
  ]);
  await reader.cancel().catch(() => undefined);
  return first.value ? new TextDecoder().decode(first.value) : '';
}

beforeAll(async () => {
  infra = await createTestServices({ SIGNUP_GRANT_CREDITS: '100', PER_USER_CONCURRENCY: '4' });
  executor = new HeldExecutor();
  jobs = createJobsRuntime(infra.services, executor, { pollMs: 100, heartbeatMs: 200 });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: executor.stats() }), jobs });
  jobs.runner.start();
  a = await signUp(app, 'owner-a@example.com');
  b = await signUp(app, 'other-b@example.com');
  const aId = await userIdOf(app, a);

  const form = new FormData();
  form.set('file', new Blob([(await gradientPng(64, 48)) as Uint8Array<ArrayBuffer>]), 'photo.png');
  const upload = (
    (await (await app.request('/api/v1/uploads', { method: 'POST', headers: { cookie: a }, body: form })).json()) as { id: string }
  ).id;
  const pending = (await (
    await app.request('/api/v1/uploads/url', {
      method: 'POST',
      headers: { cookie: a, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'big.png', byteSize: 1000 }),
    })
  ).json()) as { uploadId: string; uploadUrl: string };
  const job = (
    await postJob(app, a, { mode: 'lithophane', uploadId: upload, params: { widthMm: 20, resolutionMm: 0.5 } })
  ).json() as Promise<{ job: { id: string } }>;
  const runningJob = (await job).job.id;
  await waitForStatus(app, a, runningJob, ['running'], 5000);
  const done = await seedLogoJob(infra.services, aId);
  const shareRes = await app.request(`/api/v1/jobs/${done.id}/shares`, {
    ...json({ name: 'A logo' }),
    headers: { cookie: a, 'content-type': 'application/json' },
  });
  expect(shareRes.status).toBe(201);
  const share = ((await shareRes.json()) as { token: string }).token;
  const keyRes = await app.request('/api/v1/account/api-keys', {
    ...json({ name: 'A key' }),
    headers: { cookie: a, 'content-type': 'application/json' },
  });
  const apiKey = ((await keyRes.json()) as { apiKey: { id: string } }).apiKey.id;
  // Every scope, so the key reaches each owner route and meets the ownership check there.
  const bKeyRes = await app.request('/api/v1/account/api-keys', {
    ...json({ name: 'B key', scopes: ['read', 'jobs', 'account'] }),
    headers: { cookie: b, 'content-type': 'application/json' },
  });
  bKey = ((await bKeyRes.json()) as { key: string }).key;
  ids = {
    upload,
    pendingUpload: pending.uploadId,
    pendingUploadUrl: pending.uploadUrl,
    runningJob,
    doneJob: done.id,
    artifact: 'model.stl',
    share,
    apiKey,
  };
});

afterAll(async () => {
  await jobs?.runner.stop(200);
  await executor?.close();
  await infra?.close();
});

describe('ownership on every route', () => {
  it('the table covers exactly the OpenAPI routes that take a path parameter', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const withParams = Object.entries(doc.paths)
      .filter(([path]) => path.includes('{'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(withParams.length).toBeGreaterThan(15);
    expect(withParams, 'a route with a path parameter is missing from ROUTES (or ROUTES names one that is gone)').toEqual(
      Object.keys(ROUTES).sort(),
    );
  });

  it("B, by session or by API key, gets 404 for A's things on every owner route (as for ids nobody has); anonymous gets 401", async () => {
    const seen: string[] = [];
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (spec.kind !== 'owner') continue;
      const unknownAsB = await call('b', spec.unknown);
      expect(unknownAsB.status, `${route} (unknown id, as B)`).toBe(404);
      for (const c of spec.calls(ids)) {
        for (const who of ['b', 'b-key'] as const) {
          const res = await call(who, c);
          expect(res.status, `${route} ${c.path} as ${who}: ${res.body.slice(0, 200)}`).toBe(404);
          // Nothing of A's shows through the error either.
          for (const secret of [ids.upload, ids.runningJob, ids.doneJob, ids.share, ids.apiKey, 'owner-a@example.com', 'A logo']) {
            if (!c.path.includes(secret)) expect(res.body, `${route} as ${who}`).not.toContain(secret);
          }
        }
        const anonymous = await call('anonymous', c);
        expect(anonymous.status, `${route} ${c.path} anonymous`).toBe(401);
        seen.push(route);
      }
    }
    expect(new Set(seen).size).toBe(Object.values(ROUTES).filter((r) => r.kind === 'owner').length);
  });

  it("signed routes: B's answer for A's id is the one for an id that does not exist, and B's own signature does not open A's file", async () => {
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (spec.kind !== 'signed') continue;
      for (const who of ['b', 'anonymous'] as const) {
        const unknown = await call(who, spec.unknown);
        expect([403, 404], `${route} unknown id`).toContain(unknown.status);
        for (const c of spec.calls(ids)) {
          const res = await call(who, c);
          expect(res.status, `${route} ${c.path} as ${who}: ${res.body.slice(0, 200)}`).toBe(unknown.status);
        }
      }
    }
    // B signs for B's own things, then points the signature at A's.
    const bUpload = (await (
      await app.request('/api/v1/uploads/url', {
        method: 'POST',
        headers: { cookie: b, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'b.png', byteSize: 3 }),
      })
    ).json()) as { uploadUrl: string };
    const bQuery = new URL(bUpload.uploadUrl).search;
    const put = await call('b', {
      path: `/api/v1/uploads/${ids.pendingUpload}/content${bQuery}`,
      init: { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) },
    });
    expect([403, 404]).toContain(put.status);
    const bId = await userIdOf(app, b);
    const bJob = await seedLogoJob(infra.services, bId);
    const link = (await (
      await app.request(`/api/v1/jobs/${bJob.id}/artifacts/model.stl/link`, { method: 'POST', headers: { cookie: b } })
    ).json()) as { url: string };
    const own = await call('b', { path: new URL(link.url).pathname + new URL(link.url).search });
    expect(own.status).toBe(200); // the link works for what it was made for
    const moved = await call('b', { path: `/api/files/jobs/${ids.doneJob}/model.stl${new URL(link.url).search}` });
    expect([403, 404]).toContain(moved.status);
  });

  it('public share routes open with the token alone, not with a guessed one', async () => {
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (spec.kind !== 'public') continue;
      expect((await call('b', spec.unknown)).status, `${route} unknown token`).toBe(404);
      for (const c of spec.calls(ids)) expect((await call('anonymous', c)).status, `${route} with A's token`).toBe(200);
    }
  });

  it("after all of B's calls A's things are untouched", async () => {
    expect((await call('a', { path: `/api/v1/uploads/${ids.upload}` })).status).toBe(200);
    const pending = JSON.parse((await call('a', { path: `/api/v1/uploads/${ids.pendingUpload}` })).body) as { status: string };
    expect(pending.status).toBe('pending');
    expect((await getJob(app, a, ids.runningJob)).status).toBe('running');
    const done = await getJob(app, a, ids.doneJob);
    expect(done.status).toBe('succeeded');
    expect((await call('a', { path: `/api/v1/jobs/${ids.doneJob}/artifacts/model.stl` })).status).toBe(200);
    const shares = JSON.parse((await call('a', { path: `/api/v1/jobs/${ids.doneJob}/shares` })).body) as {
      shares: Array<{ token: string; name: string; revokedAt: number | null }>;
    };
    expect(shares.shares).toHaveLength(1);
    expect(shares.shares[0]).toMatchObject({ token: ids.share, name: 'A logo', revokedAt: null });
    const keys = JSON.parse((await call('a', { path: '/api/v1/account/api-keys' })).body) as {
      apiKeys: Array<{ id: string; revokedAt: number | null }>;
    };
    expect(keys.apiKeys).toEqual([expect.objectContaining({ id: ids.apiKey, revokedAt: null })]);
  });

  it('once A revokes the share, its public routes answer 404 to everyone', async () => {
    expect((await call('a', { path: `/api/v1/shares/${ids.share}`, init: { method: 'DELETE' } })).status).toBe(204);
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (spec.kind !== 'public') continue;
      for (const c of spec.calls(ids)) expect((await call('anonymous', c)).status, route).toBe(404);
    }
  });
});
