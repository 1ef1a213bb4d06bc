/**
 * The jobs table is the queue. A claim is one conditional UPDATE (status queued -> running), so
 * two runners can never take the same row; per-user concurrency is part of the same statement.
 */
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database, Job, JobStatus, JobUpdate, NewJob } from '../db/schema.ts';
import { ownerMustExist } from './owner-must-exist.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function jobsRepository(db: Kysely<Database>) {
  return {
    /** A job of a user deleted meanwhile fails its foreign key: 401. */
    insert: (trx: Db, row: NewJob) => ownerMustExist(trx.insertInto('jobs').values(row).execute()),
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
    /** Only moves a job that is still in one of `from`; returns whether it moved. */
    transition: async (trx: Db, id: string, from: JobStatus[], set: JobUpdate): Promise<boolean> => {
      const r = await trx.updateTable('jobs').set(set).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    update: (id: string, set: JobUpdate) => db.updateTable('jobs').set(set).where('id', '=', id).execute(),
    /** The oldest queued job whose owner has fewer than `perUser` running, claimed atomically. */
    claimNext: async (now: number, perUser: number): Promise<Job | undefined> => {
      const row = await sql<Job>`
        UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ${now}, heartbeat_at = ${now}, stage = 'started'
        WHERE id = (
          SELECT j.id FROM jobs j
          WHERE j.status = 'queued'
            AND (SELECT count(*) FROM jobs r WHERE r.user_id = j.user_id AND r.status = 'running') < ${perUser}
          ORDER BY j.created_at, j.id LIMIT 1
        ) AND status = 'queued'
        RETURNING *`.execute(db);
      return row.rows[0];
    },
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
