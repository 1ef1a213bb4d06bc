/**
 * The credit ledger: append-only entries with a unique idempotency key, and a balance row kept in
 * the same transaction by a conditional update, so the balance can never go below zero and the
 * same movement can never be applied twice (a replayed key is a no-op).
 */
import type { Kysely, Transaction } from 'kysely';
import type { CreditEntry, CreditState, Database } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';

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

/** Must run inside a transaction (`trx`): the entry and the balance change commit together. */
export async function applyMovement(trx: Transaction<Database>, m: LedgerMovement, now: number): Promise<MovementOutcome> {
  const existing = await trx.selectFrom('credit_entries').select('id').where('idempotency_key', '=', m.idempotencyKey).executeTakeFirst();
  if (existing) return { applied: false, why: 'duplicate', balance: await balanceOf(trx, m.userId) };

  await trx
    .insertInto('credit_balances')
    .values({ user_id: m.userId, balance: 0, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const updated = await trx
    .updateTable('credit_balances')
    .set((eb) => ({ balance: eb('balance', '+', m.amount), updated_at: now }))
    .where('user_id', '=', m.userId)
    .where((eb) => eb(eb('balance', '+', m.amount), '>=', 0))
    .returning('balance')
    .executeTakeFirst();
  if (!updated) return { applied: false, why: 'insufficient', balance: await balanceOf(trx, m.userId) };

  await trx
    .insertInto('credit_entries')
    .values({
      id: newId('cre'),
      user_id: m.userId,
      amount: m.amount,
      reason: m.reason,
      reference: m.reference ?? null,
      idempotency_key: m.idempotencyKey,
      created_at: now,
    })
    .execute();
  return { applied: true, balance: updated.balance };
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
