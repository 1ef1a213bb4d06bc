/** Stored Creem events and per-user billing state (customer id, plan, flags). */
import { sql } from 'kysely';
import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';
import type { BillingAccount, Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function billingRepository(db: Kysely<Database>) {
  return {
    /** Stores the event unless its id was seen; returns whether it still needs processing. */
    async recordEvent(
      e: { id: string; type: string; payload: string; createdAt: number; subject?: string },
      now: number,
    ): Promise<boolean> {
      await db
        .insertInto('creem_events')
        .values({
          id: e.id,
          type: e.type,
          payload: e.payload,
          subject: e.subject ?? null,
          event_created_at: e.createdAt,
          received_at: now,
          processed_at: null,
          outcome: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await db.selectFrom('creem_events').select('processed_at').where('id', '=', e.id).executeTakeFirstOrThrow();
      return row.processed_at === null;
    },
    /** How many events have been applied: a webhook's batch is guarded by the count it read before deciding. */
    sequence: async (): Promise<number> =>
      Number((await db.selectFrom('billing_sequence').select('applied').where('id', '=', 1).executeTakeFirst())?.applied ?? 0),
    /** True where the batch runs if no other event was applied since `applied` was read and this one is still pending. */
    unchangedSince: (applied: number, eventId: string): RawBuilder<boolean> =>
      sql<boolean>`coalesce((SELECT s.applied FROM billing_sequence s WHERE s.id = 1), 0) = ${applied}
        AND EXISTS (SELECT 1 FROM creem_events e WHERE e.id = ${eventId} AND e.processed_at IS NULL)`,
    /** Marks the event applied and counts it (the last statements of its batch). */
    markAppliedQueries: (id: string, outcome: string, now: number): CompiledQuery[] => [
      db.updateTable('creem_events').set({ processed_at: now, outcome }).where('id', '=', id).where('processed_at', 'is', null).compile(),
      // An upsert: the row is made by the first event (a schema file holds no rows to start from).
      sql`INSERT INTO billing_sequence (id, applied) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET applied = applied + 1`.compile(db),
    ],
    isProcessed: async (id: string): Promise<boolean> =>
      (await db.selectFrom('creem_events').select('processed_at').where('id', '=', id).executeTakeFirst())?.processed_at != null,
    markProcessed: (trx: Db, id: string, outcome: string, now: number) =>
      trx
        .updateTable('creem_events')
        .set({ processed_at: now, outcome })
        .where('id', '=', id)
        .where('processed_at', 'is', null)
        .executeTakeFirst(),
    account: (trx: Db, userId: string): Promise<BillingAccount | undefined> =>
      trx.selectFrom('billing_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    /** An operator lifts the hold on an account (a no-op without a billing row). */
    clearFlag: async (userId: string, now: number): Promise<void> => {
      await db
        .updateTable('billing_accounts')
        .set({ flagged: 0, flag_reason: null, updated_at: now })
        .where('user_id', '=', userId)
        .execute();
    },
    /** The account row made if missing, then `fields` set: statements for a batch. */
    upsertAccountQueries(userId: string, fields: Partial<Omit<BillingAccount, 'user_id'>>, now: number): CompiledQuery[] {
      const queries = [
        db
          .insertInto('billing_accounts')
          .values({ user_id: userId, flagged: 0, updated_at: now })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .compile(),
      ];
      if (Object.keys(fields).length > 0)
        queries.push(
          db
            .updateTable('billing_accounts')
            .set({ ...fields, updated_at: now })
            .where('user_id', '=', userId)
            .compile(),
        );
      return queries;
    },
    userForSubscription: async (trx: Db, subscriptionId: string): Promise<string | undefined> =>
      (await trx.selectFrom('billing_accounts').select('user_id').where('plan_subscription_id', '=', subscriptionId).executeTakeFirst())
        ?.user_id,
    userForCustomer: async (trx: Db, customerId: string): Promise<string | undefined> =>
      (await trx.selectFrom('billing_accounts').select('user_id').where('creem_customer_id', '=', customerId).executeTakeFirst())?.user_id,
    refundsAbout: (trx: Db, orderId: string) =>
      trx
        .selectFrom('creem_events')
        .select(['id', 'payload'])
        .where('subject', '=', orderId)
        .where('type', '=', 'refund.created')
        .execute(),
    grantForOrder: async (trx: Db, orderId: string) =>
      trx
        .selectFrom('credit_entries')
        .select(['user_id', 'amount'])
        .where('idempotency_key', '=', `creem:order:${orderId}`)
        .executeTakeFirst(),
  };
}

export type BillingRepository = ReturnType<typeof billingRepository>;
