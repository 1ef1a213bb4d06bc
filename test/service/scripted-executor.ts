/**
 * An executor whose tasks wait until the test finishes or crashes them (no threads), so the runner's
 * rules can be stepped through: which job is claimed when, and what each ending writes.
 */
import type { ExecutionRequest, JobExecutor } from '../../src/jobs/executor.ts';
import type { ExecutionOutcome, ProgressMessage } from '../../src/jobs/protocol.ts';

export interface Call {
  request: ExecutionRequest;
  signal: AbortSignal;
  onProgress: (p: ProgressMessage) => void;
  finish(outcome: ExecutionOutcome): void;
  crash(error: Error): void;
}

/** Aborts reject like piscina's. */
export class ScriptedExecutor implements JobExecutor {
  readonly calls: Call[] = [];
  crashEverything = false;
  readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  execute(
    request: ExecutionRequest,
    options: { signal: AbortSignal; onProgress: (p: ProgressMessage) => void },
  ): Promise<ExecutionOutcome> {
    return new Promise((resolve, reject) => {
      if (this.crashEverything) return reject(new Error('worker exited with code 1'));
      options.signal.addEventListener('abort', () => reject(Object.assign(new Error('The task has been aborted'), { name: 'AbortError' })));
      this.calls.push({ request, signal: options.signal, onProgress: options.onProgress, finish: resolve, crash: reject });
    });
  }
  stats() {
    return { size: this.capacity, busy: this.calls.length, queued: 0 };
  }
  async close() {}
  async waitForCalls(n: number): Promise<void> {
    const until = Date.now() + 5000;
    while (this.calls.length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} calls, got ${this.calls.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
