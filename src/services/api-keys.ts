/**
 * API keys for scripts (header `x-api-key`). A key is `its_` + 43 random url-safe characters; only
 * its SHA-256 is stored. Each key has its own rate limit (a fixed one-minute window, through the
 * RateLimiter port: in memory for the embedded default, a Durable Object on Workers).
 *
 * Keys carry scopes (src/domain/api-key-scopes.ts; read+jobs by default). A key makes keys only
 * with `account` and only as strong as itself; the new key records its maker, and revoking a key
 * revokes every key below it in one statement, so none survives its maker.
 */
import type { Kysely } from 'kysely';
import { createMemoryRateLimiter } from '../domain/rate-limiter.ts';
import type { RateLimiter } from '../domain/rate-limiter.ts';
import type { ApiKey, Database } from '../db/schema.ts';
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES, insufficientScope, normalizeScopes } from '../domain/api-key-scopes.ts';
import type { ApiKeyScope } from '../domain/api-key-scopes.ts';
import { newId, randomToken, sha256Hex } from '../domain/ids.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import { apiKeysRepository } from '../repositories/api-keys.ts';

/** The key a request authenticated with, when a key (not a session) asks for a new key. */
export interface KeyMaker {
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

export interface ApiKeysService {
  create(
    userId: string,
    request: { name: string; scopes?: readonly ApiKeyScope[] },
    maker?: KeyMaker,
  ): Promise<{ key: string; record: PublicApiKey }>;
  list(userId: string): Promise<PublicApiKey[]>;
  /** Revokes the key and every key it made, transitively; returns the ids revoked now. */
  revoke(userId: string, id: string): Promise<string[]>;
  /** Resolves a presented key to its owner and scopes, or undefined; throws 429 when the key is over its limit. */
  authenticate(key: string): Promise<{ userId: string; keyId: string; scopes: ApiKeyScope[] } | undefined>;
}

export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdByKeyId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const toPublic = (k: ApiKey): PublicApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: parseScopes(k.scopes),
  createdByKeyId: k.created_by_key_id,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  revokedAt: k.revoked_at,
});

/** The stored JSON list; anything unreadable counts as no scope at all (fails closed). */
export function parseScopes(text: string): ApiKeyScope[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? normalizeScopes(parsed.filter((s): s is ApiKeyScope => API_KEY_SCOPES.includes(s))) : [];
  } catch {
    return [];
  }
}

export function createApiKeysService(
  db: Kysely<Database>,
  options: { perMinute: number; clock: () => number; limiter?: RateLimiter },
): ApiKeysService {
  // Per-process state behind the port: in memory by default, a Durable Object one on Workers.
  const limiter = options.limiter ?? createMemoryRateLimiter('API key', options.perMinute, options.clock);
  const keys = apiKeysRepository(db);

  async function consume(keyId: string): Promise<void> {
    const { allowed, retryAfter } = await limiter.take(keyId);
    if (!allowed) {
      throw new ServiceError(
        'rate_limited',
        `this API key is limited to ${limiter.perMinute} requests a minute`,
        { limit: limiter.perMinute },
        retryAfter,
      );
    }
  }

  return {
    async create(userId, request, maker) {
      const scopes = normalizeScopes(request.scopes ?? DEFAULT_API_KEY_SCOPES);
      if (scopes.length === 0) throw ServiceError.of('invalid_request', 'an API key needs at least one scope');
      if (maker) {
        if (!maker.scopes.includes('account')) throw insufficientScope('account', maker.scopes);
        const beyond = scopes.find((s) => !maker.scopes.includes(s));
        if (beyond) throw insufficientScope(beyond, maker.scopes);
      }
      const key = `its_${randomToken(32)}`;
      const row = {
        id: newId('key'),
        user_id: userId,
        name: request.name.slice(0, 100) || 'API key',
        prefix: key.slice(0, 10),
        key_hash: await sha256Hex(key),
        created_at: options.clock(),
        last_used_at: null,
        revoked_at: null,
        scopes: JSON.stringify(scopes),
        created_by_key_id: maker?.keyId ?? null,
      };
      // One conditional INSERT: the maker must be live when the row is written, so a revocation of
      // the maker either comes first (no key made) or finds this key below it and revokes it too.
      if (!(await keys.insertWhileMakerLive(row, maker?.keyId)))
        throw new ServiceError('unauthorized', 'the API key is not valid or was revoked');
      return { key, record: toPublic(row) };
    },
    async list(userId) {
      return (await keys.listOwned(userId)).map(toPublic);
    },
    async revoke(userId, id) {
      const ids = await keys.revokeWithDescendants(userId, id, options.clock());
      if (!ids.includes(id)) throw notFound('the API key');
      return ids;
    },
    async authenticate(key) {
      if (!key.startsWith('its_') || key.length > 100) return undefined;
      const row = await keys.findByHash(await sha256Hex(key));
      if (!row || row.revoked_at !== null) return undefined;
      await consume(row.id);
      await keys.markUsed(row.id, options.clock());
      return { userId: row.user_id, keyId: row.id, scopes: parseScopes(row.scopes) };
    },
  };
}
