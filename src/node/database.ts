/** SQLite for the embedded default: better-sqlite3 in WAL mode behind Kysely. */
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: Sqlite.Database;
}

export function openSqlite(path: string, options: { busyTimeoutMs?: number } = {}): OpenedDatabase {
  const sqlite = new Sqlite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Wait for a competing writer instead of failing at once ("database is locked"); past it the API answers 503.
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, sqlite };
}
