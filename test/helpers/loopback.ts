/**
 * Serves a fake external API (Creem, an AI provider) on a real loopback socket, so our clients
 * reach it over HTTP exactly as they reach the real service. The workerd suites swap this module
 * for test/workers/loopback.ts (vitest.workers.config.ts), since a Worker cannot listen on a port.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';

export interface Loopback {
  /** Origin to point a client at, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

export async function serveLoopback(handler: (request: Request) => Response | Promise<Response>): Promise<Loopback> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
