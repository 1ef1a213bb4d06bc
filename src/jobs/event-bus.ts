/**
 * In-process fan-out of job events to live SSE streams. The job_events table is the record (replay
 * after a reconnect); this bus only carries what was committed after a stream subscribed.
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

export function createJobEventBus(): JobEventBus {
  const listeners = new Map<string, Set<JobEventListener>>();
  return {
    publish(event) {
      for (const listener of listeners.get(event.jobId) ?? []) {
        try {
          listener(event);
        } catch {
          // One broken stream must not stop the others or the runner.
        }
      }
    },
    subscribe(jobId, listener) {
      let set = listeners.get(jobId);
      if (!set) listeners.set(jobId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(jobId);
      };
    },
  };
}
