/**
 * The request-body limit every route gets (the rules live in body-limits.ts). Bytes are counted
 * as they arrive, never after: a Content-Length over the limit is refused before a byte is read;
 * a small body is read here, whole, and refused as soon as it passes its limit, so nothing behind
 * (zod, better-auth, the webhook's raw text) ever parses more than the limit; a file body is
 * passed on as a counted stream that errors the moment it passes its limit.
 *
 * Why read small bodies here rather than wrap them: the readers behind this turn a stream error
 * into answers of their own (Hono's JSON validator catches it and says 400 "Malformed JSON";
 * better-auth has its own ways), so only a body already read whole gives every route the same 413. The sender's remaining bytes are
 * not ours to read: @hono/node-server drains a little of them after the answer, then closes.
 */
import type { MiddlewareHandler } from 'hono';
import type { BodyLimit } from './body-limits.ts';
import type { AppEnv } from './env.ts';
import { concatChunks } from '../domain/bytes.ts';

export function limitBody(limitFor: (method: string, path: string) => BodyLimit): MiddlewareHandler<AppEnv> {
  return async function limitBodyMiddleware(c, next) {
    const limit = limitFor(c.req.method, c.req.path);
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > limit.maxBytes) throw limit.tooLarge();
    const body = c.req.raw.body;
    if (!body) return next();
    if (limit.streamed) {
      c.req.raw = new Request(c.req.raw, { body: countedStream(body, limit), duplex: 'half' } as RequestInit);
      return next();
    }
    c.req.raw = new Request(c.req.raw, { body: (await readWhole(body, limit)) as BodyInit });
    return next();
  };
}

/** Reads a small body to the end, or throws 413 as soon as it passes the limit (the rest is never pulled). */
async function readWhole(body: ReadableStream<Uint8Array>, limit: BodyLimit): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit.maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw limit.tooLarge();
    }
    chunks.push(value);
  }
  return concatChunks(chunks, received);
}

/** The body as it streams, erroring (which also cancels the sender's stream) once it passes the limit. */
function countedStream(body: ReadableStream<Uint8Array>, limit: BodyLimit): ReadableStream<Uint8Array> {
  let received = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > limit.maxBytes) controller.error(limit.tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
}
