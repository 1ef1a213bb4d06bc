/**
 * What the job runner leaves when a job ends, without running one: its row and, when it succeeded,
 * the files in storage, then one artifact row per file, on whichever backend the services run
 * (SQLite and disk, D1 and R2).
 */
import type { Services } from '../../src/compose.ts';
import type { JobStatus } from '../../src/db/schema.ts';
import { newId } from '../../src/domain/ids.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import type { Artifact } from '../../src/pipeline/artifacts.ts';
import { bytesArtifact } from '../../src/pipeline/artifacts.ts';

export interface FinishedJobOptions {
  /** The upload it was made from (its name names the downloads). */
  uploadId?: string | null;
  status?: JobStatus;
  /** The report kept on the row (JSON). */
  result?: string | null;
}

/** Artifacts from name -> [content type, bytes]. */
export const filesOf = (files: Record<string, [contentType: string, bytes: Uint8Array]>): Artifact[] =>
  Object.entries(files).map(([name, [contentType, bytes]]) => bytesArtifact(name, contentType, bytes));

export async function seedFinishedJob(
  services: Pick<Services, 'db' | 'storage'>,
  userId: string,
  mode: string,
  artifacts: readonly Artifact[],
  { uploadId = null, status = 'succeeded', result = null }: FinishedJobOptions = {},
): Promise<string> {
  const id = newId('job');
  const now = Date.now();
  await services.db
    .insertInto('jobs')
    .values({
      id,
      user_id: userId,
      mode,
      upload_id: uploadId,
      prompt: null,
      params: '{}',
      status,
      progress: 100,
      stage: 'done',
      error_code: null,
      error_message: null,
      cost: 1,
      credit_state: 'captured',
      attempts: 1,
      max_attempts: 3,
      idempotency_key: null,
      result,
      provider: null,
      provider_task_id: null,
      provider_cost: null,
      created_at: now,
      started_at: now,
      finished_at: now,
      heartbeat_at: now,
      expires_at: null,
    })
    .execute();
  if (status !== 'succeeded') return id;
  for (const artifact of artifacts) {
    const key = storageKeys.artifact(userId, id, artifact.name);
    const stored = await services.storage.put(key, artifact.chunks());
    await services.db
      .insertInto('artifacts')
      .values({
        job_id: id,
        name: artifact.name,
        content_type: artifact.contentType,
        byte_size: stored.byteLength,
        etag: stored.sha256,
        storage_key: key,
        created_at: now,
      })
      .execute();
  }
  return id;
}
