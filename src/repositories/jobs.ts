/**
 * The jobs table is the queue. A claim is one conditional UPDATE (status queued -> running), so
 * two runners can never take the same row; per-user concurrency and the fair-share order are part
 * of the same statement. Queueing is one conditional INSERT (in a batch with the credit hold), so the
 * per-user cap on queued work holds under concurrent requests.
 */
import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database, Job, JobStatus, JobUpdate, NewJob } from '../db/schema.ts';
import { balanceExpression } from './credits.ts';
import { ownerMustExist } from './owner-must-exist.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ClaimRules {
  /** Jobs one user may have running at once. */
  perUser: number;
  /** Jobs started at or after this time (epoch ms) count against their owner's turn. */
  since: number;
  /** Only jobs whose estimated work is at most this (a worker kept for light jobs). */
  maxWork?: number;
}

export interface JobListingExtras {
  uploadName: string | null;
  hasPreview: boolean;
}

export function jobsRepository(db: Kysely<Database>) {
  return {
    /** A job of a user deleted meanwhile fails its foreign key: 401. */
    insert: (trx: Db, row: NewJob) => ownerMustExist(trx.insertInto('jobs').values(row).execute()),
    /**
     * Whether a job of `work` seconds fits its owner's queue: under `maxQueuedWork` of queued work
     * with it, or alone in the queue (or a large job could never run). Read where the statement runs.
     */
    fitsQueue: (userId: string, work: number, maxQueuedWork: number): RawBuilder<boolean> => {
      const queued = sql`coalesce((SELECT sum(q.work) FROM jobs q WHERE q.user_id = ${userId} AND q.status = 'queued'), 0)`;
      return sql<boolean>`(${queued} = 0 OR ${queued} + ${work} <= ${maxQueuedWork})`;
    },
    /**
     * A batch's first statement when queueing: whether the job fits its owner's queue (`fits`) and
     * the owner's balance, read in the batch's snapshot to say why a job was refused.
     */
    queueVerdictQuery: (userId: string, fits: RawBuilder<boolean>): CompiledQuery =>
      db.selectNoFrom([fits.as('fits'), balanceExpression(userId).as('balance')]).compile(),
    /** Inserts the row only where `when` holds (one conditional statement, for a batch). */
    insertWhenQuery: (row: NewJob, when: RawBuilder<unknown>): CompiledQuery => {
      const columns = Object.keys(row) as (keyof NewJob)[];
      return sql`
        INSERT INTO jobs (${sql.join(columns.map((c) => sql.ref(c)))})
        SELECT ${sql.join(columns.map((c) => sql.val(row[c])))}
        WHERE ${when}`.compile(db);
    },
    /** True where the statement runs if the job exists and is in one of `statuses`. */
    isIn: (id: string, statuses: readonly JobStatus[]): RawBuilder<boolean> =>
      sql<boolean>`EXISTS (SELECT 1 FROM jobs s WHERE s.id = ${id} AND s.status IN (${sql.join(statuses.map((x) => sql.val(x)))}))`,
    exists: (id: string): RawBuilder<boolean> => sql<boolean>`EXISTS (SELECT 1 FROM jobs e WHERE e.id = ${id})`,
    /** Moves the job only if it is still in one of `from`; returns its id when it moved. */
    transitionQuery: (id: string, from: readonly JobStatus[], set: JobUpdate): CompiledQuery =>
      db
        .updateTable('jobs')
        .set(set)
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .returning('id')
        .compile(),
    /** Estimated work of the user's queued jobs. */
    queuedWork: async (userId: string): Promise<number> => {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('work'), eb.lit(0)).as('work'))
        .where('user_id', '=', userId)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return Number(row?.work ?? 0);
    },
    find: (id: string): Promise<Job | undefined> => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    findOwned: (userId: string, id: string): Promise<Job | undefined> =>
      db.selectFrom('jobs').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    findByIdempotencyKey: (trx: Db, userId: string, key: string): Promise<Job | undefined> =>
      trx.selectFrom('jobs').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst(),
    listOwned: (userId: string, opts: { limit: number; status?: JobStatus; mode?: string; before?: { createdAt: number; id: string } }) => {
      let q = db.selectFrom('jobs').selectAll().where('user_id', '=', userId);
      if (opts.status) q = q.where('status', '=', opts.status);
      if (opts.mode) q = q.where('mode', '=', opts.mode);
      const before = opts.before;
      if (before)
        q = q.where((eb) =>
          eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
        );
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
    },
    /** What a history row shows beside the job: its upload's file name and whether a preview picture exists. */
    listingExtras: async (jobIds: string[]): Promise<Map<string, JobListingExtras>> => {
      if (jobIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('jobs')
        .leftJoin('uploads', 'uploads.id', 'jobs.upload_id')
        .select((eb) => [
          'jobs.id as id',
          'uploads.original_name as uploadName',
          eb
            .exists(
              eb
                .selectFrom('artifacts')
                .select('artifacts.name')
                .whereRef('artifacts.job_id', '=', 'jobs.id')
                .where('artifacts.name', '=', 'preview.png'),
            )
            .as('hasPreview'),
        ])
        .where('jobs.id', 'in', jobIds)
        .execute();
      return new Map(rows.map((r) => [r.id, { uploadName: r.uploadName ?? null, hasPreview: Boolean(r.hasPreview) }]));
    },
    /** Only moves a job that is still in one of `from`; returns whether it moved. */
    transition: async (trx: Db, id: string, from: JobStatus[], set: JobUpdate): Promise<boolean> => {
      const r = await trx.updateTable('jobs').set(set).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    update: (id: string, set: JobUpdate) => db.updateTable('jobs').set(set).where('id', '=', id).execute(),
    /**
     * Claims the next job fairly, atomically: among queued jobs whose owner has fewer than `perUser`
     * running, the one whose owner has the least estimated work running or started since `since`,
     * oldest first. Users' queues interleave (equal jobs alternate) and a heavy job's owner waits
     * until the others have had as much work. `maxWork` limits the claim to jobs at most that large.
     */
    claimNext: async (now: number, rules: ClaimRules): Promise<Job | undefined> => {
      const sizeLimit = rules.maxWork === undefined ? sql`` : sql`AND j.work <= ${rules.maxWork}`;
      // `+user_id` keeps SQLite from walking the whole table in user order to group: it reads only the
      // recent and running rows (jobs_started, jobs_status_created) and groups those.
      const row = await sql<Job>`
        UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ${now}, heartbeat_at = ${now}, stage = 'started'
        WHERE id = (
          SELECT j.id FROM jobs j
          LEFT JOIN (
            SELECT user_id, sum(work) AS recent FROM jobs
            WHERE (started_at >= ${rules.since} AND status <> 'queued') OR status = 'running'
            GROUP BY +user_id
          ) u ON u.user_id = j.user_id
          WHERE j.status = 'queued'
            AND (SELECT count(*) FROM jobs r WHERE r.user_id = j.user_id AND r.status = 'running') < ${rules.perUser}
            ${sizeLimit}
          ORDER BY coalesce(u.recent, 0), j.created_at, j.id LIMIT 1
        ) AND status = 'queued'
        RETURNING *`.execute(db);
      return row.rows[0];
    },
    /**
     * Claims one named job (queued -> running, one more attempt), as claimNext does for the next
     * one: the Cloudflare path, where a queue message names the job. Undefined when it was not queued.
     */
    claim: async (id: string, now: number): Promise<Job | undefined> =>
      db
        .updateTable('jobs')
        .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), started_at: now, heartbeat_at: now, stage: 'started' }))
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .returningAll()
        .executeTakeFirst(),
    running: () => db.selectFrom('jobs').selectAll().where('status', '=', 'running').execute(),
    countByStatus: async () => {
      const rows = await db
        .selectFrom('jobs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Partial<Record<JobStatus, number>>;
    },
    deleteOwned: (userId: string, id: string) =>
      db.deleteFrom('jobs').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
  };
}

export type JobsRepository = ReturnType<typeof jobsRepository>;
