/**
 * What an API key may do. `read`: every GET. `jobs`: uploads, jobs, shares, download links.
 * `account`: API keys, billing, export and deletion of the account. A signed-in session may do
 * everything; a key only what its scopes say (src/http/key-scopes.ts maps routes to scopes).
 */
import { ServiceError } from './errors.ts';

export const API_KEY_SCOPES = ['read', 'jobs', 'account'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Enough for a script that makes models; managing the account takes a key made for it. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ['read', 'jobs'];

/** Scopes in the canonical order, without repeats. */
export function normalizeScopes(scopes: readonly ApiKeyScope[]): ApiKeyScope[] {
  return API_KEY_SCOPES.filter((s) => scopes.includes(s));
}

/** 403 insufficient_scope: the key is valid, but not for this. */
export function insufficientScope(required: ApiKeyScope, held: readonly ApiKeyScope[]): ServiceError {
  return new ServiceError('insufficient_scope', `this API key lacks the "${required}" scope`, { required, scopes: [...held] });
}
