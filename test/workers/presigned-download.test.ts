/**
 * Downloads through presigned R2 GETs: with R2's S3 settings, a big artifact (the owner's download
 * and a short-lived link) answers 302 to a presigned GET of exactly that object, short-lived, with
 * the friendly file name in its response-content-disposition, so the bytes do not pass through the
 * Worker. Ownership and the link's signature are checked first; HEAD, a matching If-None-Match and
 * small files are answered here as before, and without the S3 settings everything streams. The
 * redirect target's signature is recomputed as S3 checks it (test/helpers/sigv4-check.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { DIRECT_DOWNLOAD_MIN_BYTES, DIRECT_DOWNLOAD_SECONDS } from '../../src/services/artifacts.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { checkQuerySignature } from '../helpers/sigv4-check.ts';
import { filesOf, seedFinishedJob } from '../helpers/seed-finished-job.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { insertUpload, userIdOf } from '../service/jobs-helpers.ts';

const credentials = { accessKeyId: 'R2KEY', secretAccessKey: 'r2-secret', region: 'auto' };
const R2_SETTINGS = {
  R2_S3_ENDPOINT: 'https://acc.r2.cloudflarestorage.com',
  R2_BUCKET: 'files',
  R2_ACCESS_KEY_ID: credentials.accessKeyId,
  R2_SECRET_ACCESS_KEY: credentials.secretAccessKey,
};

let infra: TestInfra;
/** The same D1 and R2 without the S3 settings (made first: each call empties the tables). */
let plain: TestInfra;
let app: ReturnType<typeof createApp>;
let alice: { cookie: string; id: string };
let bob: { cookie: string };
let jobId: string;
const big = new Uint8Array(DIRECT_DOWNLOAD_MIN_BYTES + 1000).map((_, i) => i % 251);
const small = new Uint8Array(2000).fill(7);

beforeAll(async () => {
  plain = await createTestServices();
  infra = await createTestServices(R2_SETTINGS);
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  const cookie = await signUp(app, 'alice.presigned@example.com');
  alice = { cookie, id: await userIdOf(app, cookie) };
  bob = { cookie: await signUp(app, 'bob.presigned@example.com') };
  // Made from "Lighthouse at dusk.jpg": the STL downloads as Lighthouse-at-dusk-lithophane.stl.
  const upload = await insertUpload(infra.services, alice.id, small);
  await infra.services.db.updateTable('uploads').set({ original_name: 'Lighthouse at dusk.jpg' }).where('id', '=', upload).execute();
  jobId = await seedFinishedJob(
    infra.services,
    alice.id,
    'lithophane',
    filesOf({ 'model.stl': ['model/stl', big], 'preview.png': ['image/png', small] }),
    { uploadId: upload },
  );
});
afterAll(async () => {
  await infra.close();
  await plain.close();
});

const as = (who: { cookie: string }, init: RequestInit = {}) => ({
  ...init,
  headers: { cookie: who.cookie, ...(init.headers as Record<string, string>) },
});
const stlPath = () => `/api/v1/jobs/${jobId}/artifacts/model.stl`;

/** Whether S3 would take the redirect target at `secondsAfterSigning`: undefined when it would. */
function s3Check(location: string, secondsAfterSigning: number, method = 'GET') {
  const url = new URL(location);
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(url.searchParams.get('X-Amz-Date') ?? '')!;
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return checkQuerySignature(method, url, (name) => (name === 'host' ? url.host : ''), {
    ...credentials,
    now: signedAt + secondsAfterSigning * 1000,
  });
}

/** The redirect, and what it points at. */
function expectPresignedRedirect(res: Response): URL {
  expect(res.status).toBe(302);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const location = res.headers.get('location')!;
  const url = new URL(location);
  expect(url.origin).toBe(R2_SETTINGS.R2_S3_ENDPOINT);
  expect(url.pathname).toBe(`/${R2_SETTINGS.R2_BUCKET}/${storageKeys.artifact(alice.id, jobId, 'model.stl')}`);
  expect(url.searchParams.get('response-content-disposition')).toMatch(/^attachment; filename="Lighthouse-at-dusk-lithophane\.stl"/);
  expect(url.searchParams.get('response-content-type')).toBe('model/stl');
  return url;
}

describe('artifact downloads through presigned R2 GETs', () => {
  it('the owner download of a big file redirects to a short-lived presigned GET that S3 accepts', async () => {
    const res = await app.request(stlPath(), as(alice));
    const url = expectPresignedRedirect(res);
    const seconds = Number(url.searchParams.get('X-Amz-Expires'));
    expect(seconds).toBe(DIRECT_DOWNLOAD_SECONDS);
    expect(seconds).toBeLessThanOrEqual(300);
    expect(s3Check(url.href, 0)).toBeUndefined();
    expect(s3Check(url.href, seconds)).toBeUndefined();
    expect(s3Check(url.href, seconds + 1)).toEqual({ status: 403, code: 'AccessDenied' });
    // The name is signed: another disposition, or another object, is refused.
    const renamed = new URL(url);
    renamed.searchParams.set('response-content-disposition', 'attachment; filename="other.stl"');
    expect(s3Check(renamed.href, 0)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(s3Check(url.href.replace('model.stl', 'model.3mf'), 0)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(s3Check(url.href, 0, 'PUT')).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('checks ownership before redirecting: another user gets 404, no session 401', async () => {
    const other = await app.request(stlPath(), as(bob));
    expect(other.status).toBe(404);
    expect(other.headers.get('location')).toBeNull();
    expect((await app.request(stlPath())).status).toBe(401);
  });

  it('a short-lived link redirects too, never for longer than the link has left, and a bad signature is 403', async () => {
    const res = await app.request(`/api/v1/jobs/${jobId}/artifacts/model.stl/link`, as(alice, { method: 'POST' }));
    expect(res.status).toBe(200);
    const link = new URL(((await res.json()) as { url: string }).url);
    const followed = await app.request(link.pathname + link.search);
    const url = expectPresignedRedirect(followed);
    const secondsLeft = Number(link.searchParams.get('expires')) - Math.floor(Date.now() / 1000);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(Math.min(DIRECT_DOWNLOAD_SECONDS, secondsLeft));
    expect(s3Check(url.href, 0)).toBeUndefined();
    const forged = await app.request(`${link.pathname}?expires=${link.searchParams.get('expires')}&sig=forged`);
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();
  });

  it('HEAD, a matching If-None-Match and small files are answered by the Worker as before', async () => {
    const head = await app.request(stlPath(), as(alice, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(big.byteLength));
    const etag = head.headers.get('etag')!;
    expect((await app.request(stlPath(), as(alice, { headers: { 'if-none-match': etag } }))).status).toBe(304);
    const preview = await app.request(`/api/v1/jobs/${jobId}/artifacts/preview.png`, as(alice));
    expect(preview.status).toBe(200);
    expect((await preview.arrayBuffer()).byteLength).toBe(small.byteLength);
  });

  it('without R2 S3 settings the Worker streams even a big file', async () => {
    const plainApp = createApp({ services: plain.services, health: async () => ({ database: true, pool: null }) });
    const cookie = await signUp(plainApp, 'carol.presigned@example.com');
    const id = await seedFinishedJob(
      plain.services,
      await userIdOf(plainApp, cookie),
      'relief',
      filesOf({ 'model.stl': ['model/stl', big] }),
    );
    const res = await plainApp.request(`/api/v1/jobs/${id}/artifacts/model.stl`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(big.byteLength);
  });
});
