/** SQLite for the embedded default: better-sqlite3 in WAL mode behind Kysely. */
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: Sqlite.Database;
}

export function openSqlite(path: string): OpenedDatabase {
  const sqlite = new Sqlite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Wait for a competing writer instead of failing at once ("database is locked").
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, sqlite };
}
