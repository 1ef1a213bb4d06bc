/**
 * The credit ledger: append-only entries with a unique idempotency key. The balance row follows
 * the entries by trigger (migration AtomicLedger), so it always equals their sum. A movement is one
 * conditional INSERT: it applies unless its key was used (a replay is a no-op) or it would take the
 * balance below zero, decided inside the statement, so concurrent holds can never overdraw. It can
 * join a larger batch (a job's hold with its row, a refund with the job's move) through
 * `movementQuery`.
 */
import { sql } from 'kysely';
import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';
import type { CreditEntry, CreditState, Database } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import type { AtomicBatch } from './atomic-batch.ts';
import { rowsOf } from './atomic-batch.ts';

export type Db = Kysely<Database> | Transaction<Database>;

export interface LedgerMovement {
  userId: string;
  amount: number;
  reason: string;
  reference?: string;
  idempotencyKey: string;
}

export type MovementOutcome =
  | { applied: true; balance: number }
  | { applied: false; why: 'duplicate'; balance: number }
  | { applied: false; why: 'insufficient'; balance: number };

/** The user's balance as an SQL expression (0 without a row), read where the statement runs. */
export const balanceExpression = (userId: string): RawBuilder<number> =>
  sql<number>`coalesce((SELECT b.balance FROM credit_balances b WHERE b.user_id = ${userId}), 0)`;

/** True where the statement runs if the user's balance is still `balance` (a batch's guard on a read). */
export const balanceIs = (userId: string, balance: number): RawBuilder<boolean> => sql<boolean>`${balanceExpression(userId)} = ${balance}`;

/** True where the statement runs if the entry `id` exists (e.g. a hold written earlier in the same batch). */
export const entryExists = (id: string): RawBuilder<boolean> => sql<boolean>`EXISTS (SELECT 1 FROM credit_entries h WHERE h.id = ${id})`;

/** Whether a movement with this idempotency key was ever applied. */
export async function keyUsed(db: Db, idempotencyKey: string): Promise<boolean> {
  return (
    (await db.selectFrom('credit_entries').select('id').where('idempotency_key', '=', idempotencyKey).executeTakeFirst()) !== undefined
  );
}

/**
 * The movement as one statement, returning its entry's id when it applied. `amount` may be an SQL
 * expression (a take-back capped by the balance); `when` adds a condition (e.g. the job row this
 * batch inserted exists). An amount of 0 never applies.
 */
export function movementQuery(
  db: Kysely<Database>,
  m: Omit<LedgerMovement, 'amount'> & { amount: number | RawBuilder<number> },
  now: number,
  options: { id?: string; when?: RawBuilder<unknown> } = {},
): CompiledQuery {
  const amount = typeof m.amount === 'number' ? sql<number>`${m.amount}` : m.amount;
  const when = options.when ?? sql`1`;
  return sql`
    INSERT INTO credit_entries (id, user_id, amount, reason, reference, idempotency_key, created_at)
    SELECT ${options.id ?? newId('cre')}, ${m.userId}, ${amount}, ${m.reason}, ${m.reference ?? null}, ${m.idempotencyKey}, ${now}
    WHERE ${amount} <> 0 AND ${balanceExpression(m.userId)} + ${amount} >= 0 AND (${when})
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`.compile(db);
}

/** Applies one movement on its own: the entry and the balance change together, or neither. */
export async function applyMovement(batch: AtomicBatch, db: Kysely<Database>, m: LedgerMovement, now: number): Promise<MovementOutcome> {
  const results = await batch.run([
    sql`SELECT count(*) AS n FROM credit_entries WHERE idempotency_key = ${m.idempotencyKey}`.compile(db),
    movementQuery(db, m, now),
    sql`SELECT ${balanceExpression(m.userId)} AS balance`.compile(db),
  ]);
  const balance = Number(rowsOf<{ balance: number }>(results, 2)[0]?.balance ?? 0);
  if (rowsOf(results, 1).length > 0) return { applied: true, balance };
  if (Number(rowsOf<{ n: number }>(results, 0)[0]?.n ?? 0) > 0) return { applied: false, why: 'duplicate', balance };
  return { applied: false, why: 'insufficient', balance };
}

export async function balanceOf(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('credit_balances').select('balance').where('user_id', '=', userId).executeTakeFirst();
  return row?.balance ?? 0;
}

export async function sumOfEntries(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('credit_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.val(0)).as('total'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** An entry with, when it moved credits for a job, that job's kind and where its credits stand now. */
export type EntryWithJob = CreditEntry & { job_mode: string | null; job_credit_state: CreditState | null };

/** listEntries, each with its job's mode and credit state (a hold that was since charged or refunded says so). */
export async function listEntriesWithJobs(
  db: Db,
  userId: string,
  limit: number,
  before?: { createdAt: number; id: string },
): Promise<EntryWithJob[]> {
  const rows = await listEntries(db, userId, limit, before);
  const jobIds = [...new Set(rows.flatMap((r) => (r.reference?.startsWith('job_') ? [r.reference] : [])))];
  const jobs =
    jobIds.length === 0
      ? []
      : await db
          .selectFrom('jobs')
          .select(['id', 'mode', 'credit_state'])
          .where('id', 'in', jobIds)
          .where('user_id', '=', userId)
          .execute();
  const byId = new Map(jobs.map((j) => [j.id, j]));
  return rows.map((r) => {
    const job = r.reference ? byId.get(r.reference) : undefined;
    return { ...r, job_mode: job?.mode ?? null, job_credit_state: job?.credit_state ?? null };
  });
}

export async function listEntries(
  db: Db,
  userId: string,
  limit: number,
  before?: { createdAt: number; id: string },
): Promise<CreditEntry[]> {
  let q = db.selectFrom('credit_entries').selectAll().where('user_id', '=', userId);
  if (before) {
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
