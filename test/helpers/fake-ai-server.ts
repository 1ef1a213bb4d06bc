/**
 * Shared parts of the fake AI providers: a Hono app served on 127.0.0.1 port 0, the scripted
 * behaviour of the next tasks (result GLB, failure, refusal, never finishing, 429 bursts), a log
 * of every request (method, path, auth ok) and a GLB download route.
 */
import { Hono } from 'hono';
import type { AiGlbKind } from './ai-glb-fixtures.ts';
import { aiGlb } from './ai-glb-fixtures.ts';
import { serveLoopback } from '../helpers/loopback.ts';

export type Outcome =
  | { kind: 'ok'; glb: AiGlbKind }
  | { kind: 'fail' }
  | { kind: 'refuse' }
  | { kind: 'never' }
  | { kind: 'result-url'; url: string };

export interface FakeScript {
  /** What the next tasks do (default: ok with the holes GLB). */
  outcome: Outcome;
  /** Answer this many create requests with 429 before accepting one. */
  createRateLimits: number;
  /** Answer this many status polls with 429 / 503. */
  pollRateLimits: number;
  pollServerErrors: number;
  /** Polls a task spends queued and running before it settles. */
  queuedPolls: number;
  runningPolls: number;
  /** While true, tasks stay running however often they are polled. */
  hold: boolean;
}

export interface RequestLog {
  method: string;
  path: string;
  authOk: boolean;
  at: number;
}

export interface FakeTask {
  id: string;
  kind: string;
  body: Record<string, unknown>;
  outcome: Outcome;
  polls: number;
  cancelled: boolean;
}

export class FakeProviderState {
  script: FakeScript = FakeProviderState.defaults();
  readonly requests: RequestLog[] = [];
  /** Every request ever (reset() keeps them), e.g. for secret scans. */
  readonly allRequests: RequestLog[] = [];
  readonly tasks = new Map<string, FakeTask>();
  creates = 0;
  cancels = 0;
  origin = '';
  private seq = 0;

  static defaults(): FakeScript {
    return {
      outcome: { kind: 'ok', glb: 'holes' },
      createRateLimits: 0,
      pollRateLimits: 0,
      pollServerErrors: 0,
      queuedPolls: 1,
      runningPolls: 2,
      hold: false,
    };
  }

  /** A new script and clean counters (tasks, requests, creates, cancels). */
  reset(script: Partial<FakeScript> = {}): void {
    this.script = { ...FakeProviderState.defaults(), ...script };
    this.tasks.clear();
    this.requests.length = 0;
    this.creates = 0;
    this.cancels = 0;
  }

  newTask(kind: string, body: Record<string, unknown>): FakeTask {
    this.creates++;
    const task: FakeTask = {
      id: `task-${++this.seq}-${Math.random().toString(36).slice(2, 8)}`,
      kind,
      body,
      outcome: this.script.outcome,
      polls: 0,
      cancelled: false,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  /** The phase of a task at its next poll. */
  phase(task: FakeTask): 'queued' | 'running' | 'settled' {
    task.polls++;
    if (task.cancelled) return 'settled';
    if (task.outcome.kind === 'never') return task.polls <= this.script.queuedPolls ? 'queued' : 'running';
    if (task.polls <= this.script.queuedPolls) return 'queued';
    if (task.polls <= this.script.queuedPolls + this.script.runningPolls || this.script.hold) return 'running';
    return 'settled';
  }

  resultUrl(task: FakeTask): string {
    if (task.outcome.kind === 'result-url') return task.outcome.url;
    const glb = task.outcome.kind === 'ok' ? task.outcome.glb : 'holes';
    return `${this.origin}/cdn/${glb}.glb?Expires=9999999999&Signature=fake`;
  }

  pollsOf(taskId: string): number {
    return this.tasks.get(taskId)?.polls ?? 0;
  }

  totalPolls(): number {
    return [...this.tasks.values()].reduce((n, t) => n + t.polls, 0);
  }

  /** Consumes one scripted 429 / 5xx for a poll, if any. */
  pollFault(): 429 | 503 | undefined {
    if (this.script.pollRateLimits > 0) {
      this.script.pollRateLimits--;
      return 429;
    }
    if (this.script.pollServerErrors > 0) {
      this.script.pollServerErrors--;
      return 503;
    }
    return undefined;
  }

  createFault(): boolean {
    if (this.script.createRateLimits > 0) {
      this.script.createRateLimits--;
      return true;
    }
    return false;
  }
}

export interface FakeServer<S extends FakeProviderState = FakeProviderState> {
  url: string;
  state: S;
  close(): Promise<void>;
}

/** Adds the request log (with the auth check) and the CDN route, then serves on loopback. */
export async function serveFake<S extends FakeProviderState>(
  state: S,
  authorization: string,
  routes: (app: Hono) => void,
): Promise<FakeServer<S>> {
  const app = new Hono();
  app.use('*', async (c, next) => {
    const authOk = c.req.header('authorization') === authorization;
    const entry = { method: c.req.method, path: c.req.path, authOk, at: Date.now() };
    state.requests.push(entry);
    state.allRequests.push(entry);
    if (c.req.path.startsWith('/cdn/')) return next();
    if (!authOk) return c.json({ message: 'Invalid API key' }, 401);
    return next();
  });
  app.get('/cdn/:name', async (c) => {
    const kind = c.req.param('name').replace(/\.glb$/, '') as AiGlbKind;
    const bytes = await aiGlb(kind);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'model/gltf-binary' });
  });
  routes(app);
  const loopback = await serveLoopback(app.fetch);
  state.origin = loopback.url;
  return {
    url: state.origin,
    state,
    close: () => loopback.close(),
  };
}
