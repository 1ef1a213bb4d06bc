/**
 * The job event bus on Workers: one Durable Object per job. A subscriber (the SSE route, in
 * whatever isolate holds the client's connection) opens a WebSocket to the job's object; a
 * publisher (the lifecycle, in the isolate that committed the change) posts the event, and the
 * object sends it down every socket of that job. The object is single-threaded and a socket keeps
 * its messages in order, so each subscriber sees the events in the order they were published.
 *
 * WebSockets rather than a streamed response: the hibernation API keeps the sockets open while the
 * object sleeps between events (a long mesh stage), and a socket accepted in one request may be
 * written from another, which is exactly the fan-out. The object holds no events: a subscriber
 * sees what is published after its socket was accepted; replay from job_events is the caller's.
 */
import type { JobEventBus, JobEventMessage } from '../../domain/job-events.ts';
import { stubOf } from './do-types.ts';
import type { DurableObjectNamespaceLike, DurableObjectStateLike, WorkerWebSocket } from './do-types.ts';

/** workerd's constructor for a connected pair of sockets. */
declare const WebSocketPair: { new (): { 0: WorkerWebSocket; 1: WorkerWebSocket } };

export class JobEventsObject {
  #state: DurableObjectStateLike;

  constructor(state: DurableObjectStateLike, _env: unknown) {
    this.#state = state;
  }

  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/subscribe') {
      if (request.headers.get('upgrade') !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
      const pair = new WebSocketPair();
      this.#state.acceptWebSocket(pair[1]);
      return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
    }
    if (path === '/publish' && request.method === 'POST') {
      const message = await request.text();
      for (const ws of this.#state.getWebSockets()) {
        try {
          ws.send(message);
        } catch {
          // A socket closing under us: its subscriber has gone, the others still get the event.
        }
      }
      return new Response(null, { status: 204 });
    }
    return new Response('not found', { status: 404 });
  }

  /** Subscribers only listen; a close from their end is answered so the socket is released. */
  async webSocketClose(ws: WorkerWebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, 'unsubscribed');
    } catch {
      // already closed
    }
  }

  async webSocketMessage(): Promise<void> {}
}

export function createDurableJobEventBus(namespace: DurableObjectNamespaceLike): JobEventBus {
  // Requests to an object may overtake each other, so this isolate's publishes to one job go one
  // after another: the order of the calls is the order subscribers see.
  const tails = new Map<string, Promise<void>>();
  async function send(event: JobEventMessage): Promise<void> {
    try {
      const res = await stubOf(namespace, event.jobId).fetch('https://do/publish', { method: 'POST', body: JSON.stringify(event) });
      await res.body?.cancel();
    } catch {
      // The job_events row is the record: a live stream that missed this resumes from it.
    }
  }
  return {
    publish(event) {
      const next = (tails.get(event.jobId) ?? Promise.resolve()).then(() => send(event));
      tails.set(event.jobId, next);
      void next.then(() => {
        if (tails.get(event.jobId) === next) tails.delete(event.jobId);
      });
      return next;
    },
    async subscribe(jobId, listener) {
      const res = await stubOf(namespace, jobId).fetch('https://do/subscribe', { headers: { upgrade: 'websocket' } });
      const ws = (res as Response & { webSocket?: WorkerWebSocket | null }).webSocket;
      if (!ws) throw new Error(`job events: the object for ${jobId} refused the subscription (${res.status})`);
      ws.accept();
      let open = true;
      ws.addEventListener('message', (event) => {
        if (!open) return;
        try {
          listener(JSON.parse(String(event.data)) as JobEventMessage);
        } catch {
          // One broken stream must not stop the socket.
        }
      });
      ws.addEventListener('close', () => {
        open = false;
      });
      return () => {
        if (!open) return;
        open = false;
        try {
          ws.close(1000, 'unsubscribed');
        } catch {
          // already closed
        }
      };
    },
  };
}
