/** Files a finished job produced (their bytes live in storage under storageKeys.artifact). */
import { sql } from 'kysely';
import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';
import type { Artifact, Database } from '../db/schema.ts';

export function artifactsRepository(db: Kysely<Database>) {
  return {
    insertMany: (trx: Kysely<Database> | Transaction<Database>, rows: Artifact[]) =>
      rows.length === 0
        ? Promise.resolve()
        : trx
            .insertInto('artifacts')
            .values(rows)
            .onConflict((oc) => oc.columns(['job_id', 'name']).doNothing())
            .execute(),
    /** One row per statement, each written only where `when` holds (a batch with the job's move). */
    insertQueries: (rows: Artifact[], when: RawBuilder<unknown>): CompiledQuery[] =>
      rows.map((r) =>
        sql`INSERT INTO artifacts (job_id, name, content_type, byte_size, etag, storage_key, created_at)
          SELECT ${r.job_id}, ${r.name}, ${r.content_type}, ${r.byte_size}, ${r.etag}, ${r.storage_key}, ${r.created_at}
          WHERE ${when}
          ON CONFLICT (job_id, name) DO NOTHING`.compile(db),
      ),
    forJob: (jobId: string): Promise<Artifact[]> =>
      db.selectFrom('artifacts').selectAll().where('job_id', '=', jobId).orderBy('name').execute(),
    find: (jobId: string, name: string): Promise<Artifact | undefined> =>
      db.selectFrom('artifacts').selectAll().where('job_id', '=', jobId).where('name', '=', name).executeTakeFirst(),
    /** One file, replacing a row left from an earlier write of the same name (derived files). */
    upsert: (row: Artifact) =>
      db
        .insertInto('artifacts')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['job_id', 'name']).doUpdateSet({
            content_type: row.content_type,
            byte_size: row.byte_size,
            etag: row.etag,
            storage_key: row.storage_key,
            created_at: row.created_at,
          }),
        )
        .execute(),
    deleteForJob: (jobId: string) => db.deleteFrom('artifacts').where('job_id', '=', jobId).execute(),
  };
}

export type ArtifactsRepository = ReturnType<typeof artifactsRepository>;
