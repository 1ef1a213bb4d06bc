/**
 * The workerd stand-in for test/helpers/loopback.ts. A Worker cannot listen on a socket, so each
 * fake gets an origin of its own (http://loopback-N.test) and the isolate's `fetch` hands requests
 * for that origin to the fake's handler as real Request objects; every other URL goes out as
 * before. Our clients (the creem SDK, the AI providers' HTTP code) are unchanged and call `fetch`.
 */
import type { Loopback } from '../helpers/loopback.ts';

const handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
const outbound = globalThis.fetch.bind(globalThis);
let installed = false;
let sequence = 0;

function install(): void {
  if (installed) return;
  installed = true;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const handler = handlers.get(new URL(request.url).origin);
    return handler ? handler(request) : outbound(request);
  };
}

export async function serveLoopback(handler: (request: Request) => Response | Promise<Response>): Promise<Loopback> {
  install();
  const url = `http://loopback-${++sequence}.test`;
  handlers.set(url, handler);
  return {
    url,
    async close() {
      handlers.delete(url);
    },
  };
}
