/**
 * The export holds everything stored about the user: besides account, uploads, jobs, ledger and
 * billing, their shares, their sessions (IP, user agent, times; never the session token) and their
 * audit events; API keys with their scopes and maker. No secret (session token, key, key hash)
 * appears anywhere in the zip.
 */
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { PASSWORD, SAME_ORIGIN, accountsApp, newKey, signUpWithAllCookies } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';

let infra: TestInfra;
let app: AccountsApp;
beforeAll(async () => {
  infra = await createTestServices({ TRUST_PROXY: '1' });
  app = accountsApp(infra.services);
});
afterAll(() => infra.close());

async function signIn(email: string, ip: string, userAgent: string): Promise<string> {
  const res = await app.request('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SAME_ORIGIN, 'x-forwarded-for': ip, 'user-agent': userAgent },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

it('the zip holds shares, sessions and audit events, and no secret', async () => {
  const email = 'exporter@example.com';
  const { cookie, userId } = await signUpWithAllCookies(app, email);
  const phone = await signIn(email, '203.0.113.7', 'PrinterPhone/2.1');
  const key = await newKey(app, { cookie, origin: SAME_ORIGIN }, { scopes: ['read', 'account'] });
  const child = await newKey(app, { 'x-api-key': key.key }, { scopes: ['read'] });

  const jobId = newId('job');
  const db = infra.services.db;
  await sql`insert into jobs (id, user_id, mode, params, status, created_at) values (${jobId}, ${userId}, 'relief', '{}', 'succeeded', ${Date.now()})`.execute(
    db,
  );
  await db
    .insertInto('shares')
    .values({
      token: 'share_token_for_export_test_0001',
      job_id: jobId,
      user_id: userId,
      name: 'Desk lamp',
      created_at: Date.now(),
      revoked_at: null,
    })
    .execute();

  const res = await app.request('/api/v1/account/export', { headers: { cookie: phone } });
  expect(res.status).toBe(200);
  const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
  const read = (name: string) => JSON.parse(new TextDecoder().decode(zip[name]));
  expect(Object.keys(zip)).toEqual(expect.arrayContaining(['shares.json', 'sessions.json', 'audit-events.json']));

  expect(read('shares.json')).toEqual([
    expect.objectContaining({ token: 'share_token_for_export_test_0001', jobId, name: 'Desk lamp', revokedAt: null }),
  ]);

  const sessions = read('sessions.json') as Array<Record<string, unknown>>;
  expect(sessions).toHaveLength(2);
  expect(sessions).toEqual(expect.arrayContaining([expect.objectContaining({ ipAddress: '203.0.113.7', userAgent: 'PrinterPhone/2.1' })]));
  for (const s of sessions) {
    expect(s.createdAt).toMatch(/^\d{4}-/);
    expect(s.expiresAt).toMatch(/^\d{4}-/);
    expect(Object.keys(s)).not.toContain('token');
  }

  const audit = read('audit-events.json') as Array<{ event: string; date: string; ip: string | null }>;
  expect(audit.map((a) => a.event)).toEqual(expect.arrayContaining(['user.created', 'auth.sign_in', 'api_key.created']));
  expect(audit.find((a) => a.ip === '203.0.113.7')?.event).toBe('auth.sign_in');

  const account = read('account.json');
  expect(account.apiKeys).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: key.id, scopes: ['read', 'account'], createdByKeyId: null }),
      expect.objectContaining({ id: child.id, scopes: ['read'], createdByKeyId: key.id }),
    ]),
  );

  // No secret anywhere: session tokens, the keys, their hashes.
  const tokens = (await sql<{ token: string }>`select token from session where "userId" = ${userId}`.execute(db)).rows.map((r) => r.token);
  const hashes = (await db.selectFrom('api_keys').select('key_hash').where('user_id', '=', userId).execute()).map((r) => r.key_hash);
  const everything = Object.values(zip)
    .map((bytes) => new TextDecoder().decode(bytes))
    .join('\n');
  for (const secret of [...tokens, ...hashes, key.key, child.key]) expect(everything).not.toContain(secret);
});
