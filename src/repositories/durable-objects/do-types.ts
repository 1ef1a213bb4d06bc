/**
 * The parts of Cloudflare's Durable Object API we use, typed structurally (as d1-types.ts does for
 * D1 and R2) so the objects and their clients type-check on Node without a runtime package; the
 * real workerd objects satisfy these.
 */
export interface DurableObjectStub {
  fetch(input: string | Request, init?: RequestInit): Promise<Response>;
}

export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): DurableObjectStub;
}

/** workerd's WebSocket: accept() on the client end; the hibernation API accepts the server end. */
export interface WorkerWebSocket {
  accept(): void;
  send(message: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close' | 'error', listener: () => void): void;
}

export interface DurableObjectStateLike {
  storage: {
    get<T>(key: string): Promise<T | undefined>;
    put(key: string, value: unknown): Promise<void>;
    deleteAll(): Promise<void>;
    setAlarm(scheduledTime: number): Promise<void>;
  };
  /** The hibernation API: sockets the runtime keeps open while the object sleeps. */
  acceptWebSocket(ws: WorkerWebSocket): void;
  getWebSockets(): WorkerWebSocket[];
}

/** The stub of the object named `name` in a namespace. */
export function stubOf(namespace: DurableObjectNamespaceLike, name: string): DurableObjectStub {
  return namespace.get(namespace.idFromName(name) as never);
}

/** A JSON call to an object: POST to `https://do/<path>`; a non-2xx answer is an error. */
export async function callObject<T>(stub: DurableObjectStub, path: string, body: unknown): Promise<T> {
  const res = await stub.fetch(`https://do/${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`durable object ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
