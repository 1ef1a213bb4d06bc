/**
 * The Node composition root (`npm start`): SQLite (WAL) and local disk under DATA_DIR, all
 * migrations applied at start, the worker pool, the HTTP server, and a graceful shutdown.
 * Nothing needs configuring to make a relief, lithophane, extrusion or repair.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import { composeServices, migrateAll } from './compose.ts';
import type { Services } from './compose.ts';
import { loadConfig } from './config.ts';
import type { AppConfig } from './config.ts';
import { createJobsRuntime } from './jobs/jobs-runtime.ts';
import { openSqlite } from './node/database.ts';
import { loadOrCreateSecret } from './node/secret.ts';
import { webAppRoutes } from './node/web-static.ts';
import { widgetAssetsRoutes } from './node/widget-assets.ts';
import { createMeshInspector } from './node/mesh-inspector.ts';
import { listenUrls } from './node/listen-urls.ts';
import { createWorkerPool } from './node/worker-pool.ts';
import { sharpImageCodec } from './repositories/media/sharp-image-codec.ts';
import { createLocalDiskStorage } from './repositories/storage/local-disk.ts';
import { createJsonLogger } from './services/logger.ts';

export interface RunningServer {
  url: string;
  /** Where the server listens (HOST and PORT, the port chosen when PORT=0). */
  address: AddressInfo;
  services: Services;
  close(): Promise<void>;
}

/** How often uploads and job outputs past their plan's retention are purged. */
const RETENTION_PURGE_MS = 60 * 60_000;

export async function startServer(
  env: Record<string, string | undefined> = process.env,
  options: { shutdownGraceMs?: number } = {},
): Promise<RunningServer> {
  const config: AppConfig = loadConfig(env, { cores: availableParallelism() });
  const dataDir = resolve(config.dataDir);
  // The database, the secret and every file are the server's alone: DATA_DIR and files/ are 0700
  // (an existing folder is tightened), and what is created inside is 0600 (database.ts, local-disk.ts).
  await mkdir(join(dataDir, 'files'), { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  await chmod(join(dataDir, 'files'), 0o700);
  const logger = createJsonLogger(config.logLevel, (line) => process.stdout.write(`${line}\n`));
  const secret = await loadOrCreateSecret(dataDir, config.authSecret);
  const { db, sqlite, batch } = openSqlite(join(dataDir, 'image-to-stl.db'), { busyTimeoutMs: config.sqliteBusyTimeoutMs });
  const storage = createLocalDiskStorage(join(dataDir, 'files'));
  // Uploaded meshes are counted on a thread of their own: a 3MF that inflates to 384 MB must not hold the event loop.
  const meshInspector = createMeshInspector();
  const services = composeServices({
    config,
    db,
    batch,
    storage,
    secret,
    logger,
    clock: Date.now,
    imageCodec: sharpImageCodec,
    countMeshTriangles: meshInspector.count,
  });
  await migrateAll(services);

  // The queue survives restarts: rows a previous process left running are settled before claiming.
  const pool = createWorkerPool({ size: config.poolSize, maxOldGenerationSizeMb: config.workerHeapMb });
  const jobs = createJobsRuntime(services, pool);
  await jobs.runner.recover();
  jobs.runner.start();

  // Retention: every hour, files past their plan's period go; the timer never keeps the process alive.
  let purging: Promise<unknown> = Promise.resolve();
  const retentionTimer = setInterval(() => {
    purging = services.retention
      .purgeExpired(Date.now())
      .catch((error: unknown) => logger.error('retention purge failed', { error: (error as Error).message }));
  }, RETENTION_PURGE_MS);
  retentionTimer.unref();

  const health = async () => {
    await services.database.ping();
    const { size, busy, queued } = pool.stats();
    return { database: true, pool: { size, busy, queued } };
  };
  const app = createApp({
    services,
    health,
    jobs,
    remoteAddress: (c) => getConnInfo(c).remote.address,
    // The web app (web/dist) answers the GETs no API route took, so it comes last.
    files: [widgetAssetsRoutes(), webAppRoutes()],
  });

  const server: ServerType = await new Promise((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveServer(s));
  });
  const address = server.address() as AddressInfo;
  const host = config.host ? (address.family === 'IPv6' ? `[${address.address}]` : address.address) : 'localhost';
  const url = `http://${host}:${address.port}`;
  // Every address a browser can use (LAN included), and whether sign-in is pinned to BASE_URL.
  const urls = listenUrls(address, config);
  logger.info('listening', {
    url: urls[0],
    urls,
    baseUrl: config.baseUrlPinned ? config.baseUrl : 'any address this server is reached at (BASE_URL not set)',
    dataDir,
    node: process.version,
    pid: process.pid,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down');
      clearInterval(retentionTimer);
      const stopped = new Promise<void>((done) => server.close(() => done()));
      // Stop claiming; running jobs get the grace period, then go back to the queue for the next start.
      await jobs.runner.stop(options.shutdownGraceMs ?? config.shutdownGraceMs);
      await pool.close();
      await meshInspector.close();
      // Open event streams would hold server.close() forever.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await stopped;
      await purging;
      await db.destroy();
      if (sqlite.open) sqlite.close();
    })());
  return { url, address, services, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const running = await startServer();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
