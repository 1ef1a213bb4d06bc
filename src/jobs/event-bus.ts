/**
 * In-process fan-out of job events to live SSE streams. The job_events table is the record (replay
 * after a reconnect); this bus only carries what was committed after a stream subscribed.
 */
import type { JobEventBus, JobEventListener } from '../domain/job-events.ts';

export function createJobEventBus(): JobEventBus {
  const listeners = new Map<string, Set<JobEventListener>>();
  return {
    async publish(event) {
      for (const listener of listeners.get(event.jobId) ?? []) {
        try {
          listener(event);
        } catch {
          // One broken stream must not stop the others or the runner.
        }
      }
    },
    async subscribe(jobId, listener) {
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
