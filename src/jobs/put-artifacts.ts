/**
 * Puts a finished job's artifacts in blob storage and returns their rows for the success batch.
 * One place for the three settlers (the Node runner, the Cloudflare job object, the AI Workflow):
 * if any put fails, the ones already stored are removed (no row will point at them) and the error
 * is rethrown for the caller to classify (storage full, retry).
 */
import type { ArtifactsTable } from '../db/schema.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';
import type { ArtifactBytes } from './protocol.ts';

/** One artifacts row, as the success batch inserts it. */
export type ArtifactRow = ArtifactsTable;

export async function putArtifacts(
  storage: BlobStorage,
  clock: () => number,
  job: { id: string; user_id: string },
  artifacts: readonly ArtifactBytes[],
): Promise<ArtifactRow[]> {
  const rows: ArtifactRow[] = [];
  try {
    for (const artifact of artifacts) {
      const key = storageKeys.artifact(job.user_id, job.id, artifact.name);
      const stored = await storage.put(key, [artifact.bytes]);
      rows.push({
        job_id: job.id,
        name: artifact.name,
        content_type: artifact.contentType,
        byte_size: stored.byteLength,
        etag: stored.sha256,
        storage_key: key,
        created_at: clock(),
      });
    }
  } catch (error) {
    await storage.deletePrefix(storageKeys.jobPrefix(job.user_id, job.id)).catch(() => undefined);
    throw error;
  }
  return rows;
}
