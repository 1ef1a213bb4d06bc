/** Stored Creem events and per-user billing state (customer id, plan, flags). */
import type { Kysely, Transaction } from 'kysely';
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
    markProcessed: (trx: Db, id: string, outcome: string, now: number) =>
      trx
        .updateTable('creem_events')
        .set({ processed_at: now, outcome })
        .where('id', '=', id)
        .where('processed_at', 'is', null)
        .executeTakeFirst(),
    account: (trx: Db, userId: string): Promise<BillingAccount | undefined> =>
      trx.selectFrom('billing_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    async upsertAccount(trx: Db, userId: string, fields: Partial<Omit<BillingAccount, 'user_id'>>, now: number): Promise<void> {
      await trx
        .insertInto('billing_accounts')
        .values({ user_id: userId, flagged: 0, updated_at: now })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      if (Object.keys(fields).length > 0) {
        await trx
          .updateTable('billing_accounts')
          .set({ ...fields, updated_at: now })
          .where('user_id', '=', userId)
          .execute();
      }
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
