/**
 * A loopback Tripo (https://api.tripo3d.ai/v2/openapi): `Authorization: Bearer tsk_…`, envelope
 * {"code": 0, "data": …}. POST /upload (multipart `file` -> image_token), POST /task
 * (image_to_model, multiview_to_model, text_to_model -> task_id), GET /task/{id} (queued ->
 * running (running_left_time) -> success (output.model) | failed | banned (content policy, code
 * 2008)), POST /task/{id}/cancel. Errors {code, message, suggestion}: 429 + code 2000 for scripted
 * bursts and beyond 10 tasks queued or running.
 */
import { FakeProviderState, serveFake } from './fake-ai-server.ts';
import type { FakeServer, FakeTask } from './fake-ai-server.ts';

export const TRIPO_TEST_KEY = 'tsk_fake_tripo_key_0123456789abcdef';

export class FakeTripoState extends FakeProviderState {
  readonly tokens = new Set<string>();
  uploads = 0;
  private finished = new Set<string>();
  active(): number {
    return [...this.tasks.values()].filter((t) => !t.cancelled && !this.finished.has(t.id)).length;
  }
  finish(task: FakeTask): void {
    this.finished.add(task.id);
  }
}

const err = (code: number, message: string) => ({ code, message, suggestion: 'try again later' });

export function startFakeTripo(key = TRIPO_TEST_KEY): Promise<FakeServer<FakeTripoState>> {
  const state = new FakeTripoState();
  return serveFake(state, `Bearer ${key}`, (app) => {
    app.use('*', async (c, next) => {
      await next();
      c.header('X-Tripo-Trace-ID', `trace-${Date.now()}`);
    });
    app.post('/upload', async (c) => {
      const form = await c.req.formData();
      const file = form.get('file');
      if (!(file instanceof Blob) || file.size === 0) return c.json(err(1004, 'file is required'), 400);
      state.uploads++;
      const token = `tok-${state.uploads}-${Math.random().toString(36).slice(2, 8)}`;
      state.tokens.add(token);
      return c.json({ code: 0, data: { image_token: token } });
    });
    app.post('/task', async (c) => {
      if (state.createFault() || state.active() >= 10) return c.json(err(2000, 'You have exceeded the limit of generation'), 429);
      const body = (await c.req.json()) as Record<string, unknown>;
      const known = (f: unknown) => !!f && typeof f === 'object' && state.tokens.has(String((f as { file_token?: unknown }).file_token));
      const ok =
        (body.type === 'image_to_model' && known(body.file)) ||
        (body.type === 'multiview_to_model' && Array.isArray(body.files) && body.files.length === 4 && known(body.files[0])) ||
        (body.type === 'text_to_model' && typeof body.prompt === 'string' && body.prompt.length > 0);
      if (!ok) return c.json(err(1004, 'invalid parameter'), 400);
      // Tripo checks prompts at submission: a refused prompt never becomes a task.
      if (body.type === 'text_to_model' && state.script.outcome.kind === 'refuse' && String(body.prompt).includes('forbidden')) {
        return c.json(err(2008, 'The content you entered violates the content policy'), 400);
      }
      return c.json({ code: 0, data: { task_id: state.newTask(String(body.type), body).id } });
    });
    app.get('/task/:id', (c) => {
      const fault = state.pollFault();
      if (fault) return c.json(fault === 429 ? err(2000, 'rate limited') : err(1000, 'server error'), fault);
      const task = state.tasks.get(c.req.param('id'));
      if (!task) return c.json(err(1004, 'task not found'), 404);
      const phase = state.phase(task);
      const base = { task_id: task.id, type: task.kind, input: {}, output: {}, create_time: Math.floor(Date.now() / 1000) };
      if (phase === 'queued') return c.json({ code: 0, data: { ...base, status: 'queued', progress: 0, queuing_num: 3 } });
      if (phase === 'running') return c.json({ code: 0, data: { ...base, status: 'running', progress: 50, running_left_time: 0.01 } });
      state.finish(task);
      if (task.cancelled) return c.json({ code: 0, data: { ...base, status: 'cancelled', progress: 0 } });
      if (task.outcome.kind === 'fail')
        return c.json({ code: 0, data: { ...base, status: 'failed', progress: 0, error_code: 1001, error_msg: 'generation failed' } });
      if (task.outcome.kind === 'refuse')
        return c.json({ code: 0, data: { ...base, status: 'banned', progress: 0, error_code: 2008, error_msg: 'content policy' } });
      return c.json({
        code: 0,
        data: {
          ...base,
          status: 'success',
          progress: 100,
          output: { model: state.resultUrl(task), rendered_image: `${state.origin}/cdn/preview.webp` },
        },
      });
    });
    app.post('/task/:id/cancel', (c) => {
      const task = state.tasks.get(c.req.param('id'));
      if (!task) return c.json(err(1004, 'task not found'), 404);
      state.cancels++;
      task.cancelled = true;
      return c.json({ code: 0, data: { task_id: task.id, status: 'cancelled' } });
    });
  });
}
