/**
 * Uploads through the real app (app.request, temp SQLite, local disk, sharp): content decides
 * the type, limits are enforced before decoding and while streaming, ownership is a 404, the
 * signed-URL flow works and refuses tampered or expired signatures, cursors page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { createApp } from '../../src/app.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { writeGlb } from '../../src/pipeline/export/glb.ts';
import { writeObj } from '../../src/pipeline/export/obj.ts';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import { writeThreeMf } from '../../src/pipeline/export/threemf.ts';
import { sha256Hex } from '../../src/domain/ids.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let alice: string;
let bob: string;

beforeAll(async () => {
  infra = await createTestServices({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  alice = await signUp(app, 'alice@example.com');
  bob = await signUp(app, 'bob@example.com');
});
afterAll(async () => infra?.close());

const tetrahedron: Mesh = {
  positions: new Float32Array([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10]),
  indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};

function upload(cookie: string, bytes: Uint8Array, name: string, type = 'application/octet-stream') {
  const form = new FormData();
  form.append('file', new File([bytes as BlobPart], name, { type }));
  return app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie } });
}

async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error: { code: string } };
  return body.error.code;
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
    .then((b) => new Uint8Array(b));

/** A PNG whose IHDR claims any size, followed by one row of pixels: a bomb in a few bytes (libpng wants an IDAT to read the header). */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey, deflate, no filter, no interlace
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set(
      [...type].map((ch) => ch.charCodeAt(0)),
      4,
    );
    out.set(data, 8);
    v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', new Uint8Array(deflateSync(new Uint8Array(width + 1)))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('POST /api/v1/uploads (multipart)', () => {
  it('stores a PNG unaltered with its size, pixels and sha256', async () => {
    const bytes = await png(64, 48);
    const res = await upload(alice, bytes, 'photo.png', 'image/png');
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      kind: 'image',
      format: 'png',
      status: 'ready',
      byteSize: bytes.length,
      width: 64,
      height: 48,
      triangles: null,
      originalName: 'photo.png',
    });
    expect(typeof body.id).toBe('string');
    expect(typeof body.createdAt).toBe('number');
    expect(body.sha256).toBe(await sha256Hex(bytes));
    const row = await infra.services.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', body.id as string)
      .executeTakeFirstOrThrow();
    expect(await infra.services.storage.get(row.storage_key)).toEqual(bytes);
  });

  it('reads a JPEG header', async () => {
    const bytes = new Uint8Array(
      await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
        .jpeg()
        .toBuffer(),
    );
    const res = await upload(alice, bytes, 'x.jpg', 'image/jpeg');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: 'image', format: 'jpeg', width: 40, height: 30 });
  });

  it('counts the triangles of STL (binary and ASCII), OBJ, GLB and 3MF without building the mesh', async () => {
    const cases: Array<[string, Uint8Array, string]> = [
      ['part.stl', writeStl(tetrahedron), 'stl'],
      ['part-ascii.stl', new TextEncoder().encode(asciiStl(tetrahedron)), 'stl'],
      ['part.obj', writeObj(tetrahedron), 'obj'],
      ['part.glb', await writeGlb(tetrahedron), 'glb'],
      ['part.3mf', writeThreeMf(tetrahedron), '3mf'],
    ];
    for (const [name, bytes, format] of cases) {
      const res = await upload(alice, bytes, name);
      expect(res.status, name).toBe(201);
      expect(await res.json(), name).toMatchObject({ kind: 'mesh', format, triangles: 4, width: null, height: null });
    }
  });

  it('decides by content: a PNG named .stl is a PNG, an STL named .png is an STL', async () => {
    const asStl = await upload(alice, await png(16, 16), 'model.stl', 'model/stl');
    expect(asStl.status).toBe(201);
    expect(await asStl.json()).toMatchObject({ kind: 'image', format: 'png' });
    const asPng = await upload(alice, writeStl(tetrahedron), 'picture.png', 'image/png');
    expect(asPng.status).toBe(201);
    expect(await asPng.json()).toMatchObject({ kind: 'mesh', format: 'stl' });
  });

  it('refuses a decompression bomb from its header alone (413 image_too_large)', async () => {
    const res = await upload(alice, pngHeaderOnly(30_000, 30_000), 'bomb.png');
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; details: Record<string, unknown> } };
    expect(body.error.code).toBe('image_too_large');
    expect(body.error.details).toMatchObject({ width: 30_000, height: 30_000 });
  });

  it('refuses a binary STL whose count claims more triangles than the file holds (422 mesh_corrupt)', async () => {
    const lying = new Uint8Array(84 + 50 * 3);
    new DataView(lying.buffer).setUint32(80, 3_000_000, true);
    const res = await upload(alice, lying, 'lying.stl');
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('mesh_corrupt');
  });

  it('answers 413 too_many_triangles from counting OBJ face lines', async () => {
    // 70 polygons of 30,000 corners fan out to 2.1M triangles (the limit is 2M) in about 4 MB.
    const corners = Array.from({ length: 30_000 }, () => '1').join(' ');
    const bytes = new TextEncoder().encode(`v 0 0 0\nv 1 0 0\nv 0 1 0\n${Array.from({ length: 70 }, () => `f ${corners}`).join('\n')}\n`);
    const res = await upload(alice, bytes, 'many.obj');
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('too_many_triangles');
  });

  it('answers 415 unsupported_format for garbage and for formats we do not take', async () => {
    const garbage = crypto.getRandomValues(new Uint8Array(4000));
    garbage[0] = 0x00; // not an accidental magic number
    for (const [name, bytes] of [
      ['garbage.png', garbage],
      ['drawing.svg', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
      ['notes.txt', new TextEncoder().encode('hello there, not a model')],
    ] as const) {
      const res = await upload(alice, bytes, name);
      expect(res.status, name).toBe(415);
      expect(await errorCode(res), name).toBe('unsupported_format');
    }
  });

  it('answers 422 for a truncated image and an empty file, 422 for a corrupt mesh', async () => {
    const truncated = (await png(64, 64)).subarray(0, 30);
    const t = await upload(alice, truncated, 'cut.png');
    expect(t.status).toBe(422);
    expect(await errorCode(t)).toBe('image_corrupt');
    const empty = await upload(alice, new Uint8Array(0), 'empty.stl');
    expect(empty.status).toBe(422);
    expect(await errorCode(empty)).toBe('file_empty');
    const small = await upload(alice, await png(4, 4), 'tiny.png');
    expect(small.status).toBe(422);
    expect(await errorCode(small)).toBe('image_too_small');
    const glb = await writeGlb(tetrahedron);
    const broken = await upload(alice, glb.subarray(0, 40), 'broken.glb');
    expect(broken.status).toBe(422);
    expect(await errorCode(broken)).toBe('mesh_corrupt');
  });

  it('answers 400 invalid_request without a file field or without multipart', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const noFile = await app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie: alice } });
    expect(noFile.status).toBe(400);
    expect(await errorCode(noFile)).toBe('invalid_request');
    const json = await app.request('/api/v1/uploads', {
      method: 'POST',
      body: '{}',
      headers: { cookie: alice, 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(await errorCode(json)).toBe('invalid_request');
    const broken = await app.request('/api/v1/uploads', {
      method: 'POST',
      body: 'nonsense',
      headers: { cookie: alice, 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(broken.status).toBe(400);
  });

  it('needs a user (401)', async () => {
    const res = await upload('', await png(16, 16), 'a.png');
    expect(res.status).toBe(401);
  });

  it('stops reading an oversized body at the limit: 413 file_too_large, the rest is never pulled', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024).fill(65);
    const boundary = 'limitboundary';
    const head = new TextEncoder().encode(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.stl"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    );
    let sentHead = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(head);
          return;
        }
        pulled += chunk.length;
        if (pulled > 100 * MAX_UPLOAD_BYTES)
          controller.close(); // a safety stop the server must never reach
        else controller.enqueue(chunk);
      },
    });
    const res = await app.request('/api/v1/uploads', {
      method: 'POST',
      body,
      headers: { cookie: alice, 'content-type': `multipart/form-data; boundary=${boundary}` },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('file_too_large');
    expect(pulled).toBeLessThan(MAX_UPLOAD_BYTES + 64 * 1024 + 4 * chunk.length);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const res = await app.request('/api/v1/uploads', {
      method: 'POST',
      body: 'x',
      headers: { cookie: alice, 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(MAX_UPLOAD_BYTES * 10) },
    });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('file_too_large');
  });
});

describe('ownership, listing, deleting', () => {
  it("another user's upload is a 404 on get, complete and delete; the owner can delete it and its file", async () => {
    const created = (await (await upload(alice, await png(20, 20), 'mine.png')).json()) as { id: string };
    for (const [method, path] of [
      ['GET', `/api/v1/uploads/${created.id}`],
      ['DELETE', `/api/v1/uploads/${created.id}`],
      ['POST', `/api/v1/uploads/${created.id}/complete`],
    ] as const) {
      const res = await app.request(path, { method, headers: { cookie: bob } });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await errorCode(res)).toBe('not_found');
    }
    const row = await infra.services.db.selectFrom('uploads').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(await infra.services.storage.size(row.storage_key)).toBeGreaterThan(0);
    const del = await app.request(`/api/v1/uploads/${created.id}`, { method: 'DELETE', headers: { cookie: alice } });
    expect(del.status).toBe(204);
    expect(await infra.services.storage.size(row.storage_key)).toBeUndefined();
    expect((await app.request(`/api/v1/uploads/${created.id}`, { headers: { cookie: alice } })).status).toBe(404);
  });

  it('lists only your own uploads, newest first, with working cursors', async () => {
    const dave = await signUp(app, 'dave@example.com');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(((await (await upload(dave, writeStl(tetrahedron), `p${i}.stl`)).json()) as { id: string }).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await app.request(`/api/v1/uploads${query}`, { headers: { cookie: dave } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { uploads: Array<{ id: string }>; nextCursor: string | null };
      expect(page.uploads.length).toBeLessThanOrEqual(2);
      seen.push(...page.uploads.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    const bobs = (await (await app.request('/api/v1/uploads', { headers: { cookie: bob } })).json()) as { uploads: unknown[] };
    expect(bobs.uploads).toEqual([]);
    const bad = await app.request('/api/v1/uploads?cursor=garbage', { headers: { cookie: dave } });
    expect(bad.status).toBe(400);
  });
});

describe('signed-URL uploads', () => {
  async function start(cookie: string, byteSize: number, filename = 'big.png') {
    const res = await app.request('/api/v1/uploads/url', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ filename, byteSize }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { uploadId: string; uploadUrl: string; method: string; expiresAt: number };
  }

  it('url -> PUT (no session) -> complete makes a ready upload', async () => {
    const bytes = await png(50, 30);
    const signed = await start(alice, bytes.length);
    expect(signed.method).toBe('PUT');
    expect(signed.expiresAt).toBeGreaterThan(Date.now());
    expect(signed.uploadUrl).toMatch(/^http:\/\/localhost:3000\/api\/v1\/uploads\/upl_\w+\/content\?expires=\d+&sig=[0-9a-f]{64}$/);
    const pending = (await (await app.request(`/api/v1/uploads/${signed.uploadId}`, { headers: { cookie: alice } })).json()) as Record<
      string,
      unknown
    >;
    expect(pending).toMatchObject({ status: 'pending', kind: null, format: null });
    const early = await app.request(`/api/v1/uploads/${signed.uploadId}/complete`, { method: 'POST', headers: { cookie: alice } });
    expect(early.status).toBe(409);
    expect(await errorCode(early)).toBe('upload_not_ready');

    const put = await app.request(signed.uploadUrl, { method: 'PUT', body: bytes as BodyInit });
    expect(put.status).toBe(204);
    const done = await app.request(`/api/v1/uploads/${signed.uploadId}/complete`, { method: 'POST', headers: { cookie: alice } });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      id: signed.uploadId,
      status: 'ready',
      kind: 'image',
      format: 'png',
      width: 50,
      height: 30,
      byteSize: bytes.length,
      sha256: await sha256Hex(bytes),
    });
    const again = await app.request(signed.uploadUrl, { method: 'PUT', body: bytes as BodyInit });
    expect(again.status).toBe(409);
  });

  it('a tampered signature, another upload, another method or an expired URL gets 403', async () => {
    const signed = await start(alice, 1000);
    const other = await start(alice, 1000);
    const url = new URL(signed.uploadUrl);
    const sig = url.searchParams.get('sig')!;
    const tampered = signed.uploadUrl.replace(sig, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const moved = signed.uploadUrl.replace(signed.uploadId, other.uploadId);
    const later = signed.uploadUrl.replace(/expires=\d+/, `expires=${Number(url.searchParams.get('expires')) + 3600}`);
    const expired = await infra.services.signer.sign('PUT', `/api/v1/uploads/${signed.uploadId}/content`, -10);
    for (const target of [tampered, moved, later, `http://localhost:3000${expired}`, signed.uploadUrl.split('?')[0]]) {
      const res = await app.request(target, { method: 'PUT', body: new Uint8Array(10) as BodyInit });
      expect(res.status, target).toBe(403);
      expect(await errorCode(res)).toBe('forbidden');
    }
  });

  it('a PUT over the declared size is cut off with 413; a file we cannot take is deleted on complete', async () => {
    const signed = await start(alice, 100);
    const over = await app.request(signed.uploadUrl, { method: 'PUT', body: new Uint8Array(5000) as BodyInit });
    expect(over.status).toBe(413);
    expect(await errorCode(over)).toBe('file_too_large');

    const garbage = await start(alice, 100, 'junk.bin');
    expect((await app.request(garbage.uploadUrl, { method: 'PUT', body: new Uint8Array(100).fill(7) as BodyInit })).status).toBe(204);
    const rejected = await app.request(`/api/v1/uploads/${garbage.uploadId}/complete`, { method: 'POST', headers: { cookie: alice } });
    expect(rejected.status).toBe(415);
    expect(await errorCode(rejected)).toBe('unsupported_format');
    expect((await app.request(`/api/v1/uploads/${garbage.uploadId}`, { headers: { cookie: alice } })).status).toBe(404);
    const row = await infra.services.db.selectFrom('uploads').select('id').where('id', '=', garbage.uploadId).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses to sign more than the upload limit (413)', async () => {
    const res = await app.request('/api/v1/uploads/url', {
      method: 'POST',
      headers: { cookie: alice, 'content-type': 'application/json' },
      body: JSON.stringify({ byteSize: MAX_UPLOAD_BYTES + 1 }),
    });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('file_too_large');
  });
});

function asciiStl(mesh: Mesh): string {
  const p = mesh.positions;
  const lines = ['solid test'];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    lines.push(' facet normal 0 0 0', '  outer loop');
    for (let k = 0; k < 3; k++) {
      const v = mesh.indices[t + k] * 3;
      lines.push(`   vertex ${p[v]} ${p[v + 1]} ${p[v + 2]}`);
    }
    lines.push('  endloop', ' endfacet');
  }
  lines.push('endsolid test');
  return lines.join('\n');
}
