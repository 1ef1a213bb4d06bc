// The part of the workerd test pool's `cloudflare:test` module our suites use. The bindings are
// typed structurally in src/repositories/d1/d1-types.ts (no @cloudflare/workers-types needed).
declare module 'cloudflare:test' {
  export const env: unknown;
  export interface D1Migration {
    name: string;
    queries: string[];
  }
  export function applyD1Migrations(db: unknown, migrations: D1Migration[], migrationsTableName?: string): Promise<void>;
  /** The test worker's own fetch handler (test/workers/test-worker.ts), each call a request of its own. */
  export const SELF: {
    fetch(input: string, init?: RequestInit): Promise<Response>;
  };
  /** The first argument of a `scheduled()` handler, as a Cron Trigger passes it. */
  export function createScheduledController(options?: { scheduledTime?: number | Date; cron?: string }): {
    scheduledTime: number;
    cron: string;
  };
  /** Control over one Workflow instance in tests (the parts our suites use). */
  export interface WorkflowInstanceIntrospector {
    modify(fn: (m: { disableSleeps(steps?: Array<{ name: string; index?: number }>): Promise<void> }) => Promise<void>): Promise<unknown>;
    waitForStepResult(step: { name: string; index?: number }): Promise<unknown>;
    waitForStatus(status: string): Promise<void>;
    getOutput(): Promise<unknown>;
    getError(): Promise<{ name: string; message: string }>;
    dispose(): Promise<void>;
  }
  export function introspectWorkflowInstance(workflow: unknown, instanceId: string): Promise<WorkflowInstanceIntrospector>;
}
