/**
 * Entry of the mesh container image (Dockerfile CMD) and of the local mesh processes in tests and
 * `npm run bench:cf-scale`: the worker pool behind POST /run (mesh-container.ts).
 *
 * Settings: PORT (8080), MESH_POOL_SIZE (threads, default the cores), WORKER_HEAP_MB (1536). It
 * prints `mesh container listening on <url>` once it takes requests, and on SIGTERM stops taking
 * them and lets running tasks finish (the platform sends SIGKILL later).
 */
import { availableParallelism } from 'node:os';
import { createWorkerPool } from './worker-pool.ts';
import { createMeshContainer } from './mesh-container.ts';

const port = Number(process.env.PORT ?? 8080);
const size = Math.max(1, Number(process.env.MESH_POOL_SIZE ?? availableParallelism()));
const heapMb = Number(process.env.WORKER_HEAP_MB ?? 1536);

const container = createMeshContainer(createWorkerPool({ size, maxOldGenerationSizeMb: heapMb }));
container.server.listen(port, process.env.HOST ?? '0.0.0.0', () => {
  const address = container.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`mesh container listening on http://127.0.0.1:${actual} (${size} threads)`);
});

process.once('SIGTERM', () => {
  void container.close().then(() => process.exit(0));
});
