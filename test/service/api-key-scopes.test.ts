/**
 * API keys carry scopes: read (GETs), jobs (uploads, jobs, shares) and account (keys, billing,
 * export, deletion). New keys get read+jobs unless asked otherwise; a key needs `account` to make
 * keys and never grants more than it holds; each key records the key that made it, and revoking a
 * key revokes everything it made, transitively, from the next request on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { PASSWORD, SAME_ORIGIN, accountsApp, createKey, newKey, signUpWithAllCookies, uploadFile } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';

let infra: TestInfra;
let app: AccountsApp;
let alice: { cookie: string; userId: string };

beforeAll(async () => {
  infra = await createTestServices();
  app = accountsApp(infra.services);
  alice = await signUpWithAllCookies(app, 'scopes@example.com');
});
afterAll(() => infra.close());

const session = () => ({ cookie: alice.cookie, origin: SAME_ORIGIN });
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const status = async (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
  (await app.request(path, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } })).status;

describe('scopes', () => {
  it('a new key gets read+jobs: it reads and uploads, but cannot make keys, export, bill or delete the account', async () => {
    const { key, id, scopes } = await newKey(app, session());
    expect(scopes).toEqual(['read', 'jobs']);
    const auth = { 'x-api-key': key };
    expect(await status('/api/v1/credits', auth)).toBe(200);
    expect((await uploadFile(app, auth)).status).toBe(201);

    const minted = await createKey(app, auth);
    expect(minted.status).toBe(403);
    expect(await errorCode(minted)).toBe('insufficient_scope');
    expect(await status('/api/v1/account/api-keys', auth)).toBe(403);
    expect(await status(`/api/v1/account/api-keys/${id}`, auth, { method: 'DELETE' })).toBe(403);
    expect(await status('/api/v1/account/export', auth)).toBe(403);
    expect(
      await status('/api/v1/billing/portal', auth, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    ).toBe(403);
    expect(
      await status('/api/v1/account', auth, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: PASSWORD }),
      }),
    ).toBe(403);
    const keys = await infra.services.db.selectFrom('api_keys').select('id').where('user_id', '=', alice.userId).execute();
    expect(keys.map((k) => k.id)).toEqual([id]);
  });

  it('a read-only key cannot upload or start jobs; a jobs-only key cannot read', async () => {
    const reader = await newKey(app, session(), { scopes: ['read'] });
    expect(await status('/api/v1/uploads', { 'x-api-key': reader.key })).toBe(200);
    const upload = await uploadFile(app, { 'x-api-key': reader.key });
    expect(upload.status).toBe(403);
    expect(await errorCode(upload)).toBe('insufficient_scope');
    expect(
      await status(
        '/api/v1/jobs',
        { 'x-api-key': reader.key },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      ),
    ).toBe(403);
    const writer = await newKey(app, session(), { scopes: ['jobs'] });
    expect(await status('/api/v1/uploads', { 'x-api-key': writer.key })).toBe(403);
    expect((await uploadFile(app, { 'x-api-key': writer.key })).status).toBe(201);
  });

  it('unknown scopes and an empty list are a 400', async () => {
    expect((await createKey(app, session(), { scopes: ['admin'] })).status).toBe(400);
    expect((await createKey(app, session(), { scopes: [] })).status).toBe(400);
  });
});

describe('keys made by keys', () => {
  it('an account key makes keys no stronger than itself, and they record who made them', async () => {
    const parent = await newKey(app, session(), { scopes: ['read', 'account'] });
    const stronger = await createKey(app, { 'x-api-key': parent.key }, { scopes: ['read', 'jobs'] });
    expect(stronger.status).toBe(403);
    expect(await errorCode(stronger)).toBe('insufficient_scope');
    const child = await newKey(app, { 'x-api-key': parent.key }, { scopes: ['read'] });
    expect(child.scopes).toEqual(['read']);
    const listed = (await (await app.request('/api/v1/account/api-keys', { headers: session() })).json()) as {
      apiKeys: Array<{ id: string; createdByKeyId: string | null; scopes: string[] }>;
    };
    expect(listed.apiKeys.find((k) => k.id === child.id)).toMatchObject({ createdByKeyId: parent.id, scopes: ['read'] });
    expect(listed.apiKeys.find((k) => k.id === parent.id)).toMatchObject({ createdByKeyId: null });
  });

  it('revoking a key revokes the keys it made, and theirs, on the next request; other keys keep working', async () => {
    const root = await newKey(app, session(), { scopes: ['read', 'jobs', 'account'] });
    const child = await newKey(app, { 'x-api-key': root.key }, { scopes: ['read', 'account'] });
    const grandchild = await newKey(app, { 'x-api-key': child.key }, { scopes: ['read'] });
    const sibling = await newKey(app, session());
    for (const k of [root, child, grandchild, sibling]) expect(await status('/api/v1/credits', { 'x-api-key': k.key })).toBe(200);

    expect(await status(`/api/v1/account/api-keys/${root.id}`, session(), { method: 'DELETE' })).toBe(204);
    for (const k of [root, child, grandchild]) expect(await status('/api/v1/credits', { 'x-api-key': k.key })).toBe(401);
    expect(await status('/api/v1/credits', { 'x-api-key': sibling.key })).toBe(200);
    const rows = await infra.services.db
      .selectFrom('api_keys')
      .select(['id', 'revoked_at'])
      .where('id', 'in', [root.id, child.id, grandchild.id, sibling.id])
      .execute();
    expect(rows.filter((r) => r.revoked_at !== null).map((r) => r.id)).toHaveLength(3);
  });

  it('a key revoked cannot make keys any more', async () => {
    const parent = await newKey(app, session(), { scopes: ['read', 'account'] });
    expect(await status(`/api/v1/account/api-keys/${parent.id}`, session(), { method: 'DELETE' })).toBe(204);
    expect((await createKey(app, { 'x-api-key': parent.key }, { scopes: ['read'] })).status).toBe(401);
  });
});
