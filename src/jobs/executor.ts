/**
 * What the runner needs from whatever runs the pipeline: the Node worker pool (src/node/worker-pool.ts)
 * in production, a fake in tests, later a Queues consumer. A returned outcome is the pipeline's
 * verdict (success or a coded PipelineError); a thrown error means the worker itself failed
 * (crash, exit, abort) and the runner decides whether to retry.
 */
import type { ExecutionOutcome, ProgressMessage, WorkerMode } from './protocol.ts';

export interface ExecutionRequest {
  jobId: string;
  mode: WorkerMode;
  params: Record<string, unknown>;
  /** Ownership passes to the executor (the pool transfers the buffer to the worker). */
  input: Uint8Array;
}

export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
}

export interface JobExecutor {
  /** How many tasks may run at once. */
  readonly capacity: number;
  execute(request: ExecutionRequest, options: { signal: AbortSignal; onProgress: (progress: ProgressMessage) => void }): Promise<ExecutionOutcome>;
  stats(): PoolStats;
  close(): Promise<void>;
}
