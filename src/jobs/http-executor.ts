/**
 * A JobExecutor over HTTP (fetch only, so it runs in a Worker): each attempt is one POST of the
 * task and its input to a mesh process (src/node/mesh-container.ts), whose response streams the
 * progress and then the result (mesh-wire.ts). The mesh work itself never runs in the isolate.
 *
 * Endpoints are whatever answers fetch: in production stubs of the Container-backed Durable
 * Object (one per instance), in tests the URLs of local mesh processes. A process with every
 * worker taken answers 503; the executor then tries the next one and, when all are busy, waits and
 * goes round again until the caller's signal stops it. An endpoint that does not answer at all is
 * skipped (nothing started there); when none answers, or a response ends without a result, that is
 * thrown: a worker crash, which the caller retries.
 */
import type { ExecutionRequest, JobExecutor } from './executor.ts';
import type { ExecutionOutcome, ProgressMessage } from './protocol.ts';
import { encodeTask, readFrames } from './mesh-wire.ts';

export interface MeshEndpoint {
  fetch(request: Request): Promise<Response>;
}

export interface HttpExecutorOptions {
  endpoints: MeshEndpoint[];
  /** Wait between rounds when every endpoint said busy (ms); doubles up to 8x. */
  busyWaitMs?: number;
}

/** The endpoints named by a comma-separated list of base URLs (MESH_EXECUTOR_URL). */
export function urlEndpoints(list: string, fetcher: typeof fetch = fetch): MeshEndpoint[] {
  return list
    .split(',')
    .map((u) => u.trim().replace(/\/+$/, ''))
    .filter(Boolean)
    .map((base) => ({ fetch: (request: Request) => fetcher(new Request(`${base}/run`, request)) }));
}

export function createHttpExecutor(options: HttpExecutorOptions): JobExecutor {
  const { endpoints } = options;
  if (endpoints.length === 0) throw new Error('http executor: no mesh endpoints');
  const busyWaitMs = options.busyWaitMs ?? 250;
  let busy = 0;
  let next = Math.floor(Math.random() * endpoints.length);

  async function post(request: ExecutionRequest, signal: AbortSignal): Promise<Response> {
    // With io the container fetches the input itself: the request carries the task and URLs only.
    const { io } = request;
    const body = io
      ? encodeTask({ jobId: request.jobId, mode: request.mode, params: request.params, io }, new Uint8Array(0))
      : encodeTask({ jobId: request.jobId, mode: request.mode, params: request.params }, request.input);
    for (let round = 0; ; round++) {
      let unreachable = 0;
      let lastError: unknown;
      for (let i = 0; i < endpoints.length; i++) {
        signal.throwIfAborted();
        const endpoint = endpoints[next];
        next = (next + 1) % endpoints.length;
        let res: Response;
        try {
          res = await endpoint.fetch(
            new Request('https://mesh/run', {
              method: 'POST',
              body,
              headers: { 'content-type': 'application/octet-stream' },
              signal,
            }),
          );
        } catch (error) {
          // No answer at all (a process gone, a refused connection): nothing started there, try the next.
          signal.throwIfAborted();
          unreachable++;
          lastError = error;
          continue;
        }
        if (res.status !== 503) return res;
        await res.body?.cancel();
      }
      if (unreachable === endpoints.length) throw lastError;
      await sleep(busyWaitMs * Math.min(8, 2 ** round), signal);
    }
  }

  return {
    capacity: endpoints.length,
    async execute(request, { signal, onProgress }): Promise<ExecutionOutcome> {
      busy++;
      try {
        const res = await post(request, signal);
        if (!res.ok || !res.body) throw new Error(`mesh process answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        return await readFrames(res.body, (p: ProgressMessage) => onProgress(p));
      } finally {
        busy--;
      }
    },
    stats: () => ({ size: endpoints.length, busy, queued: 0 }),
    close: async () => undefined,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
