import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { artifactsServiceOn } from '../../src/services/artifacts.ts';
import type { Services } from '../../src/compose.ts';
import { createUrlSigner } from '../../src/services/signed-urls.ts';
import type { BlobStorage } from '../../src/domain/storage.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { filesOf, seedFinishedJob } from '../helpers/seed-finished-job.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

const TTL_SECONDS = 600;
let infra: TestInfra;
let app: ReturnType<typeof createApp>;
/** The signer's clock, so a link can be made to expire without waiting. */
let signerNow = Date.now();
/** Every storage read the routes make, to prove ranges are streamed and nothing is read whole. */
const reads: Array<{ op: 'get' | 'stream'; key: string; range?: { start: number; end: number } }> = [];

let alice: { cookie: string; id: string };
let bob: { cookie: string; id: string };
let jobId: string;
let otherJobId: string;
const stl = randomBytes(300_000);
const png = randomBytes(2_000);

beforeAll(async () => {
  infra = await createTestServices({ SIGNED_URL_TTL_SECONDS: String(TTL_SECONDS) });
  const real = infra.services.storage;
  const storage: BlobStorage = {
    ...real,
    get: (key) => (reads.push({ op: 'get', key }), real.get(key)),
    stream: (key, range) => (reads.push({ op: 'stream', key, range }), real.stream(key, range)),
  };
  const signer = createUrlSigner('artifacts-test-secret', () => signerNow);
  const artifacts = artifactsServiceOn(infra.services.db, storage, signer, infra.services.config.signedUrlTtlSeconds);
  const services: Services = { ...infra.services, storage, signer, artifacts };
  app = createApp({ services, health: async () => ({ database: true, pool: null }) });
  alice = await user('alice@example.com');
  bob = await user('bob@example.com');
  jobId = await seedJob(alice.id, 'lithophane', {
    'model.stl': ['model/stl', stl],
    'preview.png': ['image/png', png],
    'report.json': ['application/json', new TextEncoder().encode('{"ok":true}')],
  });
  otherJobId = await seedJob(alice.id, 'relief', { 'model.stl': ['model/stl', randomBytes(1000)] });
});
afterAll(() => infra.close());

async function user(email: string) {
  const cookie = await signUp(app, email);
  const session = await infra.services.auth.api.getSession({ headers: new Headers({ cookie }) });
  return { cookie, id: session!.user.id };
}

/** What the job runner does when a job succeeds: the files in storage, then one row per file. */
const seedJob = (userId: string, mode: string, files: Record<string, [string, Uint8Array]>) =>
  seedFinishedJob(infra.services, userId, mode, filesOf(files));

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());
/** toEqual walks typed arrays element by element (seconds for 300 kB); compare them as buffers. */
function expectBytes(actual: Uint8Array, expected: Uint8Array) {
  expect(actual.byteLength).toBe(expected.byteLength);
  expect(Buffer.compare(actual, expected)).toBe(0);
}
const json = (res: Response) => res.json() as Promise<any>;
const as = (who: { cookie: string }, init: RequestInit = {}) => ({
  ...init,
  headers: { cookie: who.cookie, ...(init.headers as Record<string, string>) },
});
const stlPath = () => `/api/v1/jobs/${jobId}/artifacts/model.stl`;
const shortId = () => jobId.slice(4, 12);

async function link(name: string, id = jobId): Promise<string> {
  const res = await app.request(`/api/v1/jobs/${id}/artifacts/${name}/link`, as(alice, { method: 'POST' }));
  expect(res.status).toBe(200);
  const url = new URL((await json(res)).url);
  return url.pathname + url.search;
}

describe('listing artifacts', () => {
  it('gives the owner name, type, size, ETag and a download URL for each file', async () => {
    const res = await app.request(`/api/v1/jobs/${jobId}/artifacts`, as(alice));
    expect(res.status).toBe(200);
    const { artifacts } = await json(res);
    expect(artifacts.map((a: any) => a.name)).toEqual(['model.stl', 'preview.png', 'report.json']);
    const model = artifacts[0];
    expect(model).toMatchObject({ contentType: 'model/stl', byteSize: stl.byteLength });
    expect(model.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(new URL(model.url).pathname).toBe(stlPath());
  });

  it('is 401 for anonymous callers and 404 for another user — the same 404 as a job that does not exist', async () => {
    expect((await app.request(`/api/v1/jobs/${jobId}/artifacts`)).status).toBe(401);
    const foreign = await app.request(`/api/v1/jobs/${jobId}/artifacts`, as(bob));
    const missing = await app.request(`/api/v1/jobs/job_doesnotexist/artifacts`, as(bob));
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await json(foreign)).toEqual(await json(missing));
  });
});

describe('owner downloads', () => {
  it('sends the whole file with its type, a friendly attachment name, a strong ETag and private caching', async () => {
    const res = await app.request(stlPath(), as(alice));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('model/stl');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="lithophane-${shortId()}.stl"; filename*=UTF-8''lithophane-${shortId()}.stl`,
    );
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('cache-control')).toMatch(/^private/);
    expect(res.headers.get('content-length')).toBe(String(stl.byteLength));
    expectBytes(await bytesOf(res), stl);
  });

  it('shows PNG previews inline so an <img> can use them', async () => {
    const res = await app.request(`/api/v1/jobs/${jobId}/artifacts/preview.png`, as(alice));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^inline; filename="lithophane-${shortId()}-preview.png"`));
    expectBytes(await bytesOf(res), png);
  });

  it('answers 304 without a body when If-None-Match carries the ETag (also weak, also in a list)', async () => {
    const etag = (await app.request(stlPath(), { ...as(alice), method: 'HEAD' })).headers.get('etag')!;
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await app.request(stlPath(), as(alice, { headers: { 'if-none-match': header } }));
      expect(res.status, header).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect((await bytesOf(res)).byteLength).toBe(0);
    }
    expect((await app.request(stlPath(), as(alice, { headers: { 'if-none-match': '"other"' } }))).status).toBe(200);
  });

  it('serves one byte range as 206 whose bytes are exactly the slice, read as a ranged stream', async () => {
    const size = stl.byteLength;
    const cases: Array<[string, number, number]> = [
      ['bytes=100-199', 100, 199],
      ['bytes=250000-', 250000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      ['bytes=299990-999999', 299990, size - 1], // an end past the file is clipped
      ['bytes=0-0', 0, 0],
    ];
    for (const [range, start, end] of cases) {
      reads.length = 0;
      const res = await app.request(stlPath(), as(alice, { headers: { range } }));
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expectBytes(await bytesOf(res), stl.slice(start, end + 1));
      expect(reads).toEqual([{ op: 'stream', key: storageKeys.artifact(alice.id, jobId, 'model.stl'), range: { start, end } }]);
    }
  });

  it('answers 416 with bytes */size for a range past the end, and the whole file for ranges it does not serve', async () => {
    const size = stl.byteLength;
    for (const range of [`bytes=${size}-`, 'bytes=-0', `bytes=${size + 10}-${size + 20}`]) {
      const res = await app.request(stlPath(), as(alice, { headers: { range } }));
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
    }
    for (const range of ['bytes=0-10,20-30', 'items=0-10', 'bytes=9-3']) {
      const res = await app.request(stlPath(), as(alice, { headers: { range } }));
      expect(res.status, range).toBe(200);
      expect((await bytesOf(res)).byteLength).toBe(size);
    }
  });

  it('ignores Range when If-Range names an older version (resume must not splice two files)', async () => {
    const stale = await app.request(stlPath(), as(alice, { headers: { range: 'bytes=0-9', 'if-range': '"older"' } }));
    expect(stale.status).toBe(200);
    const etag = stale.headers.get('etag')!;
    const current = await app.request(stlPath(), as(alice, { headers: { range: 'bytes=0-9', 'if-range': etag } }));
    expect(current.status).toBe(206);
  });

  it('answers HEAD with the headers and no body, without opening the file', async () => {
    reads.length = 0;
    const res = await app.request(stlPath(), as(alice, { method: 'HEAD' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(stl.byteLength));
    expect(res.headers.get('etag')).toMatch(/^"/);
    expect((await bytesOf(res)).byteLength).toBe(0);
    const ranged = await app.request(stlPath(), as(alice, { method: 'HEAD', headers: { range: 'bytes=0-99' } }));
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${stl.byteLength}`);
    expect(reads).toEqual([]);
  });

  it('is 401 anonymous, 404 for another user and for a file the job does not have, 400 for an unknown name', async () => {
    expect((await app.request(stlPath())).status).toBe(401);
    const foreign = await app.request(stlPath(), as(bob));
    expect(foreign.status).toBe(404);
    expect((await json(foreign)).error.code).toBe('not_found');
    expect((await app.request(`/api/v1/jobs/${jobId}/artifacts/model.3mf`, as(alice))).status).toBe(404);
    expect((await app.request(`/api/v1/jobs/${jobId}/artifacts/..%2Fsecret`, as(alice))).status).toBe(400);
  });
});

describe('signed links', () => {
  it('are minted for the owner only, with an expiry of the configured TTL', async () => {
    const before = Date.now();
    const res = await app.request(`${stlPath()}/link`, as(alice, { method: 'POST' }));
    expect(res.status).toBe(200);
    const { url, expiresAt } = await json(res);
    expect(url).toMatch(new RegExp(`^http://localhost:3000/api/files/jobs/${jobId}/model.stl\\?expires=\\d+&sig=[0-9a-f]{64}$`));
    expect(Math.abs(expiresAt - (signerNow + TTL_SECONDS * 1000))).toBeLessThan(1500);
    expect(expiresAt).toBeGreaterThan(before);
    expect((await app.request(`${stlPath()}/link`, { method: 'POST' })).status).toBe(401);
    expect((await app.request(`${stlPath()}/link`, as(bob, { method: 'POST' }))).status).toBe(404);
    expect((await app.request(`/api/v1/jobs/${jobId}/artifacts/model.obj/link`, as(alice, { method: 'POST' }))).status).toBe(404);
  });

  it('work without any cookie — even with a stray invalid x-api-key — for GET, HEAD and ranges', async () => {
    const path = await link('model.stl');
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="lithophane-/);
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expectBytes(await bytesOf(res), stl);
    expect((await app.request(path, { headers: { 'x-api-key': 'its_not_a_real_key' } })).status).toBe(200);
    expect((await app.request(path, { method: 'HEAD' })).status).toBe(200);
    const ranged = await app.request(path, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expectBytes(await bytesOf(ranged), stl.slice(10, 20));
    const etag = res.headers.get('etag')!;
    expect((await app.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('are 403 invalid_signature when tampered with, missing, or used for another file or job', async () => {
    const path = await link('model.stl');
    const url = new URL(path, 'http://x');
    const sig = url.searchParams.get('sig')!;
    const expires = Number(url.searchParams.get('expires'));
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    const attempts = [
      `${url.pathname}?expires=${expires}&sig=${flipped}`,
      `${url.pathname}?expires=${expires + 3600}&sig=${sig}`,
      `${url.pathname}?expires=${expires}`,
      url.pathname,
      `/api/files/jobs/${jobId}/preview.png${url.search}`,
      `/api/files/jobs/${otherJobId}/model.stl${url.search}`,
    ];
    for (const attempt of attempts) {
      const res = await app.request(attempt);
      expect(res.status, attempt).toBe(403);
      expect((await json(res)).error.code).toBe('invalid_signature');
    }
  });

  it('take the expiry only as it was signed: a plain decimal integer, no other spelling of the same number', async () => {
    const path = await link('model.stl');
    const url = new URL(path, 'http://x');
    const sig = url.searchParams.get('sig')!;
    const expires = Number(url.searchParams.get('expires'));
    expect((await app.request(path)).status).toBe(200);
    const spellings = [
      `${expires}.0`,
      `+${expires}`,
      `0${expires}`,
      expires.toExponential(),
      `0x${expires.toString(16)}`,
      ` ${expires}`,
      `${expires} `,
    ];
    for (const spelling of spellings) {
      const res = await app.request(`${url.pathname}?expires=${encodeURIComponent(spelling)}&sig=${sig}`);
      expect(res.status, spelling).toBe(403);
      expect((await json(res)).error.code).toBe('invalid_signature');
    }
  });

  it('expire after the TTL', async () => {
    const path = await link('preview.png');
    expect((await app.request(path)).status).toBe(200);
    const minted = signerNow;
    try {
      signerNow = minted + (TTL_SECONDS + 2) * 1000;
      const res = await app.request(path);
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('invalid_signature');
    } finally {
      signerNow = minted;
    }
  });

  it('only read: other methods on the link path are not routes', async () => {
    const path = await link('model.stl');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect((await app.request(path, { method })).status, method).toBe(404);
    }
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = await json(await app.request('/api/v1/openapi.json'));
    for (const p of [
      '/api/v1/jobs/{id}/artifacts',
      '/api/v1/jobs/{id}/artifacts/{name}',
      '/api/v1/jobs/{id}/artifacts/{name}/link',
      '/api/files/jobs/{id}/{name}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
