/**
 * Runs named stages, timing each with the clock it is given (the pipeline reads no clock of its
 * own), reporting progress, sampling memory and honouring cancellation between stages.
 */
import { PipelineError } from './errors.ts';

export interface StageHooks {
  clock: () => number;
  /** Resident memory in bytes, where the host can tell. */
  memory?: () => number;
  onProgress?: (event: { stage: string; percent: number }) => void;
  signal?: AbortSignal;
}

export class StageTimer {
  readonly stagesMs: Record<string, number> = {};
  peakMemoryBytes = 0;
  private done = 0;

  private readonly hooks: StageHooks;
  private readonly plannedStages: number;

  constructor(hooks: StageHooks, plannedStages: number) {
    this.hooks = hooks;
    this.plannedStages = plannedStages;
  }

  async run<T>(stage: string, work: () => T | Promise<T>): Promise<T> {
    if (this.hooks.signal?.aborted) throw new PipelineError('cancelled', 'the job was cancelled', stage);
    this.hooks.onProgress?.({ stage, percent: Math.round((this.done / this.plannedStages) * 100) });
    const start = this.hooks.clock();
    try {
      return await work();
    } catch (error) {
      if (error instanceof PipelineError) throw error;
      // Anything unexpected still leaves with a stage and a code, never as a bare stack.
      const message = error instanceof Error ? error.message : String(error);
      if (/memory access out of bounds|out of memory|Cannot enlarge memory/i.test(message)) {
        throw new PipelineError('out_of_memory', `${stage}: ran out of memory`, stage);
      }
      throw new PipelineError('geometry_failed', `${stage}: ${message}`, stage);
    } finally {
      this.stagesMs[stage] = Math.round((this.hooks.clock() - start) * 10) / 10;
      this.done++;
      const rss = this.hooks.memory?.() ?? 0;
      if (rss > this.peakMemoryBytes) this.peakMemoryBytes = rss;
    }
  }
}
