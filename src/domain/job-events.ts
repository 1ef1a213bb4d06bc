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

/**
 * What every implementation keeps: a subscriber sees the events of its job published after its
 * subscription took hold, in the order published. Nothing older: replaying the job_events rows
 * after a given id is the caller's part (the SSE route subscribes first, then replays). Async
 * because on Workers the bus is a Durable Object per job, reached from any isolate.
 */
export interface JobEventBus {
  /**
   * Best effort and never throws: the job_events row is the record, a stream missing one resumes
   * from it. Events of one job are delivered in the order of the calls, even when a caller does not
   * wait for one before issuing the next.
   */
  publish(event: JobEventMessage): Promise<void>;
  /** Resolves once events published from then on will reach the listener; to the unsubscribe function. */
  subscribe(jobId: string, listener: JobEventListener): Promise<() => void>;
}
