/** Files a finished job produced (their bytes live in storage under storageKeys.artifact). */
import type { Kysely, Transaction } from 'kysely';
import type { Artifact, Database } from '../db/schema.ts';

export function artifactsRepository(db: Kysely<Database>) {
  return {
    insertMany: (trx: Kysely<Database> | Transaction<Database>, rows: Artifact[]) =>
      rows.length === 0 ? Promise.resolve() : trx.insertInto('artifacts').values(rows).onConflict((oc) => oc.columns(['job_id', 'name']).doNothing()).execute(),
    forJob: (jobId: string): Promise<Artifact[]> => db.selectFrom('artifacts').selectAll().where('job_id', '=', jobId).orderBy('name').execute(),
    find: (jobId: string, name: string): Promise<Artifact | undefined> =>
      db.selectFrom('artifacts').selectAll().where('job_id', '=', jobId).where('name', '=', name).executeTakeFirst(),
    deleteForJob: (jobId: string) => db.deleteFrom('artifacts').where('job_id', '=', jobId).execute(),
  };
}

export type ArtifactsRepository = ReturnType<typeof artifactsRepository>;
