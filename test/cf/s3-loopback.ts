/**
 * R2's S3 endpoint for the Cloudflare end-to-end tests: Miniflare emulates the R2 binding but not
 * the S3 API a browser PUTs a presigned upload to. This loopback server speaks the part of that API
 * the product uses: a path-style PUT `/<bucket>/<key>` presigned with AWS Signature Version 4 in
 * the query. It checks the signature the way S3 does (signing the same request again with the
 * secret and comparing), refuses a body whose size differs from the signed Content-Length and an
 * expired URL with S3's XML errors, then stores the bytes in the Worker's own R2 bucket through
 * the e2e Worker's test route, so the object lands where the Worker reads it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { AwsV4Signer } from 'aws4fetch';
import { freePort } from '../e2e/server-process.ts';

export interface S3Loopback {
  /** R2_S3_ENDPOINT, R2_BUCKET, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY for the Worker. */
  settings: Record<string, string>;
  /** Where accepted objects go: the e2e Worker's base URL (set once it runs). */
  forwardTo(workerUrl: string): void;
  /** Keys stored so far, in order. */
  stored: string[];
  close(): Promise<void>;
}

const BUCKET = 'image-to-stl-e2e-files';
const ACCESS_KEY = 'e2e-access-key';
const SECRET_KEY = 'e2e-secret-key-0123456789abcdef';
const SIGNATURE_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

function s3Error(status: number, code: string, message: string) {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>` };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The signature S3 would expect for this request: the same URL signed again with the secret. */
async function expectedSignature(url: URL, method: string, bodyLength: number): Promise<string> {
  const unsigned = new URL(url);
  for (const name of SIGNATURE_PARAMS) unsigned.searchParams.delete(name);
  const signer = new AwsV4Signer({
    method,
    url: unsigned.toString(),
    headers: { 'content-length': String(bodyLength) },
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    service: 's3',
    region: 'auto',
    signQuery: true,
    allHeaders: true,
    datetime: url.searchParams.get('X-Amz-Date') ?? '',
  });
  return (await signer.sign()).url.searchParams.get('X-Amz-Signature') ?? '';
}

function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

async function handle(request: IncomingMessage, port: number, workerUrl: string | undefined, stored: string[]) {
  const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
  const [bucket, ...keyParts] = url.pathname.slice(1).split('/').map(decodeURIComponent);
  if (request.method !== 'PUT') return s3Error(405, 'MethodNotAllowed', 'only presigned PUT is emulated');
  if (bucket !== BUCKET) return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
  const signedHeaders = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!url.searchParams.get('X-Amz-Signature') || !signedHeaders.includes('content-length')) {
    return s3Error(403, 'AccessDenied', 'a presigned PUT must sign its Content-Length');
  }
  const expires = amzDateMs(url.searchParams.get('X-Amz-Date') ?? '') + Number(url.searchParams.get('X-Amz-Expires')) * 1000;
  if (!(expires > Date.now())) return s3Error(403, 'AccessDenied', 'Request has expired');
  const body = await readBody(request);
  if ((await expectedSignature(url, 'PUT', body.byteLength)) !== url.searchParams.get('X-Amz-Signature')) {
    return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
  if (!workerUrl) return s3Error(503, 'ServiceUnavailable', 'the Worker is not up yet');
  const key = keyParts.join('/');
  const put = await fetch(`${workerUrl}/__test/r2-put?key=${encodeURIComponent(key)}`, { method: 'PUT', body });
  if (put.status !== 204) return s3Error(500, 'InternalError', `R2 put: ${put.status}`);
  stored.push(key);
  return { status: 200, body: '' };
}

export async function startS3Loopback(): Promise<S3Loopback> {
  const port = await freePort();
  let workerUrl: string | undefined;
  const stored: string[] = [];
  const server: Server = createServer((request, response) => {
    handle(request, port, workerUrl, stored).then(
      ({ status, body }) => response.writeHead(status, { 'content-type': 'application/xml' }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    settings: {
      R2_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      R2_BUCKET: BUCKET,
      R2_ACCESS_KEY_ID: ACCESS_KEY,
      R2_SECRET_ACCESS_KEY: SECRET_KEY,
    },
    forwardTo: (url) => {
      workerUrl = url;
    },
    stored,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
