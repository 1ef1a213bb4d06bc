/**
 * API keys for scripts (header `x-api-key`). A key is `its_` + 43 random url-safe characters; only
 * its SHA-256 is stored. Each key has its own rate limit (a fixed one-minute window, in memory:
 * the embedded default is one process; Workers would keep it in D1/KV).
 */
import type { Kysely } from 'kysely';
import type { ApiKey, Database } from '../db/schema.ts';
import { newId, randomToken, sha256Hex } from '../domain/ids.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import { ownerMustExist } from '../repositories/owner-must-exist.ts';

export interface ApiKeysService {
  create(userId: string, name: string): Promise<{ key: string; record: PublicApiKey }>;
  list(userId: string): Promise<PublicApiKey[]>;
  revoke(userId: string, id: string): Promise<void>;
  /** Resolves a presented key to its owner, or undefined; throws 429 when the key is over its limit. */
  authenticate(key: string): Promise<{ userId: string; keyId: string } | undefined>;
}

export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const toPublic = (k: ApiKey): PublicApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  revokedAt: k.revoked_at,
});

export function createApiKeysService(db: Kysely<Database>, options: { perMinute: number; clock: () => number }): ApiKeysService {
  const windows = new Map<string, { start: number; count: number }>();

  function consume(keyId: string): void {
    const now = options.clock();
    const w = windows.get(keyId);
    if (!w || now - w.start >= 60_000) {
      windows.set(keyId, { start: now, count: 1 });
      return;
    }
    if (++w.count > options.perMinute) {
      const retryAfter = Math.ceil((w.start + 60_000 - now) / 1000);
      throw new ServiceError(
        'rate_limited',
        `this API key is limited to ${options.perMinute} requests a minute`,
        { limit: options.perMinute },
        retryAfter,
      );
    }
  }

  return {
    async create(userId, name) {
      const key = `its_${randomToken(32)}`;
      const row = {
        id: newId('key'),
        user_id: userId,
        name: name.slice(0, 100) || 'API key',
        prefix: key.slice(0, 10),
        key_hash: await sha256Hex(key),
        created_at: options.clock(),
        last_used_at: null,
        revoked_at: null,
      };
      await ownerMustExist(db.insertInto('api_keys').values(row).execute());
      return { key, record: toPublic(row) };
    },
    async list(userId) {
      const rows = await db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
      return rows.map(toPublic);
    },
    async revoke(userId, id) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: options.clock() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound('the API key');
    },
    async authenticate(key) {
      if (!key.startsWith('its_') || key.length > 100) return undefined;
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', await sha256Hex(key))
        .executeTakeFirst();
      if (!row || row.revoked_at !== null) return undefined;
      consume(row.id);
      await db.updateTable('api_keys').set({ last_used_at: options.clock() }).where('id', '=', row.id).execute();
      return { userId: row.user_id, keyId: row.id };
    },
  };
}
