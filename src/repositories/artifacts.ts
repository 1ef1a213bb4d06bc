/** Files a finished job produced (their bytes live in storage under storageKeys.artifact). */
import type { Kysely, Transaction } from 'kysely';
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
