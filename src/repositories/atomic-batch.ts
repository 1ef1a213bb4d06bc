/**
 * The one way to change several rows at once: a batch of compiled statements that applies all or
 * nothing, with no code running between them. D1 has no interactive transactions (a Worker cannot
 * hold a connection across awaits), so nothing in src/services or src/repositories opens one
 * (test/platform/no-interactive-transactions.test.ts says so); a batch is atomic on both backends.
 *
 * A later statement that must depend on an earlier one says so in SQL: `INSERT … SELECT … WHERE
 * EXISTS (…)` on a row the batch wrote, or a condition on the state before the batch (statements run
 * in order, each sees what the earlier ones wrote). `guard` aborts the whole batch when a condition
 * is false: the optimistic check for decisions made from reads taken before the batch.
 *
 * Implementations: better-sqlite3 (src/node/sqlite-batch.ts) and D1
 * (src/repositories/d1/d1-batch.ts), handed to the services through the composition root.
 */
import { sql } from 'kysely';
import type { CompiledQuery, Kysely, QueryResult, RawBuilder } from 'kysely';

export interface AtomicBatch {
  /** Runs the statements in order as one transaction; results in the same order. Throws (and applies nothing) if any fails. */
  run(queries: readonly CompiledQuery[]): Promise<QueryResult<Record<string, unknown>>[]>;
}

/** The message a failed `guard` aborts its batch with (a trigger raises it: migration AtomicLedger). */
export const GUARD_FAILED = 'batch guard failed';

/** A statement that aborts its batch, rolling back the statements before it, unless `condition` holds. */
// biome-ignore lint/suspicious/noExplicitAny: compiles against any schema
export function guard(db: Kysely<any>, condition: RawBuilder<unknown>): CompiledQuery {
  return sql`INSERT INTO batch_guards (failed) SELECT 1 WHERE NOT (${condition})`.compile(db);
}

/** All of `conditions`, for one `guard`. */
export const allOf = (conditions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> => sql.join(conditions, sql` AND `);

export function isGuardFailure(error: unknown): boolean {
  return error instanceof Error && error.message.includes(GUARD_FAILED);
}

/** Rows of the statement at `index`, typed by the caller. */
export const rowsOf = <T>(results: readonly QueryResult<Record<string, unknown>>[], index: number): T[] =>
  (results[index]?.rows ?? []) as T[];

/** Rows the statement at `index` changed (UPDATE, DELETE, INSERT without RETURNING). */
export const changedBy = (results: readonly QueryResult<Record<string, unknown>>[], index: number): number =>
  Number(results[index]?.numAffectedRows ?? 0);
