/**
 * What the runner needs from whatever runs the pipeline: the Node worker pool (src/node/worker-pool.ts)
 * in production, a fake in tests, later a Queues consumer. A returned outcome is the pipeline's
 * verdict (success or a coded PipelineError); a thrown error means the worker itself failed
 * (crash, exit, abort) and the runner decides whether to retry.
 */
import type { JobExecutionMode } from '../domain/job-modes.ts';
import type { MeshIo } from './mesh-io.ts';
import type { ExecutionOutcome, ProgressMessage } from './protocol.ts';

export interface ExecutionRequest {
  jobId: string;
  /** Worker modes for the pool; AI modes only for an executor that handles them (src/jobs/ai-executor.ts). */
  mode: JobExecutionMode;
  params: Record<string, unknown>;
  /** Ownership passes to the executor (the pool transfers the buffer to the worker). Empty for jobs without an upload (ai-text). */
  input: Uint8Array;
  /** The job's owner and prompt (AI jobs read their extra views and prompt from these). */
  userId?: string;
  prompt?: string | null;
  /**
   * Set by the Cloudflare job object when R2's S3 API is configured: the mesh container reads the
   * input and writes the artifacts itself (mesh-io.ts); `input` is then empty and the outcome
   * lists `stored` artifacts instead of carrying bytes. Only the HTTP executor honours it.
   */
  io?: MeshIo;
}

export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
}

export interface JobExecutor {
  /** How many tasks may run at once. */
  readonly capacity: number;
  /** The time limit for a job of this mode, when it differs from the runner's (AI jobs wait on a provider). */
  timeoutMs?(mode: string): number | undefined;
  execute(
    request: ExecutionRequest,
    options: { signal: AbortSignal; onProgress: (progress: ProgressMessage) => void },
  ): Promise<ExecutionOutcome>;
  stats(): PoolStats;
  close(): Promise<void>;
}
