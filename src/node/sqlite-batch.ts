/**
 * AtomicBatch on better-sqlite3: the statements run inside one `BEGIN IMMEDIATE` transaction,
 * synchronously, so nothing else on this thread interleaves and other processes wait for the write
 * lock (busy_timeout) instead of failing half way. Statements come from the same prepare (and
 * cache) Kysely's driver uses, and results have the shape that driver gives.
 *
 * It does not take Kysely's connection lock: nothing at run time opens a Kysely transaction on this
 * connection (services and repositories may not, better-auth does not on SQLite), and one opened
 * around a batch would deadlock on it. Were one open, better-sqlite3 nests the batch as a savepoint.
 */
import type Sqlite from 'better-sqlite3';
import type { CompiledQuery, QueryResult, SqliteDatabase } from 'kysely';
import { DatabaseBusyError } from '../domain/database-errors.ts';
import type { AtomicBatch } from '../repositories/atomic-batch.ts';
import { isBusy } from '../repositories/database-errors.ts';

export function sqliteBatch(sqlite: Sqlite.Database, prepare: SqliteDatabase['prepare'] = (text) => sqlite.prepare(text)): AtomicBatch {
  const runAll = sqlite.transaction((queries: readonly CompiledQuery[]) =>
    queries.map((query): QueryResult<Record<string, unknown>> => {
      const statement = prepare(query.sql);
      const parameters = query.parameters as unknown[];
      if (statement.reader) return { rows: statement.all(parameters) as Record<string, unknown>[] };
      const { changes } = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes) };
    }),
  );
  return {
    async run(queries) {
      if (queries.length === 0) return [];
      try {
        return runAll.immediate(queries);
      } catch (error) {
        // As the Kysely dialect does (classifyErrors): a lock held past busy_timeout is a 503, retried.
        throw isBusy(error) ? new DatabaseBusyError({ cause: error }) : error;
      }
    },
  };
}
