/**
 * A job as its owner sees it: the API's answers (`GET /api/v1/jobs/:id` and the rest) and the
 * account export's `jobs.json` are both this one view. Times are epoch milliseconds here; the
 * export writes them as ISO dates.
 */
import type { Artifact, Job } from '../db/schema.ts';

export interface ArtifactView {
  name: string;
  contentType: string;
  bytes: number;
  /** The sha256 of the stored bytes (the download's ETag). */
  etag: string;
  url: string;
}

/** What the history shows beside a job: the picture's file name and whether a preview exists. */
export interface JobViewExtras {
  uploadName: string | null;
  hasPreview: boolean;
}

export function jobView(job: Job, artifacts?: Artifact[], extras?: JobViewExtras) {
  return {
    id: job.id,
    mode: job.mode,
    status: job.status,
    uploadId: job.upload_id,
    uploadName: extras?.uploadName ?? null,
    thumbnailUrl: extras?.hasPreview && !job.purged_at ? `/api/v1/jobs/${job.id}/artifacts/preview.png` : null,
    prompt: job.prompt,
    params: JSON.parse(job.params) as Record<string, unknown>,
    progress: job.progress,
    stage: job.stage,
    error: job.error_code ? { code: job.error_code, message: job.error_message ?? '' } : null,
    cost: job.cost,
    creditState: job.credit_state,
    attempts: job.attempts,
    maxAttempts: job.max_attempts,
    result: job.result ? (JSON.parse(job.result) as unknown) : null,
    createdAt: job.created_at,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
    expiresAt: job.expires_at,
    purgedAt: job.purged_at ?? null,
    ...(artifacts ? { artifacts: artifacts.map((a) => artifactView(job.id, a)) } : {}),
  };
}

export type JobView = ReturnType<typeof jobView>;

function artifactView(jobId: string, a: Artifact): ArtifactView {
  return {
    name: a.name,
    contentType: a.content_type,
    bytes: a.byte_size,
    etag: a.etag,
    url: `/api/v1/jobs/${jobId}/artifacts/${encodeURIComponent(a.name)}`,
  };
}
