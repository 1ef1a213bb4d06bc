/**
 * A loopback fal queue (https://queue.fal.run): `Authorization: Key <FAL_KEY>`. POST /{model_id}
 * -> {request_id, response_url, status_url, cancel_url} (URLs on the ROOT app id, as fal does:
 * fal-ai/hunyuan3d/v2 -> fal-ai/hunyuan3d/requests/…), GET …/status -> IN_QUEUE (queue_position)
 * -> IN_PROGRESS -> COMPLETED, GET …/requests/{id} -> {model_mesh: {url, content_type, file_name,
 * file_size}} or, when scripted, a COMPLETED request whose result is an error (422 {detail}),
 * PUT …/cancel -> CANCELLATION_REQUESTED | ALREADY_COMPLETED.
 */
import { FakeProviderState, serveFake } from './fake-ai-server.ts';
import type { FakeServer } from './fake-ai-server.ts';

export const FAL_TEST_KEY = 'fal-test-key-0123456789:abcdefabcdef';
const MODELS = ['fal-ai/trellis', 'fal-ai/trellis/multi', 'fal-ai/hunyuan3d/v2', 'fal-ai/triposr'];

export class FakeFalState extends FakeProviderState {
  readonly cancelAnswers: string[] = [];
}

export function startFakeFal(key = FAL_TEST_KEY): Promise<FakeServer<FakeFalState>> {
  const state = new FakeFalState();
  return serveFake(state, `Key ${key}`, (app) => {
    for (const model of MODELS) {
      app.post(`/${model}`, async (c) => {
        if (state.createFault()) return c.json({ detail: 'Rate limit exceeded' }, 429);
        const body = (await c.req.json()) as Record<string, unknown>;
        const image =
          model === 'fal-ai/trellis/multi'
            ? (body.image_urls as unknown[])?.[0]
            : model === 'fal-ai/hunyuan3d/v2'
              ? body.input_image_url
              : body.image_url;
        if (typeof image !== 'string' || !image.startsWith('data:image/'))
          return c.json({ detail: [{ loc: ['body', 'image_url'], msg: 'field required', type: 'value_error' }] }, 422);
        const task = state.newTask(model, body);
        const root = model.split('/').slice(0, 2).join('/');
        const base = `${state.origin}/${root}/requests/${task.id}`;
        return c.json({
          request_id: task.id,
          response_url: base,
          status_url: `${base}/status`,
          cancel_url: `${base}/cancel`,
          queue_position: 0,
        });
      });
    }
    app.get('/:owner/:app/requests/:id/status', (c) => {
      const fault = state.pollFault();
      if (fault) return c.json({ detail: fault === 429 ? 'Rate limit exceeded' : 'Service unavailable' }, fault);
      const task = state.tasks.get(c.req.param('id'));
      if (!task) return c.json({ detail: 'Request not found' }, 404);
      const phase = state.phase(task);
      const url = `${state.origin}/${c.req.param('owner')}/${c.req.param('app')}/requests/${task.id}`;
      if (phase === 'queued') return c.json({ status: 'IN_QUEUE', queue_position: 2, response_url: url });
      if (phase === 'running') return c.json({ status: 'IN_PROGRESS', response_url: url, logs: [{ message: 'sampling', level: 'INFO' }] });
      return c.json({ status: 'COMPLETED', response_url: url, logs: [] });
    });
    app.get('/:owner/:app/requests/:id', (c) => {
      const task = state.tasks.get(c.req.param('id'));
      if (!task) return c.json({ detail: 'Request not found' }, 404);
      if (task.cancelled) return c.json({ detail: 'Request was cancelled' }, 400);
      if (task.outcome.kind === 'fail')
        return c.json({ detail: [{ msg: 'Internal error during mesh extraction', type: 'runtime_error' }] }, 422);
      if (task.outcome.kind === 'refuse')
        return c.json({ detail: [{ msg: 'The input image was flagged by the safety checker', type: 'content_policy_violation' }] }, 422);
      return c.json({
        model_mesh: { url: state.resultUrl(task), content_type: 'model/gltf-binary', file_name: 'model.glb', file_size: 1234 },
        timings: { inference: 12.3 },
      });
    });
    app.put('/:owner/:app/requests/:id/cancel', (c) => {
      const task = state.tasks.get(c.req.param('id'));
      if (!task) return c.json({ status: 'NOT_FOUND' }, 404);
      state.cancels++;
      task.cancelled = true;
      state.cancelAnswers.push('CANCELLATION_REQUESTED');
      return c.json({ status: 'CANCELLATION_REQUESTED' }, 202);
    });
  });
}
