/**
 * POST /api/v1/uploads/from-url through the real app (issue 15, makerweb item 3): the picture is
 * fetched by the guarded fetch from a loopback server (allowed by IMAGE_URL_TEST_HOSTS only for
 * 127.0.0.1, the way the AI tests allow their fakes) and stored as an upload under the same byte
 * and pixel limits; private addresses (a loopback name not on the test list, RFC 1918, link-local
 * metadata, IPv6 loopback, a redirect into any of them) are refused with image_url_rejected, too
 * big is 413, a 3D file 415, a failing server image_url_unreachable.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { serveLoopback } from '../helpers/loopback.ts';
import type { Loopback } from '../helpers/loopback.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

const MAX_UPLOAD_BYTES = 256 * 1024;

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let cookie: string;
let remote: Loopback;
let photo: Uint8Array;
let fetched: string[] = [];

/** A PNG whose header claims width x height over one row of pixels: a bomb in a few bytes. */
function pngBomb(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  photo = new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a0a0a0' } })
      .png()
      .toBuffer(),
  );
  const big = new Uint8Array(MAX_UPLOAD_BYTES + 1000);
  big.set(photo.subarray(0, 16));
  const stl = new TextEncoder().encode(
    'solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n',
  );
  remote = await serveLoopback((req) => {
    const { pathname } = new URL(req.url);
    fetched.push(pathname);
    const port = new URL(req.url).port;
    switch (pathname) {
      case '/pictures/cat%20photo.png':
        return new Response(photo as BodyInit, { headers: { 'content-type': 'image/png' } });
      case '/moved':
        return new Response(null, { status: 302, headers: { location: '/pictures/cat%20photo.png' } });
      case '/to-localhost':
        // The same loopback server, by a name that is not on the test list: a private address.
        return new Response(null, { status: 302, headers: { location: `http://localhost:${port}/pictures/cat%20photo.png` } });
      case '/to-metadata':
        return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
      case '/big.png':
        return new Response(big as BodyInit);
      case '/bomb.png':
        return new Response(pngBomb(30_000, 30_000) as BodyInit);
      case '/model.stl':
        return new Response(stl as BodyInit);
      default:
        return new Response('gone', { status: 404 });
    }
  });
  infra = await createTestServices({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), IMAGE_URL_TEST_HOSTS: '127.0.0.1' });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  cookie = await signUp(app, 'url@example.com');
});
afterAll(async () => {
  await remote?.close();
  await infra?.close();
});

function fromUrl(url: string, who = cookie) {
  return app.request('/api/v1/uploads/from-url', {
    method: 'POST',
    headers: { cookie: who, 'content-type': 'application/json', origin: 'http://localhost:3000' },
    body: JSON.stringify({ url }),
  });
}
async function refusal(res: Response): Promise<{ status: number; code: string; reason?: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; details?: { reason?: string } } };
  return { status: res.status, code: body.error.code, reason: body.error.details?.reason, message: body.error.message };
}

describe('POST /api/v1/uploads/from-url', () => {
  it('fetches a picture (following a redirect) and stores it as an upload, named after the address', async () => {
    const res = await fromUrl(`${remote.url}/moved`);
    expect(res.status).toBe(201);
    const upload = (await res.json()) as {
      id: string;
      kind: string;
      width: number;
      height: number;
      byteSize: number;
      originalName: string;
    };
    expect(upload).toMatchObject({ kind: 'image', width: 64, height: 48, byteSize: photo.byteLength });
    expect(upload.originalName).toBe('moved');
    const direct = (await (await fromUrl(`${remote.url}/pictures/cat%20photo.png`)).json()) as { originalName: string };
    expect(direct.originalName).toBe('cat photo.png');
    const again = await app.request(`/api/v1/uploads/${upload.id}`, { headers: { cookie } });
    expect(again.status).toBe(200);
    // The create page reads the fetched picture back to preview and crop it: the same bytes, owner only.
    const content = await app.request(`/api/v1/uploads/${upload.id}/content`, { headers: { cookie } });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(photo);
    const stranger = await signUp(app, 'stranger@example.com');
    expect((await app.request(`/api/v1/uploads/${upload.id}/content`, { headers: { cookie: stranger } })).status).toBe(404);
  });

  it('refuses private and loopback addresses, directly or by redirect, without connecting to them', async () => {
    fetched = [];
    const port = new URL(remote.url).port;
    for (const url of [
      `http://localhost:${port}/pictures/cat%20photo.png`,
      'http://10.0.0.7/photo.jpg',
      'http://192.168.1.1/photo.jpg',
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/pictures/cat%20photo.png`,
      'http://[::ffff:127.0.0.1]/photo.jpg',
    ]) {
      const r = await refusal(await fromUrl(url));
      expect(r, url).toMatchObject({ status: 422, code: 'image_url_rejected', reason: 'private_address' });
      expect(r.message).toMatch(/private or local network/);
    }
    expect(fetched).toEqual([]);
    for (const path of ['/to-localhost', '/to-metadata']) {
      expect(await refusal(await fromUrl(`${remote.url}${path}`)), path).toMatchObject({
        status: 422,
        code: 'image_url_rejected',
        reason: 'private_address',
      });
    }
    // Only the redirecting answers were served: the private targets were never reached.
    expect(fetched).toEqual(['/to-localhost', '/to-metadata']);
  });

  it('refuses what is not an http(s) URL, and credentials in it', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.png', 'not a url', `http://user:pw@127.0.0.1/a.png`]) {
      expect(await refusal(await fromUrl(url)), url).toMatchObject({ status: 422, code: 'image_url_rejected', reason: 'url_rejected' });
    }
    const long = await fromUrl(`https://example.com/${'a'.repeat(3000)}`);
    expect(long.status).toBe(400);
  });

  it('keeps the upload limits: too many bytes 413, too many pixels 413, a 3D file 415, a failing server 422', async () => {
    expect(await refusal(await fromUrl(`${remote.url}/big.png`))).toMatchObject({ status: 413, code: 'file_too_large' });
    expect(await refusal(await fromUrl(`${remote.url}/bomb.png`))).toMatchObject({ status: 413, code: 'image_too_large' });
    expect(await refusal(await fromUrl(`${remote.url}/model.stl`))).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(await refusal(await fromUrl(`${remote.url}/missing.png`))).toMatchObject({
      status: 422,
      code: 'image_url_unreachable',
      reason: 'http_error',
    });
    const list = (await (await app.request('/api/v1/uploads', { headers: { cookie } })).json()) as { uploads: unknown[] };
    expect(list.uploads).toHaveLength(2); // the two good ones above
  });

  it('needs an account', async () => {
    const res = await app.request('/api/v1/uploads/from-url', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ url: `${remote.url}/moved` }),
    });
    expect(res.status).toBe(401);
  });
});
