/** Progress events per job, kept so an SSE client can resume from Last-Event-ID. */
import { sql } from 'kysely';
import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';
import type { Database, JobEvent } from '../db/schema.ts';

export function jobEventsRepository(db: Kysely<Database>) {
  return {
    append: async (
      trx: Kysely<Database> | Transaction<Database>,
      jobId: string,
      type: string,
      data: unknown,
      now: number,
    ): Promise<number> => {
      const row = await trx
        .insertInto('job_events')
        .values({ job_id: jobId, type, data: JSON.stringify(data), created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    /** The event as a statement of a batch, written only where `when` holds; returns its id. */
    appendQuery: (jobId: string, type: string, data: unknown, now: number, when: RawBuilder<unknown> = sql`1`): CompiledQuery =>
      sql`INSERT INTO job_events (job_id, type, data, created_at)
        SELECT ${jobId}, ${type}, ${JSON.stringify(data)}, ${now} WHERE ${when}
        RETURNING id`.compile(db),
    after: (jobId: string, afterId: number): Promise<JobEvent[]> =>
      db.selectFrom('job_events').selectAll().where('job_id', '=', jobId).where('id', '>', afterId).orderBy('id').execute(),
    deleteForJob: (jobId: string) => db.deleteFrom('job_events').where('job_id', '=', jobId).execute(),
  };
}

export type JobEventsRepository = ReturnType<typeof jobEventsRepository>;
