/**
 * Refuses a JSON body that uses `__proto__`, `constructor` or `prototype` as a key anywhere in it
 * (or a form-encoded one that names a field so), with 400 invalid_request, before any route or
 * better-auth reads it.
 *
 * Why a middleware and not the schemas: JSON.parse makes `"__proto__"` an own property, and the
 * first copy of it (zod's record, an object spread) turns it back into a prototype, so the key
 * vanishes silently — or, copied carelessly, changes what every lookup on that object finds.
 * Checking the parsed text before any copy catches it wherever it sits. No API field is named so.
 *
 * Runs after limitBody, so the body is already read (and small); it parses a clone and leaves the
 * body for the route. A body that is not JSON at all is left to the route to refuse in its words.
 */
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../domain/errors.ts';
import type { AppEnv } from './env.ts';

const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * `judges(method, path)`: whether this route's body is ours to judge. Not file bodies (an upload
 * is stored as sent, whatever its Content-Type says, and is not read whole here) nor the Creem
 * webhook (signed by Creem, parsed by its own schema).
 */
export function refusePrototypeKeys(judges: (method: string, path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async function refusePrototypeKeysMiddleware(c, next) {
    const type = c.req.header('content-type') ?? '';
    if (!c.req.raw.body || !(JSON_TYPE.test(type) || FORM_TYPE.test(type)) || !judges(c.req.method, c.req.path)) return next();
    const text = await c.req.raw.clone().text();
    let parsed: unknown;
    try {
      // A form's fields become an object's keys too (better-auth reads forms with Object.fromEntries).
      parsed = JSON_TYPE.test(type) ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
    } catch {
      return next();
    }
    const found = findPrototypeKey(parsed);
    if (found) {
      throw ServiceError.of('invalid_request', `"${found.key}" is not accepted as a key in a request body`, {
        key: found.key,
        path: found.path,
      });
    }
    return next();
  };
}

/** The first prototype key in a parsed JSON value, with where it is; iterative, so deep nesting cannot overflow the stack. */
export function findPrototypeKey(value: unknown): { key: string; path: string } | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]` }));
      continue;
    }
    for (const key of Object.keys(node)) {
      const at = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return { key, path: at };
      stack.push({ value: (node as Record<string, unknown>)[key], path: at });
    }
  }
  return undefined;
}
