/** SQLite for the embedded default: better-sqlite3 in WAL mode behind Kysely. */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AtomicBatch } from '../repositories/atomic-batch.ts';
import { classifyErrors } from '../repositories/database-errors.ts';
import { sqliteBatch } from './sqlite-batch.ts';

export interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: Sqlite.Database;
  /** Multi-row changes: one transaction of prepared statements on the same handle (no interactive transactions). */
  batch: AtomicBatch;
}

/**
 * The database file is created 0600 before SQLite opens it (SQLite would make it 0644, and makes
 * its -wal and -shm files with the database file's mode); an existing one is tightened.
 */
function ownerOnly(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) if (existsSync(file)) chmodSync(file, 0o600);
}

/** Distinct SQL texts kept compiled; the app issues a few hundred at most (IN lists vary the text). */
const STATEMENT_CACHE_SIZE = 500;

export function openSqlite(path: string, options: { busyTimeoutMs?: number } = {}): OpenedDatabase {
  ownerOnly(path);
  const sqlite = new Sqlite(path);
  // Deleted rows and freed pages are overwritten with zeros, so a deleted account's data does not
  // linger in free space (the WAL is emptied after a deletion: accountDataRepository).
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Wait for a competing writer instead of failing at once ("database is locked"); past it the API answers 503.
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  const cached = withStatementCache(sqlite, STATEMENT_CACHE_SIZE);
  // A write that waited out busy_timeout fails as the domain's DatabaseBusyError (503, retried by the runner).
  const dialect = classifyErrors(new SqliteDialect({ database: cached }));
  const db = new Kysely<Database>({ dialect });
  return { db, sqlite, batch: sqliteBatch(sqlite, (text) => cached.prepare(text)) };
}

/**
 * Kysely's SQLite driver calls prepare() for every query, and better-sqlite3 compiles the SQL
 * each time: in a profile of 100 clients polling GET /api/v1/jobs/:id, prepare was the largest
 * single cost on the main thread (1.4 s of 14 s busy). Reusing the statement for the same text is
 * safe: the driver runs one query at a time on its one connection (a mutex), and SQLite
 * recompiles a statement itself when the schema changes. Least recently used texts are dropped.
 */
export function withStatementCache(sqlite: Sqlite.Database, size: number): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}
