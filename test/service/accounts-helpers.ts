/**
 * Helpers for the account-security tests: the full app over test services, a sign-up that keeps
 * every cookie better-auth sets (as a copied browser session would), API keys, uploads, and a
 * look at what the user still has on disk.
 */
import { createApp } from '../../src/app.ts';
import type { AppDependencies } from '../../src/app.ts';
import type { Services } from '../../src/compose.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { gradientPng } from './jobs-helpers.ts';

export type AccountsApp = ReturnType<typeof createApp>;

/** The origin a browser on the app's own pages sends (BASE_URL of the test services). */
export const SAME_ORIGIN = 'http://localhost:3000';
export const PASSWORD = 'correct horse battery';

export function accountsApp(services: Services, runtime: Pick<AppDependencies, 'jobs'> = {}): AccountsApp {
  return createApp({ services, health: async () => ({ database: true, pool: null }), ...runtime });
}

/** Signs up and returns the whole Cookie header a browser would send next: session token and the signed session data. */
export async function signUpWithAllCookies(app: AccountsApp, email: string): Promise<{ cookie: string; userId: string }> {
  const res = await app.request('/api/auth/sign-up/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SAME_ORIGIN },
    body: JSON.stringify({ email, password: PASSWORD, name: email.split('@')[0] }),
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { user } = (await res.json()) as { user: { id: string } };
  return { cookie, userId: user.id };
}

export async function signOut(app: AccountsApp, cookie: string): Promise<number> {
  return (await app.request('/api/auth/sign-out', { method: 'POST', headers: { cookie, origin: SAME_ORIGIN } })).status;
}

export async function createKey(app: AccountsApp, auth: Record<string, string>, body: Record<string, unknown> = {}): Promise<Response> {
  return app.request('/api/v1/account/api-keys', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', origin: SAME_ORIGIN },
    body: JSON.stringify({ name: 'script', ...body }),
  });
}

export async function newKey(
  app: AccountsApp,
  auth: Record<string, string>,
  body: Record<string, unknown> = {},
): Promise<{ key: string; id: string; scopes: string[] }> {
  const res = await createKey(app, auth, body);
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${await res.text()}`);
  const { key, apiKey } = (await res.json()) as { key: string; apiKey: { id: string; scopes: string[] } };
  return { key, id: apiKey.id, scopes: apiKey.scopes };
}

/** A small PNG an upload accepts (encoded once per test file). */
let png: Promise<Uint8Array> | undefined;
export const smallPng = () => (png ??= gradientPng(16, 12));

export async function uploadFile(app: AccountsApp, headers: Record<string, string>, bytes?: Uint8Array): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([(bytes ?? (await smallPng())) as BlobPart], 'small.png', { type: 'image/png' }));
  return app.request('/api/v1/uploads', { method: 'POST', body: form, headers });
}

/** Stored objects under the user's storage prefix (files on disk, objects in R2), or [] when none. */
export async function filesOf(infra: TestInfra, userId: string): Promise<string[]> {
  return infra.storedKeys(storageKeys.userPrefix(userId));
}

/** Whether anything of the user is left in storage: objects, or even an empty folder named by their id. */
export async function userFolderExists(infra: TestInfra, userId: string): Promise<boolean> {
  return infra.prefixExists(storageKeys.userPrefix(userId));
}
