/**
 * Fuzz targets for what the HTTP API parses: multipart bodies (readMultipartFile directly, and
 * POST /api/v1/uploads through app.request()), JSON bodies of POST /api/v1/jobs,
 * /api/v1/billing/checkout and /api/v1/webhooks/creem (signed, so they reach the event parser),
 * and params resolution. Every answer must be a 2xx or a 4xx JSON error with a code: never a 5xx
 * (except the documented 503 provider_not_configured for AI modes without a provider key).
 *
 * An input is the request as bytes: one line of JSON headers, a newline, then the body, so a
 * saved crash replays exactly.
 */
import { createApp } from '../../../src/app.ts';
import { readMultipartFile } from '../../../src/http/read-multipart-file.ts';
import { createJobsRuntime } from '../../../src/jobs/jobs-runtime.ts';
import type { JobExecutor } from '../../../src/jobs/executor.ts';
import { resolveMeshParams, MESH_JOB_DEFAULTS } from '../../../src/pipeline/mesh-params.ts';
import { IMAGE_JOB_DEFAULTS, resolveImageParams } from '../../../src/pipeline/params.ts';
import { signCreemBody } from '../../../src/services/billing/signature.ts';
import { JOB_MODES } from '../../../src/services/jobs.ts';
import type { Logger } from '../../../src/services/logger.ts';
import { startFakeCreem, type FakeCreem } from '../../helpers/fake-creem.ts';
import { createTestServices, signUp, type TestInfra } from '../../helpers/test-services.ts';
import { FuzzViolation, type FuzzTarget } from './harness.ts';
import { deepJson, jsonText, randomJson, weirdScalar, WEIRD_KEYS } from './json-gen.ts';
import { mutate } from './mutate.ts';
import type { Rng } from './prng.ts';
import { imageSeeds, meshSeeds, type Seed } from './seeds.ts';

const MAX_UPLOAD_BYTES = 512 * 1024;
const encoder = new TextEncoder();

// ---------- request <-> bytes ----------

export function encodeRequest(headers: Record<string, string>, body: Uint8Array | string): Uint8Array {
  const head = encoder.encode(`${JSON.stringify(headers)}\n`);
  const tail = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

export function decodeRequest(input: Uint8Array): { headers: Record<string, string>; body: Uint8Array } {
  const nl = input.indexOf(10);
  let headers: Record<string, string> = {};
  if (nl >= 0) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(input.subarray(0, nl)));
      if (parsed && typeof parsed === 'object') headers = parsed;
    } catch {
      // no headers
    }
  }
  const clean: Record<string, string> = {};
  // Values a client could actually send (a fetch Request refuses others before our code runs).
  for (const [k, v] of Object.entries(headers)) {
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k))
      clean[k] = String(v)
        .replace(/[^\t\x20-\x7e]/g, '')
        .trim();
  }
  return { headers: clean, body: input.subarray(nl + 1) };
}

// ---------- the shared app ----------

export interface HttpCtx {
  infra: TestInfra;
  creem: FakeCreem;
  app: ReturnType<typeof createApp>;
  cookie: string;
  userId: string;
  imageUploadId: string;
  meshUploadId: string;
  seeds: Seed[];
}

const idleExecutor: JobExecutor = {
  capacity: 1,
  execute: async () => ({ ok: false, error: { code: 'internal', message: 'fuzz: jobs never run' } }) as never,
  stats: () => ({ size: 1, busy: 0, queued: 0 }),
  close: async () => {},
};

/** The app's logged errors (the 500 handler logs the real cause), shown with a 5xx violation. */
let lastLoggedError = '';
const capturingLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error(msg, fields) {
    lastLoggedError = `${msg} ${JSON.stringify(fields ?? {}).slice(0, 1500)}`;
  },
};

let shared: Promise<HttpCtx> | undefined;
let users = 0;

export async function httpContext(): Promise<HttpCtx> {
  shared ??= (async () => {
    const creem = await startFakeCreem();
    const infra = await createTestServices(
      {
        MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
        CREEM_API_KEY: creem.apiKey,
        CREEM_WEBHOOK_SECRET: creem.webhookSecret,
        CREEM_API_URL: creem.url,
        CREEM_PRODUCTS: 'pack-100=prod_pack100:100:pack,plan-300=prod_plan300:300:plan',
      },
      { logger: capturingLogger },
    );
    const jobs = createJobsRuntime(infra.services, idleExecutor, { pollMs: 60_000 });
    const app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }), jobs });
    const cookie = await signUp(app, `fuzz${++users}@example.com`);
    const session = (await (await app.request('/api/auth/get-session', { headers: { cookie } })).json()) as { user: { id: string } };
    const seeds = [...(await meshSeeds()), ...(await imageSeeds())].filter((s) => s.bytes.length <= MAX_UPLOAD_BYTES);
    const uploadOf = async (name: string) => {
      const form = new FormData();
      form.append('file', new File([seeds.find((s) => s.name === name)!.bytes as BlobPart], name));
      const res = await app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie } });
      if (res.status !== 201) throw new Error(`fuzz setup: upload of ${name} answered ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    return {
      infra,
      creem,
      app,
      cookie,
      userId: session.user.id,
      imageUploadId: await uploadOf('rgba.png'),
      meshUploadId: await uploadOf('box.stl'),
      seeds,
    };
  })();
  return shared;
}

/** Call once after the last HTTP target (each fuzz/smoke file gets its own process). */
export async function closeHttpContext(): Promise<void> {
  if (!shared) return;
  const ctx = await shared;
  shared = undefined;
  await ctx.infra.close();
  await ctx.creem.close();
}

/** A 2xx, or a 4xx with our JSON error shape; a 5xx only when allowed (documented 503s). */
async function checkResponse(res: Response, what: string, allowed5xx: readonly string[] = []): Promise<unknown> {
  const text = await res.text();
  let body: any;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new FuzzViolation(`${what}: ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status >= 400) {
    const code = body?.error?.code;
    if (typeof code !== 'string') throw new FuzzViolation(`${what}: ${res.status} without an error code: ${text.slice(0, 200)}`);
    if (res.status >= 500 && !allowed5xx.includes(code))
      throw new FuzzViolation(`${what}: ${res.status} ${code}: ${body.error.message}; logged: ${lastLoggedError}`);
  }
  return body;
}

/** "201" or "400 invalid_request": tallied in the report, to show which paths the inputs reached. */
function statusLabel(res: Response, body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? `${res.status} ${code}` : String(res.status);
}

// ---------- multipart ----------

const BOUNDARIES = [
  '----fuzzboundary7MA4YWxkTrZu0gW',
  'x',
  '',
  'a'.repeat(70),
  'b'.repeat(5000),
  '"quoted"',
  'has space',
  'semi;colon',
  '--',
  'ünï',
  '\t',
];
const DISPOSITIONS = [
  (n: string) => `form-data; name="file"; filename="${n}"`,
  (n: string) => `form-data; name=file; filename=${n}`,
  () => 'form-data; name="file"',
  (n: string) => `form-data; name="other"; filename="${n}"`,
  (n: string) => `form-data; filename="${n}"`,
  () => `form-data; name="file"; filename*=UTF-8''%ff%fe%00.stl`,
  () => `form-data; name="file"; filename="${'n'.repeat(20000)}"`,
  () => 'attachment',
  () => '',
  (n: string) => `form-data; name="file"; name="file"; filename="${n}"; filename="../../etc/passwd"`,
];

function multipartCase(rng: Rng, seeds: readonly Seed[]): Uint8Array {
  const seed = rng.pick(seeds);
  const file = rng.bool(0.6) ? seed.bytes : mutate(rng, seed.bytes);
  const boundary = rng.bool(0.6) ? BOUNDARIES[0] : rng.pick(BOUNDARIES);
  const bodyBoundary = rng.bool(0.85) ? boundary : rng.pick(BOUNDARIES);
  const crlf = rng.bool(0.9) ? '\r\n' : '\n';
  const disposition = rng.bool(0.6) ? DISPOSITIONS[0](seed.name.replace(/.*\//, '')) : rng.pick(DISPOSITIONS)(seed.name);
  const partHeaders = [`Content-Disposition: ${disposition}`];
  if (rng.bool(0.5))
    partHeaders.push(`Content-Type: ${rng.pick(['application/octet-stream', 'image/png', 'model/stl', '', 'text/plain; charset=utf-16'])}`);
  if (rng.bool(0.05)) partHeaders.push(`X-Junk: ${'j'.repeat(rng.pick([100, 70000]))}`);
  const parts: Array<string | Uint8Array> = [];
  if (rng.bool(0.1)) parts.push(rng.pick(['preamble junk', '\r\n', `--${bodyBoundary}x\r\n`]));
  if (rng.bool(0.1)) {
    for (let i = rng.pick([1, 2, 50, 1000]); i > 0; i--)
      parts.push(`--${bodyBoundary}${crlf}Content-Disposition: form-data; name="f${i}"${crlf}${crlf}v${crlf}`);
  }
  parts.push(`--${bodyBoundary}${crlf}${partHeaders.join(crlf)}${rng.bool(0.95) ? crlf + crlf : crlf}`, file);
  if (rng.bool(0.1)) parts.push(`${crlf}--${bodyBoundary}${crlf}${partHeaders.join(crlf)}${crlf}${crlf}`, file);
  parts.push(
    rng.bool(0.9)
      ? `${crlf}--${bodyBoundary}--${crlf}`
      : rng.pick(['', `${crlf}--${bodyBoundary}`, `${crlf}--${bodyBoundary}--epilogue junk`]),
  );
  let body: Uint8Array = concatParts(parts);
  if (rng.bool(0.25)) body = mutate(rng, body);
  const contentType = rng.bool(0.75)
    ? `multipart/form-data; boundary=${boundary}`
    : rng.pick([
        'multipart/form-data',
        'multipart/form-data;',
        `multipart/form-data; boundary="${boundary}"`,
        `multipart/form-data; boundary=${boundary}; boundary=other`,
        `MULTIPART/FORM-DATA; BOUNDARY=${boundary}`,
        `multipart/mixed; boundary=${boundary}`,
        'application/json',
        'text/plain',
        '',
        `multipart/form-data; charset=utf-8; boundary=${boundary}`,
      ]);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (rng.bool(0.1))
    headers['content-length'] = String(
      rng.pick([0, 1, body.length - 1, body.length + 1000, 2 ** 53, -1, 'abc' as unknown as number, MAX_UPLOAD_BYTES * 4]),
    );
  return encodeRequest(headers, body);
}

function concatParts(parts: Array<string | Uint8Array>): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** A body the fetch Request accepts: a bodyless one for an empty input. */
const bodyOf = (b: Uint8Array) => (b.length === 0 ? undefined : (b.slice() as BlobPart as BodyInit));

export const multipartTarget: FuzzTarget<HttpCtx> = {
  name: 'multipart',
  weight: 2,
  setup: httpContext,
  generate: (rng, ctx) => multipartCase(rng, ctx.seeds),
  async run(input) {
    const { headers, body } = decodeRequest(input);
    const request = new Request('http://localhost/api/v1/uploads', {
      method: 'POST',
      headers,
      body: bodyOf(body),
      duplex: 'half',
    } as RequestInit);
    const file = await readMultipartFile(request, 'file', MAX_UPLOAD_BYTES);
    if (!(file.bytes instanceof Uint8Array) || file.bytes.length > MAX_UPLOAD_BYTES)
      throw new FuzzViolation(`readMultipartFile returned ${file.bytes?.length} bytes`);
    if (typeof file.name !== 'string') throw new FuzzViolation('readMultipartFile returned a name that is not a string');
    return 'read';
  },
};

export const uploadRouteTarget: FuzzTarget<HttpCtx> = {
  name: 'upload-route',
  weight: 3,
  setup: httpContext,
  generate: (rng, ctx) => multipartCase(rng, ctx.seeds),
  async run(input, ctx) {
    const { headers, body } = decodeRequest(input);
    const res = await ctx.app.request('/api/v1/uploads', {
      method: 'POST',
      headers: { ...headers, cookie: ctx.cookie },
      body: bodyOf(body),
    });
    const answer = (await checkResponse(res, 'POST /api/v1/uploads')) as { id?: string } | undefined;
    if (res.status === 201) {
      if (typeof answer?.id !== 'string') throw new FuzzViolation('201 without an upload id');
      // Keep the temp dir small: the upload itself is not what is fuzzed here.
      await ctx.app.request(`/api/v1/uploads/${answer.id}`, { method: 'DELETE', headers: { cookie: ctx.cookie } });
    }
    return statusLabel(res, answer);
  },
};

// ---------- JSON bodies ----------

const PARAM_KEYS = [
  ...new Set([
    ...Object.keys(IMAGE_JOB_DEFAULTS),
    ...Object.keys(MESH_JOB_DEFAULTS),
    'heightMm',
    'units',
    'targetSizeMm',
    'targetHeightMm',
    'upAxis',
    'placeOnBed',
    'views',
    'style',
  ]),
];

function randomParams(rng: Rng): unknown {
  if (rng.bool(0.1)) return randomJson(rng, 3, PARAM_KEYS);
  const out: Record<string, unknown> = {};
  for (let i = rng.int(6); i > 0; i--) {
    const key = rng.bool(0.85) ? rng.pick(PARAM_KEYS) : rng.pick(WEIRD_KEYS);
    const valid =
      (IMAGE_JOB_DEFAULTS as unknown as Record<string, unknown>)[key] ?? (MESH_JOB_DEFAULTS as unknown as Record<string, unknown>)[key];
    Object.defineProperty(out, key, {
      value: rng.bool(0.3) && valid !== undefined ? valid : rng.bool(0.15) ? randomJson(rng, 3, PARAM_KEYS) : weirdScalar(rng),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  // An own "__proto__" key, as JSON.parse makes from a client's body (plain assignment would set the prototype).
  if (rng.bool(0.1))
    Object.defineProperty(out, '__proto__', {
      value: { heightMm: -1e9, units: 'parsec', targetSizeMm: -5, maxTriangles: 1e12 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** Body text: a mostly-valid object with fuzzed fields, random JSON, deep nesting, a huge string, or broken text. */
function jsonBody(rng: Rng, structured: () => Record<string, unknown>, keys: readonly string[]): string {
  const roll = rng.next();
  if (roll < 0.04) return deepJson(rng, rng.pick([100, 5000, 100_000]));
  if (roll < 0.07) return JSON.stringify({ [rng.pick(keys)]: 'x'.repeat(rng.pick([10_000, 1_000_000])) });
  if (roll < 0.17) return jsonText(randomJson(rng, 5, keys));
  const value = structured();
  for (const key of Object.keys(value)) if (rng.bool(0.1)) delete value[key];
  const text = jsonText(value);
  if (roll < 0.27) return new TextDecoder('latin1').decode(mutate(rng, encoder.encode(text)));
  return text;
}

const jsonHeaders = (rng: Rng): Record<string, string> =>
  rng.bool(0.9)
    ? { 'content-type': 'application/json' }
    : { 'content-type': rng.pick(['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', '']) };

export const jobsJsonTarget: FuzzTarget<HttpCtx> = {
  name: 'jobs-json',
  weight: 2,
  setup: httpContext,
  generate(rng, ctx) {
    const body = jsonBody(
      rng,
      () => ({
        mode: rng.bool(0.8) ? rng.pick(JOB_MODES) : weirdScalar(rng),
        uploadId: rng.pick<unknown>([
          ctx.imageUploadId,
          ctx.meshUploadId,
          ctx.imageUploadId,
          'upl_missing',
          '',
          'x'.repeat(101),
          weirdScalar(rng),
        ]),
        params: randomParams(rng),
        dryRun: rng.pick<unknown>([true, true, true, false, 'true', 1, null]),
        ...(rng.bool(0.2) ? { prompt: rng.pick<unknown>(['a cat', '', ' ', 'p'.repeat(2001), 5, null]) } : {}),
      }),
      ['mode', 'uploadId', 'params', 'dryRun', 'prompt'],
    );
    const headers = jsonHeaders(rng);
    if (rng.bool(0.1)) headers['idempotency-key'] = rng.pick(['k1', '', 'k'.repeat(300), 'fuzz-key']);
    return encodeRequest(headers, body);
  },
  async run(input, ctx) {
    const { headers, body } = decodeRequest(input);
    const res = await ctx.app.request('/api/v1/jobs', { method: 'POST', headers: { ...headers, cookie: ctx.cookie }, body: bodyOf(body) });
    return statusLabel(res, await checkResponse(res, 'POST /api/v1/jobs', ['provider_not_configured']));
  },
};

export const checkoutJsonTarget: FuzzTarget<HttpCtx> = {
  name: 'checkout-json',
  weight: 1,
  setup: httpContext,
  generate(rng) {
    const body = jsonBody(
      rng,
      () => ({
        product: rng.pick<unknown>(['pack-100', 'plan-300', 'pack-999', '', 'p'.repeat(65), weirdScalar(rng)]),
        ...(rng.bool(0.2) ? { extra: randomJson(rng, 2) } : {}),
      }),
      ['product'],
    );
    return encodeRequest(jsonHeaders(rng), body);
  },
  async run(input, ctx) {
    const { headers, body } = decodeRequest(input);
    const res = await ctx.app.request('/api/v1/billing/checkout', {
      method: 'POST',
      headers: { ...headers, cookie: ctx.cookie },
      body: bodyOf(body),
    });
    return statusLabel(res, await checkResponse(res, 'POST /api/v1/billing/checkout'));
  },
};

const EVENT_TYPES = [
  'checkout.completed',
  'subscription.active',
  'subscription.paid',
  'subscription.trialing',
  'subscription.canceled',
  'subscription.expired',
  'subscription.update',
  'refund.created',
  'dispute.created',
  'unknown.event',
];
const OBJECT_KEYS = [
  'id',
  'request_id',
  'order',
  'product',
  'customer',
  'subscription',
  'units',
  'metadata',
  'status',
  'last_transaction_id',
  'current_period_end_date',
  'refund_amount',
  'transaction',
  'checkout',
  'amount',
  'userId',
  'type',
];

function webhookObject(rng: Rng, userId: string): Record<string, unknown> {
  const value = (key: string): unknown => {
    if (rng.bool(0.25)) return weirdScalar(rng);
    switch (key) {
      case 'metadata':
        return {
          userId: rng.pick<unknown>([userId, userId, 'usr_gone', '', 5, null, {}]),
          productKey: rng.pick<unknown>(['pack-100', 'plan-300', 'nope', 7]),
        };
      case 'order':
        return {
          id: `ord_${rng.int(50)}`,
          amount: rng.pick<unknown>([100, 0, -1, 1e308, '100']),
          type: rng.pick(['onetime', 'recurring']),
        };
      case 'product':
        return rng.bool() ? rng.pick(['prod_pack100', 'prod_plan300', 'prod_unknown']) : { id: rng.pick(['prod_pack100', 'prod_plan300']) };
      case 'customer':
      case 'subscription':
      case 'transaction':
        return rng.bool() ? `${key.slice(0, 3)}_${rng.int(20)}` : { id: `${key.slice(0, 3)}_${rng.int(20)}` };
      case 'checkout':
        return { id: `ch_${rng.int(20)}`, request_id: `req_${rng.int(20)}`, metadata: { userId } };
      case 'units':
      case 'refund_amount':
      case 'amount':
        return rng.pick<unknown>([1, 100, 0, -5, 1e308, 2 ** 53 + 1, 0.5]);
      case 'current_period_end_date':
        return rng.pick<unknown>(['2030-01-01T00:00:00Z', 'not a date', 1e308, -1, Date.now()]);
      default:
        return `${key}_${rng.int(30)}`;
    }
  };
  const out: Record<string, unknown> = {};
  for (const key of OBJECT_KEYS) if (rng.bool(0.6)) out[key] = value(key);
  return out;
}

export const webhookJsonTarget: FuzzTarget<HttpCtx> = {
  name: 'webhook-json',
  weight: 2,
  setup: httpContext,
  generate(rng, ctx) {
    const body = jsonBody(
      rng,
      () => ({
        id: rng.bool(0.85) ? `evt_fuzz_${rng.int(400)}` : weirdScalar(rng),
        eventType: rng.bool(0.85) ? rng.pick(EVENT_TYPES) : weirdScalar(rng),
        created_at: rng.bool(0.85) ? 1_780_000_000_000 + rng.int(1e6) : weirdScalar(rng),
        object: rng.bool(0.9) ? webhookObject(rng, ctx.userId) : randomJson(rng, 3, OBJECT_KEYS),
      }),
      ['id', 'eventType', 'created_at', 'object'],
    );
    return encodeRequest({ 'content-type': 'application/json' }, body);
  },
  async run(input, ctx) {
    const { headers, body } = decodeRequest(input);
    const text = new TextDecoder().decode(body);
    // Most deliveries are signed (so the body reaches the event parser); some are not, or wrongly.
    const mode = body.length % 8;
    const signature =
      mode === 0 ? undefined : mode === 1 ? 'ab'.repeat(32) : mode === 2 ? 'sha256=zz' : await signCreemBody(text, ctx.creem.webhookSecret);
    const res = await ctx.app.request('/api/v1/webhooks/creem', {
      method: 'POST',
      headers: { ...headers, ...(signature ? { 'creem-signature': signature } : {}) },
      body: text,
    });
    return statusLabel(res, await checkResponse(res, 'POST /api/v1/webhooks/creem'));
  },
};

// ---------- params ----------

export const paramsTarget: FuzzTarget<null> = {
  name: 'params',
  weight: 1,
  setup: async () => null,
  generate: (rng) => encoder.encode(jsonText(randomParams(rng))),
  run(input) {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(input));
    } catch {
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const resolve of [resolveImageParams, resolveMeshParams]) {
      let params: Record<string, unknown>;
      try {
        params = resolve(value as Record<string, unknown>) as unknown as Record<string, unknown>;
      } catch (error) {
        // Refusals must name the problem (a "__proto__" key once read "must be a number from undefined to undefined").
        if (error instanceof Error && /undefined/.test(error.message)) throw new FuzzViolation(`${resolve.name}: ${error.message}`);
        throw error;
      }
      // Accepted: own, JSON-typed values only, nothing inherited through a "__proto__" key.
      if (Object.getPrototypeOf(params) !== Object.prototype)
        throw new FuzzViolation(`${resolve.name}: the result's prototype was replaced`);
      for (const key in params) {
        if (!Object.hasOwn(params, key)) throw new FuzzViolation(`${resolve.name}: "${key}" is inherited, not validated`);
      }
      for (const [key, v] of Object.entries(params)) {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new FuzzViolation(`${resolve.name}: ${key} is ${v}`);
      }
      if (!Array.isArray(params.formats) || params.formats.length === 0)
        throw new FuzzViolation(`${resolve.name}: formats is ${JSON.stringify(params.formats)}`);
    }
  },
};

export const HTTP_TARGETS = [multipartTarget, uploadRouteTarget, jobsJsonTarget, checkoutJsonTarget, webhookJsonTarget, paramsTarget];
