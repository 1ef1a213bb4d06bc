// The part of workerd's `cloudflare:workers` module our Workflow uses (typed here, as
// cloudflare-test.d.ts does for the test pool, so no @cloudflare/workers-types is needed).
declare module 'cloudflare:workers' {
  export interface WorkflowEvent<P> {
    payload: Readonly<P>;
    timestamp: Date;
    instanceId: string;
  }
  export interface WorkflowStepConfig {
    retries?: { limit: number; delay: string | number; backoff?: 'constant' | 'linear' | 'exponential' };
    timeout?: string | number;
  }
  export interface WorkflowStep {
    do<T>(name: string, callback: () => Promise<T>): Promise<T>;
    do<T>(name: string, config: WorkflowStepConfig, callback: () => Promise<T>): Promise<T>;
    sleep(name: string, duration: string | number): Promise<void>;
  }
  export abstract class WorkflowEntrypoint<Env = unknown, Params = unknown> {
    protected ctx: unknown;
    protected env: Env;
    constructor(ctx: unknown, env: Env);
    abstract run(event: Readonly<WorkflowEvent<Params>>, step: WorkflowStep): Promise<unknown>;
  }
}
