import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every Creem webhook event, stored before it is acted on; the id makes replays harmless.
  await db.schema
    .createTable('creem_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // The order a refund or dispute is about, so a grant that arrives later can settle it.
    .addColumn('subject', 'text')
    .addColumn('event_created_at', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'integer', (c) => c.notNull())
    .addColumn('processed_at', 'integer')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema.createIndex('creem_events_subject').on('creem_events').columns(['subject']).execute();

  await db.schema
    .createTable('billing_accounts')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('creem_customer_id', 'text')
    .addColumn('plan_product_id', 'text')
    .addColumn('plan_subscription_id', 'text')
    .addColumn('plan_status', 'text')
    /** Time of the Creem event that set plan_status: older events never overwrite newer ones. */
    .addColumn('plan_status_at', 'integer')
    .addColumn('plan_period_end', 'integer')
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flag_reason', 'text')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('billing_accounts').ifExists().execute();
  await db.schema.dropTable('creem_events').ifExists().execute();
}
