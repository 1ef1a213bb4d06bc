/**
 * Everything one user owns, across our tables and better-auth's: paged reads for the export, and
 * the deletion as one atomic batch (rows deleted; the payment records billing law requires kept
 * under a pseudonym). Tables another feature may not have created yet (shares, audit_events) are
 * looked up in sqlite_master first and skipped when absent.
 */
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Artifact, BillingAccount, CreditEntry, Database, Job, Upload } from '../db/schema.ts';
import { ACTIVE_JOB_STATUSES } from '../domain/job-status.ts';
import type { AtomicBatch } from './atomic-batch.ts';
import { changedBy } from './atomic-batch.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface UserProfile {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  ipAddress: string | null;
  userAgent: string | null;
}

export interface CreemEventRow {
  id: string;
  type: string;
  payload: string;
}

/** What the deletion writes, decided by the service before the batch. */
export interface DeletionPlan {
  userId: string;
  email: string;
  pseudonym: string;
  /** Ledger reasons kept (pseudonymised); every other entry of the user is deleted. */
  keptReasons: readonly string[];
  /** Brings the pseudonymous ledger to zero (the balance row goes); omitted when it already is. */
  closingEntry?: { id: string; amount: number; reason: string; idempotencyKey: string; createdAt: number };
  /** New payloads of the user's Creem events (pseudonymised, or reduced to a tombstone). */
  creemEvents: Array<{ id: string; payload: string }>;
}

export interface DeletionCounts {
  jobs: number;
  jobEvents: number;
  artifacts: number;
  uploads: number;
  apiKeys: number;
  shares: number;
  creditEntriesDeleted: number;
  creditEntriesKept: number;
  sessions: number;
  accounts: number;
  auditEventsPseudonymised: number;
  supportMessages: number;
}

const after = <T extends { created_at: number; id: string }>(page: T[]) => {
  const last = page[page.length - 1];
  return last ? { createdAt: last.created_at, id: last.id } : undefined;
};

export function accountDataRepository(db: Kysely<Database>, batch: AtomicBatch) {
  async function hasTable(trx: Db, name: string): Promise<boolean> {
    const r = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${name}`.execute(trx);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }

  /** Oldest first, `limit` rows after the cursor. The three tables share these columns. */
  function page(
    table: 'uploads' | 'jobs' | 'credit_entries' | 'support_messages',
    userId: string,
    limit: number,
    cursor?: { createdAt: number; id: string },
  ) {
    let q = db.selectFrom(table).selectAll().where('user_id', '=', userId);
    if (cursor)
      q = q.where((eb) =>
        eb.or([eb('created_at', '>', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '>', cursor.id)])]),
      );
    return q.orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  return {
    nextCursor: after,

    async profile(userId: string): Promise<UserProfile | undefined> {
      const row = await db
        .selectFrom('user')
        .select(['id', 'email', 'name', 'emailVerified', 'createdAt'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        email: row.email,
        name: row.name,
        emailVerified: Boolean(row.emailVerified),
        createdAt: new Date(row.createdAt).getTime(),
      };
    },

    /** The hash of the email/password login, or undefined for accounts that only sign in with Google/GitHub. */
    async passwordHash(userId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('account')
        .select('password')
        .where('userId', '=', userId)
        .where('providerId', '=', 'credential')
        .executeTakeFirst();
      return row?.password ?? undefined;
    },

    loginProviders: async (userId: string): Promise<string[]> =>
      (await db.selectFrom('account').select('providerId').where('userId', '=', userId).execute()).map((r) => r.providerId),

    uploadsPage: (userId: string, limit: number, cursor?: { createdAt: number; id: string }) =>
      page('uploads', userId, limit, cursor) as Promise<Upload[]>,
    jobsPage: (userId: string, limit: number, cursor?: { createdAt: number; id: string }) =>
      page('jobs', userId, limit, cursor) as Promise<Job[]>,
    entriesPage: (userId: string, limit: number, cursor?: { createdAt: number; id: string }) =>
      page('credit_entries', userId, limit, cursor) as Promise<CreditEntry[]>,

    artifactsOf: async (jobIds: string[]): Promise<Artifact[]> =>
      jobIds.length === 0
        ? []
        : db.selectFrom('artifacts').selectAll().where('job_id', 'in', jobIds).orderBy('job_id').orderBy('name').execute(),

    apiKeys: (userId: string) =>
      db
        .selectFrom('api_keys')
        .select(['id', 'name', 'prefix', 'scopes', 'created_by_key_id', 'created_at', 'last_used_at', 'revoked_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute(),

    /** The user's messages to support, oldest first, `limit` after the cursor. */
    supportPage: (userId: string, limit: number, cursor?: { createdAt: number; id: string }) =>
      page('support_messages', userId, limit, cursor),

    /** The user's shares, oldest first, `limit` after the cursor (the token stands in for an id). */
    sharesPage: (userId: string, limit: number, cursor?: { createdAt: number; id: string }) => {
      let q = db
        .selectFrom('shares')
        .select(['token as id', 'token', 'job_id', 'name', 'created_at', 'revoked_at'])
        .where('user_id', '=', userId);
      if (cursor)
        q = q.where((eb) =>
          eb.or([eb('created_at', '>', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('token', '>', cursor.id)])]),
        );
      return q.orderBy('created_at').orderBy('token').limit(limit).execute();
    },

    /** better-auth's sessions of the user: where and with what they signed in. Never the token column. */
    async sessions(userId: string): Promise<SessionRecord[]> {
      const rows = await db
        .selectFrom('session')
        .select(['id', 'createdAt', 'updatedAt', 'expiresAt', 'ipAddress', 'userAgent'])
        .where('userId', '=', userId)
        .orderBy('createdAt')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        createdAt: new Date(r.createdAt).getTime(),
        updatedAt: new Date(r.updatedAt).getTime(),
        expiresAt: new Date(r.expiresAt).getTime(),
        ipAddress: r.ipAddress,
        userAgent: r.userAgent,
      }));
    },

    /** The user's audit events, oldest first, `limit` after the event id `after`. */
    auditPage: (userId: string, limit: number, after = 0) =>
      db
        .selectFrom('audit_events')
        .select(['id', 'event', 'ip', 'details', 'created_at'])
        .where('user_id', '=', userId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),

    billingAccount: (userId: string): Promise<BillingAccount | undefined> =>
      db.selectFrom('billing_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst(),

    /** Queued or running jobs: these go through the jobs service (refund, runner stop). */
    activeJobs: (userId: string) =>
      db
        .selectFrom('jobs')
        .select(['id', 'status'])
        .where('user_id', '=', userId)
        .where('status', 'in', [...ACTIVE_JOB_STATUSES])
        .execute(),

    /** Sum of the ledger entries with these reasons. */
    async sumOf(userId: string, reasons: readonly string[]): Promise<number> {
      if (reasons.length === 0) return 0;
      const row = await db
        .selectFrom('credit_entries')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.val(0)).as('total'))
        .where('user_id', '=', userId)
        .where('reason', 'in', [...reasons])
        .executeTakeFirst();
      return Number(row?.total ?? 0);
    },

    balance: async (userId: string): Promise<number> =>
      (await db.selectFrom('credit_balances').select('balance').where('user_id', '=', userId).executeTakeFirst())?.balance ?? 0,

    /** Distinct `reference`s of the entries with these reasons (order ids of purchases). */
    referencesOf: async (userId: string, reasons: readonly string[]): Promise<string[]> =>
      (
        await db
          .selectFrom('credit_entries')
          .select('reference')
          .distinct()
          .where('user_id', '=', userId)
          .where('reason', 'in', [...reasons])
          .where('reference', 'is not', null)
          .execute()
      ).map((r) => r.reference as string),

    /** Creem events that name the user: by user id or email in the payload, by customer id, or about one of their orders. */
    async creemEventsOf(userId: string, email: string, customerId: string | null, orderIds: string[]): Promise<CreemEventRow[]> {
      return db
        .selectFrom('creem_events')
        .select(['id', 'type', 'payload'])
        .where((eb) =>
          eb.or([
            sql<boolean>`instr(payload, ${userId}) > 0`,
            sql<boolean>`instr(lower(payload), ${email.toLowerCase()}) > 0`,
            ...(customerId ? [sql<boolean>`instr(payload, ${customerId}) > 0`] : []),
            ...(orderIds.length > 0 ? [eb('subject', 'in', orderIds)] : []),
          ]),
        )
        .execute();
    },

    /**
     * After a deletion: copies the WAL into the database and empties it (TRUNCATE), so the old
     * page images that still held the user's rows are gone from disk; with secure_delete on, the
     * database file itself holds zeros where they were. False when a reader kept part of the WAL
     * (it goes at the next checkpoint). SQLite only: elsewhere (D1) there is no WAL of ours.
     */
    async truncateWal(): Promise<boolean> {
      try {
        const r = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
        return Number(r.rows[0]?.busy ?? 0) === 0;
      } catch {
        return false;
      }
    },

    /** One atomic batch: afterwards no row holds the user's id or email (see DeletionPlan for what is rewritten). */
    async deleteAccount(plan: DeletionPlan): Promise<DeletionCounts> {
      const { userId, pseudonym } = plan;
      const [withShares, withAudit] = [await hasTable(db, 'shares'), await hasTable(db, 'audit_events')];
      const jobIds = db.selectFrom('jobs').select('id').where('user_id', '=', userId);
      const kept = [...plan.keptReasons];
      const c = plan.closingEntry;
      // Each count is the changes of one named statement; the rest are written for their effect.
      const counted: Partial<Record<keyof DeletionCounts, CompiledQuery>> = {};
      const statements: CompiledQuery[] = [];
      const add = (query: CompiledQuery, count?: keyof DeletionCounts) => {
        if (count) counted[count] = query;
        statements.push(query);
      };
      if (withShares)
        add(
          db
            .deleteFrom('shares')
            .where((eb) => eb.or([eb('user_id', '=', userId), eb('job_id', 'in', jobIds)]))
            .compile(),
          'shares',
        );
      add(db.deleteFrom('job_events').where('job_id', 'in', jobIds).compile(), 'jobEvents');
      add(db.deleteFrom('artifacts').where('job_id', 'in', jobIds).compile(), 'artifacts');
      add(db.deleteFrom('jobs').where('user_id', '=', userId).compile(), 'jobs');
      add(db.deleteFrom('uploads').where('user_id', '=', userId).compile(), 'uploads');
      add(db.deleteFrom('api_keys').where('user_id', '=', userId).compile(), 'apiKeys');
      // The ledger's trigger follows inserts only: the user's balance row goes at the end, and the
      // pseudonym's is set to its kept entries before the closing entry brings it to zero.
      add(
        db
          .deleteFrom('credit_entries')
          .where('user_id', '=', userId)
          .$if(kept.length > 0, (q) => q.where('reason', 'not in', kept))
          .compile(),
        'creditEntriesDeleted',
      );
      if (kept.length > 0)
        add(db.updateTable('credit_entries').set({ user_id: pseudonym }).where('user_id', '=', userId).compile(), 'creditEntriesKept');
      if (c) {
        add(
          sql`INSERT INTO credit_balances (user_id, balance, updated_at)
            SELECT ${pseudonym}, sum(amount), ${c.createdAt} FROM credit_entries WHERE user_id = ${pseudonym} HAVING sum(amount) > 0`.compile(
            db,
          ),
        );
        add(
          db
            .insertInto('credit_entries')
            .values({
              id: c.id,
              user_id: pseudonym,
              amount: c.amount,
              reason: c.reason,
              reference: null,
              idempotency_key: c.idempotencyKey,
              created_at: c.createdAt,
            })
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .compile(),
        );
      }
      add(db.deleteFrom('credit_balances').where('user_id', 'in', [userId, pseudonym]).compile());
      add(db.updateTable('billing_accounts').set({ user_id: pseudonym }).where('user_id', '=', userId).compile());
      for (const e of plan.creemEvents) add(db.updateTable('creem_events').set({ payload: e.payload }).where('id', '=', e.id).compile());
      // Security history stays (who did what, when) but no longer points at a person.
      if (withAudit)
        add(
          db.updateTable('audit_events').set({ user_id: pseudonym, ip: null, details: '{}' }).where('user_id', '=', userId).compile(),
          'auditEventsPseudonymised',
        );
      add(db.deleteFrom('support_messages').where('user_id', '=', userId).compile(), 'supportMessages');
      add(db.deleteFrom('session').where('userId', '=', userId).compile(), 'sessions');
      add(db.deleteFrom('account').where('userId', '=', userId).compile(), 'accounts');
      // Pending e-mail verifications and password resets name the user by e-mail or id.
      add(
        db
          .deleteFrom('verification')
          .where((eb) =>
            eb.or([
              sql<boolean>`instr(lower(identifier), ${plan.email.toLowerCase()}) > 0`,
              sql<boolean>`instr(lower(value), ${plan.email.toLowerCase()}) > 0`,
              sql<boolean>`instr(value, ${userId}) > 0`,
              sql<boolean>`instr(identifier, ${userId}) > 0`,
            ]),
          )
          .compile(),
      );
      add(db.deleteFrom('user').where('id', '=', userId).compile());
      const results = await batch.run(statements);
      const n = (name: keyof DeletionCounts) => {
        const query = counted[name];
        return query ? changedBy(results, statements.indexOf(query)) : 0;
      };
      return {
        jobs: n('jobs'),
        jobEvents: n('jobEvents'),
        artifacts: n('artifacts'),
        uploads: n('uploads'),
        apiKeys: n('apiKeys'),
        shares: n('shares'),
        creditEntriesDeleted: n('creditEntriesDeleted'),
        creditEntriesKept: n('creditEntriesKept'),
        sessions: n('sessions'),
        accounts: n('accounts'),
        auditEventsPseudonymised: n('auditEventsPseudonymised'),
        supportMessages: n('supportMessages'),
      };
    },
  };
}

export type AccountDataRepository = ReturnType<typeof accountDataRepository>;
