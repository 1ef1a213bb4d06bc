/**
 * What the AI Workflow in the test worker runs on: the services a test composed (with its loopback
 * provider's URL) and a scripted repair executor. The engine calls the Workflow in the test
 * isolate, so a global shared by the test and the test worker's Workflow class is enough.
 */
import type { Services } from '../../src/compose.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';

export interface AiWorkflowHarness {
  services?: Services;
  executor?: JobExecutor;
}

const key = Symbol.for('image-to-stl.ai-workflow-harness');

export function aiWorkflowHarness(): AiWorkflowHarness {
  const holder = globalThis as unknown as Record<symbol, AiWorkflowHarness | undefined>;
  holder[key] ??= {};
  return holder[key];
}
