/**
 * The account page's name, avatar and support messages through the real app (issue 15, makerweb
 * item 4): the name changes, an avatar is checked (size, pixels, type) and stored; a support
 * message is stored with the account, is in the export (support.json, with the avatar), and is
 * gone, with the avatar file, when the account is deleted.
 */
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

const ORIGIN = 'http://localhost:3000';
let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let cookie: string;
let userId: string;

beforeAll(async () => {
  infra = await createTestServices();
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  cookie = await signUp(app, 'profile@example.com');
  userId = (await infra.services.db.selectFrom('user').select('id').where('email', '=', 'profile@example.com').executeTakeFirstOrThrow())
    .id;
});
afterAll(async () => infra?.close());

const json = (method: string, path: string, body: unknown, who = cookie) =>
  app.request(path, { method, headers: { cookie: who, 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify(body) });
function putAvatar(bytes: Uint8Array, who = cookie) {
  const form = new FormData();
  form.append('file', new File([bytes as BlobPart], 'me.png'));
  return app.request('/api/v1/account/avatar', { method: 'PUT', body: form, headers: { cookie: who, origin: ORIGIN } });
}
const png = async (w: number, h: number, noise = false) => {
  const image = noise
    ? sharp(Buffer.from(Array.from({ length: w * h * 3 }, () => Math.floor(Math.random() * 256))), {
        raw: { width: w, height: h, channels: 3 },
      })
    : sharp({ create: { width: w, height: h, channels: 3, background: '#3366cc' } });
  return new Uint8Array(await image.png().toBuffer());
};
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('profile', () => {
  it('changes the name', async () => {
    const res = await json('PATCH', '/api/v1/account/profile', { name: '  Ada Lovelace ' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Ada Lovelace', email: 'profile@example.com', avatarUrl: null });
    expect((await json('PATCH', '/api/v1/account/profile', { name: '' })).status).toBe(400);
    expect((await json('PATCH', '/api/v1/account/profile', { name: 'x', admin: true })).status).toBe(400);
  });

  it('stores a small avatar and refuses big, huge or non-picture files', async () => {
    const good = await png(64, 64);
    const res = await putAvatar(good);
    expect(res.status).toBe(200);
    const { avatarUrl } = (await res.json()) as { avatarUrl: string };
    expect(avatarUrl).toMatch(/^\/api\/v1\/account\/avatar\?v=[0-9a-f]{12}$/);
    const img = await app.request(avatarUrl, { headers: { cookie } });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(good);
    expect(await infra.storedKeys(`users/${userId}/`)).toContain(`users/${userId}/avatar`);

    const tooManyPixels = await putAvatar(await png(2000, 10));
    expect([tooManyPixels.status, await code(tooManyPixels)]).toEqual([413, 'image_too_large']);
    const tooBig = await putAvatar(await png(400, 400, true)); // noise does not compress: ~480 KB
    expect([tooBig.status, await code(tooBig)]).toEqual([413, 'file_too_large']);
    const notAPicture = await putAvatar(new TextEncoder().encode('solid x\nendsolid x\n'));
    expect([notAPicture.status, await code(notAPicture)]).toEqual([415, 'unsupported_media_type']);
    // The refused files left the stored one alone.
    expect(new Uint8Array(await (await app.request('/api/v1/account/avatar', { headers: { cookie } })).arrayBuffer())).toEqual(good);
    // Someone else has no avatar: a 404, never ours.
    const other = await signUp(app, 'other@example.com');
    expect((await app.request('/api/v1/account/avatar', { headers: { cookie: other } })).status).toBe(404);
    expect((await app.request('/api/v1/account/avatar')).status).toBe(401);
  });
});

describe('support messages', () => {
  it('stores a message with the account and lists it', async () => {
    const res = await json('POST', '/api/v1/account/support', { subject: 'Lamp too dark', message: 'My cylinder prints too thick.' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ subject: 'Lamp too dark', message: 'My cylinder prints too thick.' });
    expect((await json('POST', '/api/v1/account/support', { subject: '', message: 'x' })).status).toBe(400);
    expect((await json('POST', '/api/v1/account/support', { subject: 'x', message: 'y'.repeat(5001) })).status).toBe(400);
    const list = (await (await app.request('/api/v1/account/support', { headers: { cookie } })).json()) as { messages: unknown[] };
    expect(list.messages).toHaveLength(1);
  });

  it('puts the messages and the avatar in the export', async () => {
    const res = await app.request('/api/v1/account/export', { headers: { cookie } });
    expect(res.status).toBe(200);
    const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const support = JSON.parse(new TextDecoder().decode(zip['support.json'])) as Array<{ subject: string; message: string }>;
    expect(support).toEqual([expect.objectContaining({ subject: 'Lamp too dark', message: 'My cylinder prints too thick.' })]);
    expect(zip.avatar?.byteLength).toBeGreaterThan(0);
    const account = JSON.parse(new TextDecoder().decode(zip['account.json'])) as { profile: { name: string } };
    expect(account.profile.name).toBe('Ada Lovelace');
  });

  it('removes the messages and the avatar when the account is deleted', async () => {
    const res = await json('DELETE', '/api/v1/account', { password: 'correct horse battery' });
    expect(res.status).toBe(204);
    const left = await infra.services.db.selectFrom('support_messages').selectAll().where('user_id', '=', userId).execute();
    expect(left).toEqual([]);
    expect(await infra.storedKeys(`users/${userId}/`)).toEqual([]);
  });
});
