/**
 * A loopback S3 endpoint (as R2's S3 API behaves) for presigned URLs: path-style
 * `/<bucket>/<key>`, PUT and GET, each checked the way S3 checks a query-signed request: the
 * signature is recomputed from the request as received (sigv4-check.ts, node:crypto, independent
 * of aws4fetch). Expired URLs get 403 AccessDenied, bad signatures 403 SignatureDoesNotMatch, both
 * with S3's XML error body.
 * Objects go to and come from the callbacks, so a test can back the bucket with real storage.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkQuerySignature } from './sigv4-check.ts';

export interface FakeS3Options {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  now: () => number;
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface FakeS3 {
  endpoint: string;
  requests: Array<{ method: string; key: string; status: number; code?: string }>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startFakeS3(options: FakeS3Options): Promise<FakeS3> {
  const requests: FakeS3['requests'] = [];
  const fail = (res: ServerResponse, status: number, code: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const record = (status: number, code?: string) => requests.push({ method: req.method ?? '', key, status, code });
    try {
      if (bucket !== options.bucket || !key) return (record(404, 'NoSuchBucket'), fail(res, 404, 'NoSuchBucket'));
      const refused = checkQuerySignature(req.method ?? '', url, (name) => String(req.headers[name] ?? ''), {
        ...options,
        now: options.now(),
      });
      if (refused) {
        await readBody(req);
        record(refused.status, refused.code);
        return fail(res, refused.status, refused.code);
      }
      if (req.method === 'PUT') {
        const body = await readBody(req);
        await options.put(key, body);
        record(200);
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        return res.end();
      }
      if (req.method === 'GET') {
        const body = await options.get(key);
        if (!body) return (record(404, 'NoSuchKey'), fail(res, 404, 'NoSuchKey'));
        record(200);
        res.writeHead(200, { 'content-length': body.byteLength });
        return res.end(body);
      }
      record(405, 'MethodNotAllowed');
      return fail(res, 405, 'MethodNotAllowed');
    } catch {
      record(500, 'InternalError');
      return fail(res, 500, 'InternalError');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
