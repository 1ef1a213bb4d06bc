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
import { sql } from 'kysely';
import { createMemoryRateLimiter } from '../domain/rate-limiter.ts';
import type { RateLimiter } from '../domain/rate-limiter.ts';
import type { ApiKey, Database } from '../db/schema.ts';
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES, insufficientScope, normalizeScopes } from '../domain/api-key-scopes.ts';
import type { ApiKeyScope } from '../domain/api-key-scopes.ts';
import { newId, randomToken, sha256Hex } from '../domain/ids.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import { ownerMustExist } from '../repositories/owner-must-exist.ts';

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
      const makerLive = maker
        ? sql`EXISTS (SELECT 1 FROM api_keys m WHERE m.id = ${maker.keyId} AND m.user_id = ${userId} AND m.revoked_at IS NULL)`
        : sql`1`;
      const columns = Object.keys(row) as (keyof typeof row)[];
      const inserted = await ownerMustExist(
        sql`INSERT INTO api_keys (${sql.join(columns.map((c) => sql.ref(c)))})
          SELECT ${sql.join(columns.map((c) => sql.val(row[c])))} WHERE ${makerLive}`.execute(db),
      );
      if (Number(inserted.numAffectedRows ?? 0) === 0) throw new ServiceError('unauthorized', 'the API key is not valid or was revoked');
      return { key, record: toPublic(row) };
    },
    async list(userId) {
      const rows = await db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
      return rows.map(toPublic);
    },
    async revoke(userId, id) {
      const revoked = await sql<{ id: string }>`
        WITH RECURSIVE below(id) AS (
          SELECT id FROM api_keys WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL
          UNION
          SELECT k.id FROM api_keys k JOIN below b ON k.created_by_key_id = b.id
        )
        UPDATE api_keys SET revoked_at = ${options.clock()}
        WHERE id IN (SELECT id FROM below) AND revoked_at IS NULL
        RETURNING id`.execute(db);
      const ids = revoked.rows.map((r) => r.id);
      if (!ids.includes(id)) throw notFound('the API key');
      return ids;
    },
    async authenticate(key) {
      if (!key.startsWith('its_') || key.length > 100) return undefined;
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', await sha256Hex(key))
        .executeTakeFirst();
      if (!row || row.revoked_at !== null) return undefined;
      await consume(row.id);
      await db.updateTable('api_keys').set({ last_used_at: options.clock() }).where('id', '=', row.id).execute();
      return { userId: row.user_id, keyId: row.id, scopes: parseScopes(row.scopes) };
    },
  };
}
