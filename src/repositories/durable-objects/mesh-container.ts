/**
 * The Container-backed Durable Object in front of one mesh container instance (wrangler.toml
 * [[containers]], image from the top-level Dockerfile): it boots the container on first use and
 * forwards requests to its port 8080, where src/node/mesh-container-main.ts answers POST /run.
 * Instances are addressed by name (`mesh-0` … `mesh-<n-1>`, MESH_INSTANCES), one per container;
 * the HTTP executor (src/jobs/http-executor.ts) spreads jobs over them and moves on from a busy one.
 *
 * Written against the low-level `ctx.container` API (start, running, getTcpPort), so it needs no
 * package. It cannot run here (no Docker engine, and Miniflare runs no containers): tests reach the
 * same entry through MESH_EXECUTOR_URL instead. The container's env carries only the pool settings
 * and it never holds a secret: with R2's S3 API configured (R2_S3_ENDPOINT set) each task brings
 * presigned URLs for its input and artifacts (src/jobs/mesh-io.ts), so the container gets outbound
 * internet to reach the S3 endpoint; without it the job's object hands over the bytes and the
 * container stays offline.
 */
interface ContainerLike {
  readonly running: boolean;
  start(options?: { env?: Record<string, string>; enableInternet?: boolean }): void;
  getTcpPort(port: number): { fetch(url: string, init: Request): Promise<Response> };
}

const PORT = 8080;
/** A freshly booted container refuses connections until node listens (cold start often 2-3 s). */
const BOOT_WAIT_MS = 30_000;

export class MeshContainer {
  #container: ContainerLike | undefined;
  #env: Record<string, unknown>;

  constructor(state: { container?: ContainerLike }, env: Record<string, unknown>) {
    this.#container = state.container;
    this.#env = env;
  }

  async fetch(request: Request): Promise<Response> {
    const container = this.#container;
    if (!container) return new Response('this Durable Object has no container binding', { status: 500 });
    if (!container.running) {
      const env: Record<string, string> = { PORT: String(PORT) };
      for (const name of ['MESH_POOL_SIZE', 'WORKER_HEAP_MB'])
        if (typeof this.#env[name] === 'string') env[name] = this.#env[name] as string;
      const presigned = typeof this.#env.R2_S3_ENDPOINT === 'string' && this.#env.R2_S3_ENDPOINT !== '';
      container.start({ env, enableInternet: presigned });
    }
    const port = container.getTcpPort(PORT);
    const url = new URL(request.url);
    const target = `http://container${url.pathname}${url.search}`;
    const started = Date.now();
    // The body can be sent once: wait for the port with a bodiless probe, then forward the request.
    for (;;) {
      try {
        const probe = await port.fetch(`http://container/healthz`, new Request('http://container/healthz'));
        await probe.body?.cancel();
        break;
      } catch (error) {
        if (Date.now() - started > BOOT_WAIT_MS)
          return new Response(`mesh container did not start: ${(error as Error).message}`, { status: 503 });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    return port.fetch(target, request);
  }
}
