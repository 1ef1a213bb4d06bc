/**
 * A signed upload URL is single use and a completed upload is immutable: a second PUT (at once, or
 * still streaming when /complete runs, or after it) is a 409 that never touches the stored file,
 * so the row's sha256 and size always describe the bytes on disk. A PUT that failed frees the URL
 * for a retry; a PUT finishing after the account was deleted leaves nothing on disk.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { PASSWORD, SAME_ORIGIN, accountsApp, signUpWithAllCookies, userFolderExists } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';
import { gradientPng } from './jobs-helpers.ts';

let infra: TestInfra;
let app: AccountsApp;
let alice: { cookie: string; userId: string };

beforeAll(async () => {
  infra = await createTestServices();
  app = accountsApp(infra.services);
  alice = await signUpWithAllCookies(app, 'single-use@example.com');
});
afterAll(() => infra.close());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function signedUrl(cookie: string, byteSize: number): Promise<{ uploadId: string; uploadUrl: string }> {
  const res = await app.request('/api/v1/uploads/url', {
    method: 'POST',
    headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'photo.png', byteSize }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { uploadId: string; uploadUrl: string };
}

const put = (url: string, bytes: Uint8Array) => app.request(url, { method: 'PUT', body: bytes as BodyInit });
const complete = (cookie: string, id: string) =>
  app.request(`/api/v1/uploads/${id}/complete`, { method: 'POST', headers: { cookie, origin: SAME_ORIGIN } });

/**
 * A PUT whose body arrives when the test says so. `reading` resolves once the server pulls the
 * body (the upload is in flight) and `answered` once it answers without reading it: the test
 * waits on these events, never on time.
 */
function slowPut(url: string) {
  let release!: (bytes: Uint8Array) => void;
  const bytes = new Promise<Uint8Array>((resolve) => (release = resolve));
  let started!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      started();
      if (sent) return controller.close();
      controller.enqueue(await bytes);
      sent = true;
    },
  });
  const response = Promise.resolve(app.request(url, { method: 'PUT', body, duplex: 'half' } as RequestInit));
  return { response, inFlight: Promise.race([reading, response.then(() => undefined)]), finish: release };
}

/** Waits for the in-flight PUT to have claimed its upload (body reading can start before the claim). */
async function claimed(uploadId: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const row = await infra.services.db.selectFrom('uploads').select('put_state').where('id', '=', uploadId).executeTakeFirst();
    if (row?.put_state === 'receiving') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`upload ${uploadId} was never claimed by its PUT`);
}

async function storedFile(uploadId: string) {
  const row = await infra.services.db.selectFrom('uploads').selectAll().where('id', '=', uploadId).executeTakeFirstOrThrow();
  const bytes = new Uint8Array(await readFile(join(infra.dataDir, 'files', row.storage_key)));
  return { row, bytes };
}

describe('signed upload URLs are single use', () => {
  it('a PUT still streaming when /complete runs is refused and never overwrites the stored file', async () => {
    const first = await gradientPng(40, 30);
    const second = await gradientPng(30, 40);
    const { uploadId, uploadUrl } = await signedUrl(alice.cookie, Math.max(first.length, second.length));
    expect((await put(uploadUrl, first)).status).toBe(204);

    const late = slowPut(uploadUrl);
    await late.inFlight;
    const done = await complete(alice.cookie, uploadId);
    expect(done.status).toBe(200);
    expect(((await done.json()) as { sha256: string }).sha256).toBe(sha256(first));
    late.finish(second);
    const refused = await late.response;
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('conflict');

    const { row, bytes } = await storedFile(uploadId);
    expect(sha256(bytes)).toBe(sha256(first));
    expect(row).toMatchObject({ status: 'ready', sha256: sha256(first), byte_size: first.length });
  });

  it('a second PUT while the first streams is 409; /complete waits for the first; a PUT after /complete is 409', async () => {
    const first = await gradientPng(24, 24);
    const other = await gradientPng(20, 20);
    const { uploadId, uploadUrl } = await signedUrl(alice.cookie, first.length);
    const streaming = slowPut(uploadUrl);
    await streaming.inFlight;
    await claimed(uploadId);

    const second = await put(uploadUrl, other);
    expect(second.status).toBe(409);
    const early = await complete(alice.cookie, uploadId);
    expect(early.status).toBe(409);
    expect(await errorCode(early)).toBe('upload_not_ready');

    streaming.finish(first);
    expect((await streaming.response).status).toBe(204);
    expect((await put(uploadUrl, other)).status).toBe(409);
    expect((await complete(alice.cookie, uploadId)).status).toBe(200);
    const after = await put(uploadUrl, other);
    expect(after.status).toBe(409);
    const { row, bytes } = await storedFile(uploadId);
    expect(sha256(bytes)).toBe(sha256(first));
    expect(row.sha256).toBe(sha256(first));
  });

  it('a PUT that failed (over the declared size) frees the URL for one retry', async () => {
    const image = await gradientPng(16, 16);
    const { uploadId, uploadUrl } = await signedUrl(alice.cookie, image.length);
    expect((await put(uploadUrl, new Uint8Array(image.length + 100))).status).toBe(413);
    expect((await put(uploadUrl, image)).status).toBe(204);
    expect((await put(uploadUrl, image)).status).toBe(409);
    expect((await complete(alice.cookie, uploadId)).status).toBe(200);
  });

  it('a PUT finishing after the account was deleted stores nothing', async () => {
    const bob = await signUpWithAllCookies(app, 'deleted-mid-put@example.com');
    const image = await gradientPng(16, 16);
    const { uploadUrl } = await signedUrl(bob.cookie, image.length);
    const streaming = slowPut(uploadUrl);
    await streaming.inFlight;
    const deleted = await app.request('/api/v1/account', {
      method: 'DELETE',
      headers: { cookie: bob.cookie, origin: SAME_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(deleted.status).toBe(204);
    streaming.finish(image);
    expect([404, 409]).toContain((await streaming.response).status);
    expect(await userFolderExists(infra, bob.userId)).toBe(false);
  });
});
