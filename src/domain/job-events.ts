/**
 * Job events: what a job's SSE stream carries, and the bus interface the lifecycle publishes to.
 * The bus is per-process state, so it is a port: in memory on Node (src/jobs/event-bus.ts), a
 * Durable Object on Workers.
 */
export const JOB_EVENT_TYPES = ['queued', 'started', 'stage', 'succeeded', 'failed', 'cancelled'] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

export interface JobEventMessage {
  /** The job_events row id: the SSE id, monotonic per database. */
  id: number;
  jobId: string;
  type: JobEventType;
  data: Record<string, unknown>;
}

export type JobEventListener = (event: JobEventMessage) => void;

export interface JobEventBus {
  publish(event: JobEventMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(jobId: string, listener: JobEventListener): () => void;
}
