/**
 * R2's S3 endpoint for the Cloudflare end-to-end tests: Miniflare emulates the R2 binding but not
 * the S3 API that a browser PUTs a presigned upload to and that a mesh container GETs its input
 * from and PUTs its artifacts to. This loopback server speaks the part of that API the product
 * uses: path-style GET and PUT `/<bucket>/<key>` presigned with AWS Signature Version 4 in the
 * query. It checks each request the way S3 does (test/helpers/sigv4-check.ts recomputes the
 * signature with node:crypto, independently of the aws4fetch signer: a changed key, expiry or
 * signed Content-Length is refused, and so is an expired URL, with S3's XML errors), then reads
 * from or stores into the Worker's own R2 bucket through the e2e Worker's test routes, so objects
 * are exactly where the Worker reads and verifies them.
 *
 * Faults a test can set: `clockOffsetMs` (the store's clock runs ahead: URLs expire early),
 * `secretRotated` (the access key's secret changed: every signature the Worker makes fails),
 * `dropLastByte` (the store keeps one byte less than it was sent and still answers 200), and
 * `afterPut` (awaited after an object is stored and before the writer hears so: a test kills the
 * writer there, so it dies with some of its artifacts written).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { checkQuerySignature } from '../helpers/sigv4-check.ts';
import { freePort } from '../e2e/server-process.ts';

export interface S3Request {
  method: string;
  key: string;
  status: number;
  code?: string;
  bytes: number;
}

export interface S3Loopback {
  /** R2_S3_ENDPOINT, R2_BUCKET, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY for the Worker. */
  settings: Record<string, string>;
  /** Where objects live: the e2e Worker's base URL (set once it runs). */
  forwardTo(workerUrl: string): void;
  /** Keys stored so far, in order. */
  stored: string[];
  /** Every request, in order. */
  requests: S3Request[];
  clockOffsetMs: number;
  secretRotated: boolean;
  dropLastByte: boolean;
  afterPut: ((key: string) => Promise<void>) | undefined;
  close(): Promise<void>;
}

const BUCKET = 'image-to-stl-e2e-files';
const ACCESS_KEY = 'e2e-access-key';
const SECRET_KEY = 'e2e-secret-key-0123456789abcdef';

function s3Error(status: number, code: string, message = code) {
  return { status, code, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>` };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startS3Loopback(): Promise<S3Loopback> {
  const port = await freePort();
  let workerUrl: string | undefined;

  async function handle(request: IncomingMessage): Promise<{ status: number; code?: string; body: string | Uint8Array; bytes: number }> {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const [bucket, ...keyParts] = url.pathname.slice(1).split('/').map(decodeURIComponent);
    const key = keyParts.join('/');
    const body = await readBody(request);
    const refuse = (e: ReturnType<typeof s3Error>) => ({ ...e, bytes: body.byteLength });
    if (request.method !== 'PUT' && request.method !== 'GET') return refuse(s3Error(405, 'MethodNotAllowed'));
    if (bucket !== BUCKET || !key) return refuse(s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist'));
    const refused = checkQuerySignature(request.method, url, (name) => String(request.headers[name] ?? ''), {
      accessKeyId: ACCESS_KEY,
      secretAccessKey: loopback.secretRotated ? `${SECRET_KEY}-rotated` : SECRET_KEY,
      region: 'auto',
      now: Date.now() + loopback.clockOffsetMs,
    });
    if (refused) return refuse(s3Error(refused.status, refused.code));
    if (!workerUrl) return refuse(s3Error(503, 'ServiceUnavailable', 'the Worker is not up yet'));
    if (request.method === 'GET') {
      const got = await fetch(`${workerUrl}/__test/r2-get?key=${encodeURIComponent(key)}`);
      if (got.status === 404) return refuse(s3Error(404, 'NoSuchKey'));
      if (got.status !== 200) return refuse(s3Error(500, 'InternalError', `R2 get: ${got.status}`));
      const bytes = new Uint8Array(await got.arrayBuffer());
      return { status: 200, body: bytes, bytes: bytes.byteLength };
    }
    const kept = loopback.dropLastByte ? body.slice(0, Math.max(0, body.byteLength - 1)) : body;
    const put = await fetch(`${workerUrl}/__test/r2-put?key=${encodeURIComponent(key)}`, { method: 'PUT', body: new Uint8Array(kept) });
    if (put.status !== 204) return refuse(s3Error(500, 'InternalError', `R2 put: ${put.status}`));
    loopback.stored.push(key);
    await loopback.afterPut?.(key);
    return { status: 200, body: '', bytes: body.byteLength };
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const key = url.pathname.split('/').slice(2).map(decodeURIComponent).join('/');
    handle(request).then(
      ({ status, code, body, bytes }) => {
        loopback.requests.push({ method: request.method ?? '', key, status, code, bytes });
        const type = typeof body === 'string' ? 'application/xml' : 'application/octet-stream';
        response.writeHead(status, { 'content-type': type }).end(body);
      },
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const loopback: S3Loopback = {
    settings: {
      R2_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      R2_BUCKET: BUCKET,
      R2_ACCESS_KEY_ID: ACCESS_KEY,
      R2_SECRET_ACCESS_KEY: SECRET_KEY,
    },
    forwardTo: (url) => {
      workerUrl = url;
    },
    stored: [],
    requests: [],
    clockOffsetMs: 0,
    secretRotated: false,
    dropLastByte: false,
    afterPut: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return loopback;
}
