/**
 * The one place that reads the database engine's error texts. better-sqlite3 sets `code`
 * (SQLITE_BUSY, SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_FOREIGNKEY); D1 has only the message
 * ("D1_ERROR: UNIQUE constraint failed: jobs.user_id, jobs.idempotency_key"). `classifyErrors`
 * wraps a Kysely dialect so that every query, transaction start and commit that fails because the
 * database is busy throws the domain's DatabaseBusyError (a 503 with Retry-After wherever it
 * surfaces); unique and foreign-key violations stay as they are (better-auth reads its own), and
 * repositories that expect one translate it with the predicates here.
 */
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { DatabaseBusyError, UniqueViolationError } from '../domain/database-errors.ts';

interface EngineError {
  code?: unknown;
  message?: unknown;
}

const engineSays = (error: unknown, code: RegExp, text: RegExp): boolean => {
  const e = error as EngineError | undefined;
  return (typeof e?.code === 'string' && code.test(e.code)) || (typeof e?.message === 'string' && text.test(e.message));
};

/** Another writer held the lock past the busy timeout (SQLite: SQLITE_BUSY, "database is locked"). */
export const isBusy = (error: unknown): boolean =>
  error instanceof DatabaseBusyError || engineSays(error, /^SQLITE_BUSY/, /SQLITE_BUSY|database is locked/i);
export const isUniqueViolation = (error: unknown): boolean =>
  engineSays(error, /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/, /UNIQUE constraint failed/i);
export const isForeignKeyViolation = (error: unknown): boolean =>
  engineSays(error, /^SQLITE_CONSTRAINT_FOREIGNKEY$/, /FOREIGN KEY constraint failed/i);

/** Runs a write; a unique violation becomes the domain's UniqueViolationError. */
export async function uniqueOrThrow<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw isUniqueViolation(error) ? new UniqueViolationError({ cause: error }) : error;
  }
}

const classify = (error: unknown): unknown =>
  isBusy(error) && !(error instanceof DatabaseBusyError) ? new DatabaseBusyError({ cause: error }) : error;

async function classified<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classify(error);
  }
}

/** The dialect with a busy database reported as DatabaseBusyError. */
export function classifyErrors(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => classifyingDriver(dialect.createDriver()),
  };
}

function classifyingDriver(driver: Driver): Driver {
  // The driver is handed back the connections it gave out, never the wrappers (a pool may compare them).
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  const wrap = (connection: DatabaseConnection): DatabaseConnection => {
    const outer: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => classified(() => connection.executeQuery<R>(query)),
      async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        try {
          yield* connection.streamQuery<R>(query, chunkSize);
        } catch (error) {
          throw classify(error);
        }
      },
    };
    inner.set(outer, connection);
    return outer;
  };
  return {
    init: () => classified(() => driver.init()),
    acquireConnection: () => classified(async () => wrap(await driver.acquireConnection())),
    beginTransaction: (connection, settings) => classified(() => driver.beginTransaction(unwrap(connection), settings)),
    commitTransaction: (connection) => classified(() => driver.commitTransaction(unwrap(connection))),
    rollbackTransaction: (connection) => classified(() => driver.rollbackTransaction(unwrap(connection))),
    ...(driver.savepoint && {
      savepoint: (connection, name, compile) => classified(() => driver.savepoint!(unwrap(connection), name, compile)),
    }),
    ...(driver.rollbackToSavepoint && {
      rollbackToSavepoint: (connection, name, compile) => classified(() => driver.rollbackToSavepoint!(unwrap(connection), name, compile)),
    }),
    ...(driver.releaseSavepoint && {
      releaseSavepoint: (connection, name, compile) => classified(() => driver.releaseSavepoint!(unwrap(connection), name, compile)),
    }),
    releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
    destroy: () => driver.destroy(),
  };
}
