/**
 * A loopback Meshy: POST /openapi/v1/image-to-3d, /openapi/v1/multi-image-to-3d,
 * /openapi/v2/text-to-3d (202 {"result": id}), GET /openapi/v{1,2}/<kind>/:id (PENDING ->
 * IN_PROGRESS -> SUCCEEDED | FAILED), `Authorization: Bearer <key>`, 429 with
 * {"message": "…"} for scripted bursts and beyond 10 pending tasks (TooManyPendingTasks).
 * Meshy has no cancel endpoint.
 */
import { FakeProviderState, serveFake } from './fake-ai-server.ts';
import type { FakeServer, FakeTask } from './fake-ai-server.ts';

export const MESHY_TEST_KEY = 'msy_dummy_api_key_for_test_mode_12345678';
const KINDS = { 'image-to-3d': 'v1', 'multi-image-to-3d': 'v1', 'text-to-3d': 'v2' } as const;

export class FakeMeshyState extends FakeProviderState {
  pending(): number {
    return [...this.tasks.values()].filter((t) => !t.cancelled && this.settledAt(t) === undefined).length;
  }
  private settled = new Set<string>();
  settledAt(task: FakeTask): true | undefined {
    return this.settled.has(task.id) ? true : undefined;
  }
  settle(task: FakeTask): void {
    this.settled.add(task.id);
  }
}

export function startFakeMeshy(key = MESHY_TEST_KEY): Promise<FakeServer<FakeMeshyState>> {
  const state = new FakeMeshyState();
  return serveFake(state, `Bearer ${key}`, (app) => {
    for (const [kind, version] of Object.entries(KINDS)) {
      app.post(`/openapi/${version}/${kind}`, async (c) => {
        if (state.createFault()) return c.json({ message: 'Too many requests, slow down' }, 429);
        if (state.pending() >= 10) return c.json({ message: 'TooManyPendingTasks' }, 429);
        const body = (await c.req.json()) as Record<string, unknown>;
        const images = kind === 'multi-image-to-3d' ? (body.image_urls as unknown[]) : kind === 'image-to-3d' ? [body.image_url] : [];
        if (
          kind === 'text-to-3d'
            ? body.mode !== 'preview' || typeof body.prompt !== 'string'
            : !images.every((u) => typeof u === 'string' && /^data:image\/(png|jpeg);base64,/.test(u))
        ) {
          return c.json({ message: 'Invalid request body' }, 400);
        }
        return c.json({ result: state.newTask(kind, body).id }, 202);
      });
      app.get(`/openapi/${version}/${kind}/:id`, (c) => {
        const fault = state.pollFault();
        if (fault) return c.json({ message: fault === 429 ? 'Too many requests' : 'Service unavailable' }, fault);
        const task = state.tasks.get(c.req.param('id'));
        if (!task || task.kind !== kind) return c.json({ message: 'Task not found' }, 404);
        const phase = state.phase(task);
        const base = { id: task.id, type: kind, model_urls: {}, task_error: null, created_at: Date.now() };
        if (phase === 'queued') return c.json({ ...base, status: 'PENDING', progress: 0 });
        if (phase === 'running') return c.json({ ...base, status: 'IN_PROGRESS', progress: 40 });
        state.settle(task);
        if (task.outcome.kind === 'fail')
          return c.json({ ...base, status: 'FAILED', progress: 0, task_error: { message: 'Internal error while generating the model' } });
        if (task.outcome.kind === 'refuse')
          return c.json({ ...base, status: 'FAILED', progress: 0, task_error: { message: 'The input was flagged by content moderation' } });
        const url = state.resultUrl(task);
        return c.json({
          ...base,
          status: 'SUCCEEDED',
          progress: 100,
          model_urls: { glb: url, fbx: url.replace('.glb', '.fbx') },
          thumbnail_url: `${state.origin}/cdn/thumb.png`,
        });
      });
    }
  });
}
