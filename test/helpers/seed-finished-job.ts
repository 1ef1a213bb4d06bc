/**
 * What the job runner leaves when a job succeeds, without running one: the files in storage, then
 * one artifact row per file, on whichever backend the services run (SQLite and disk, D1 and R2).
 */
import type { Services } from '../../src/compose.ts';
import { newId } from '../../src/domain/ids.ts';
import { storageKeys } from '../../src/domain/storage.ts';

export async function seedFinishedJob(
  services: Pick<Services, 'db' | 'storage'>,
  userId: string,
  mode: string,
  files: Record<string, [contentType: string, bytes: Uint8Array]>,
  uploadId: string | null = null,
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
      status: 'succeeded',
      progress: 1,
      stage: 'done',
      error_code: null,
      error_message: null,
      cost: 1,
      credit_state: 'captured',
      attempts: 1,
      max_attempts: 3,
      idempotency_key: null,
      result: null,
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
  for (const [name, [contentType, bytes]] of Object.entries(files)) {
    const key = storageKeys.artifact(userId, id, name);
    const stored = await services.storage.put(key, [bytes]);
    await services.db
      .insertInto('artifacts')
      .values({
        job_id: id,
        name,
        content_type: contentType,
        byte_size: stored.byteLength,
        etag: stored.sha256,
        storage_key: key,
        created_at: now,
      })
      .execute();
  }
  return id;
}
