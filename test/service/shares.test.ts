/**
 * Share tokens through the HTTP API: the owner creates, lists and revokes; the public side works
 * with no cookie, answers CORS * (and only it does), stops at revocation, and serves a meshopt GLB
 * that the Khronos validator accepts and three.js decodes to the print's triangle count.
 */
import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';
import validator from 'gltf-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { SHARE_MODEL_ARTIFACT } from '../../src/services/shares.ts';
import { seedLogoJob } from '../helpers/shared-job.ts';
import type { SeededJob } from '../helpers/shared-job.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

const ORIGIN = 'http://localhost:3000';
let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let alice: { cookie: string; id: string };
let bob: { cookie: string; id: string };
let job: SeededJob;

beforeAll(async () => {
  infra = await createTestServices();
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  alice = await user('alice@example.com');
  bob = await user('bob@example.com');
  job = await seedLogoJob(infra.services, alice.id);
});
afterAll(() => infra?.close());

async function user(email: string) {
  const cookie = await signUp(app, email);
  const session = await infra.services.auth.api.getSession({ headers: new Headers({ cookie }) });
  return { cookie, id: session!.user.id };
}

const asUser = (who: { cookie: string }, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), cookie: who.cookie },
});
const createShare = async (who: { cookie: string }, jobId: string, body?: unknown) =>
  app.request(
    `/api/v1/jobs/${jobId}/shares`,
    asUser(
      who,
      body === undefined
        ? { method: 'POST' }
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    ),
  );
/** A public request as a browser on another site would send it: an Origin, no cookie. */
const publicGet = (path: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { origin: 'https://blog.example', ...headers } });
const revoke = (who: { cookie: string }, token: string) => app.request(`/api/v1/shares/${token}`, asUser(who, { method: 'DELETE' }));

function expectPublicHeaders(res: Response) {
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  expect(res.headers.get('set-cookie')).toBeNull();
}

describe('owner side', () => {
  it('creates a share of a succeeded job with links, an embed URL and a snippet', async () => {
    const res = await createShare(alice, job.id);
    expect(res.status).toBe(201);
    const share = await res.json();
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits
    expect(share.url).toBe(`${ORIGIN}/s/${share.token}`);
    expect(share.embedUrl).toBe(`${ORIGIN}/embed/${share.token}`);
    expect(share.snippet).toBe(
      `<script type="module" src="${ORIGIN}/widget.js"></script>\n<stl-viewer src="${ORIGIN}/s/${share.token}"></stl-viewer>`,
    );
    expect(share).toMatchObject({ active: true, revokedAt: null, name: 'Extrude' });
    // The compressed preview was built once, at creation, and stored beside the job's files.
    const row = await infra.services.db
      .selectFrom('artifacts')
      .selectAll()
      .where('job_id', '=', job.id)
      .where('name', '=', SHARE_MODEL_ARTIFACT)
      .executeTakeFirst();
    expect(row?.content_type).toBe('model/gltf-binary');
    // No CORS on the owner's API.
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes an optional title and lists the shares newest first', async () => {
    const titled = await (await createShare(alice, job.id, { name: '  Logo keyring  ' })).json();
    expect(titled.name).toBe('Logo keyring');
    const res = await app.request(`/api/v1/jobs/${job.id}/shares`, asUser(alice));
    expect(res.status).toBe(200);
    const { shares } = await res.json();
    expect(shares.length).toBeGreaterThanOrEqual(2);
    expect(shares[0].token).toBe(titled.token);
    expect(shares.every((s: { active: boolean }) => s.active)).toBe(true);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("answers 404 for another user's job or token, and 401 without a session", async () => {
    const share = await (await createShare(alice, job.id)).json();
    expect((await createShare(bob, job.id)).status).toBe(404);
    expect((await app.request(`/api/v1/jobs/${job.id}/shares`, asUser(bob))).status).toBe(404);
    const stolen = await revoke(bob, share.token);
    expect(stolen.status).toBe(404);
    expect((await stolen.json()).error.code).toBe('not_found');
    expect((await publicGet(`/s/${share.token}`)).status).toBe(200); // still live
    expect((await app.request(`/api/v1/jobs/${job.id}/shares`, { method: 'POST' })).status).toBe(401);
    expect((await app.request(`/api/v1/shares/${share.token}`, { method: 'DELETE' })).status).toBe(401);
    expect((await createShare(alice, 'job_nope')).status).toBe(404);
  });

  it('refuses a job that has not succeeded', async () => {
    for (const status of ['queued', 'running', 'failed', 'cancelled'] as const) {
      const pending = await seedLogoJob(infra.services, alice.id, status);
      const res = await createShare(alice, pending.id);
      expect(res.status).toBe(409);
      expect((await res.json()).error).toMatchObject({ code: 'conflict', details: { status } });
    }
  });
});

describe('public side', () => {
  let token: string;
  beforeAll(async () => {
    token = (await (await createShare(alice, job.id, { name: 'Holes logo' })).json()).token;
  });

  it('GET /s/:token: name, size in mm, triangles and absolute URLs, with CORS *, an ETag and a short cache', async () => {
    const res = await publicGet(`/s/${token}`);
    expect(res.status).toBe(200);
    expectPublicHeaders(res);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const body = await res.json();
    expect(body).toEqual({
      name: 'Holes logo',
      dimensionsMm: job.report.boundingBoxMm.size.map((v) => Math.round(v * 100) / 100),
      triangles: job.report.triangles,
      poster: `${ORIGIN}/s/${token}/poster.png`,
      model: `${ORIGIN}/s/${token}/model.glb`,
    });
    expect(body.dimensionsMm[0]).toBeCloseTo(60, 0);
    // Nothing private leaks: no user, job or storage ids.
    const text = JSON.stringify(body);
    for (const secret of [alice.id, job.id, 'users/']) expect(text).not.toContain(secret);

    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await publicGet(`/s/${token}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expectPublicHeaders(again);
  });

  it('never depends on, reads into or sets a cookie', async () => {
    const anonymous = await publicGet(`/s/${token}`);
    const withSession = await publicGet(`/s/${token}`, { cookie: alice.cookie });
    expect(await withSession.text()).toBe(await anonymous.text());
    expect(withSession.headers.get('set-cookie')).toBeNull();
    // Bob's session changes nothing either: the token is the only credential.
    expect((await publicGet(`/s/${token}`, { cookie: bob.cookie })).status).toBe(200);
  });

  it('answers a CORS preflight for GET/HEAD without credentials', async () => {
    const res = await app.request(`/s/${token}/model.glb`, {
      method: 'OPTIONS',
      headers: { origin: 'https://blog.example', 'access-control-request-method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('GET /s/:token/poster.png is the preview PNG', async () => {
    const res = await publicGet(`/s/${token}/poster.png`);
    expect(res.status).toBe(200);
    expectPublicHeaders(res);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const stored = await infra.services.storage.get(`users/${alice.id}/jobs/${job.id}/preview.png`);
    expect(bytes).toEqual(stored);
    const cached = await publicGet(`/s/${token}/poster.png`, { 'if-none-match': res.headers.get('etag')! });
    expect(cached.status).toBe(304);
  });

  it('GET /s/:token/model.glb is a valid meshopt GLB that three.js decodes to the same triangles', async () => {
    const res = await publicGet(`/s/${token}/model.glb`);
    expect(res.status).toBe(200);
    expectPublicHeaders(res);
    expect(res.headers.get('content-type')).toBe('model/gltf-binary');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    const glb = new Uint8Array(await res.arrayBuffer());

    const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + new DataView(glb.buffer, glb.byteOffset).getUint32(12, true))));
    expect(json.extensionsUsed).toEqual(expect.arrayContaining(['EXT_meshopt_compression', 'KHR_mesh_quantization']));
    expect(json.extensionsRequired).toEqual(expect.arrayContaining(['EXT_meshopt_compression']));

    const report = await validator.validateBytes(glb, { uri: 'model.glb' });
    expect(report.issues.messages.filter((m) => m.severity === 0)).toEqual([]);
    expect(report.issues.numErrors).toBe(0);

    const decoded = await decodeWithThree(glb);
    expect(decoded.triangles).toBe(job.report.triangles);
    // Millimetres under the 0.001 node scale; 14-bit quantization keeps it within a few µm.
    const size = job.report.boundingBoxMm.size;
    expect(decoded.sizeMm.x).toBeCloseTo(size[0], 1);
    expect(decoded.sizeMm.y).toBeCloseTo(size[1], 1);
    expect(decoded.sizeMm.z).toBeCloseTo(size[2], 1);

    // Smaller than the plain GLB it was made from.
    const plain = await infra.services.storage.size(`users/${alice.id}/jobs/${job.id}/model.glb`);
    expect(glb.byteLength).toBeLessThan(plain! / 2);
    console.info(`shared model: ${job.report.triangles} triangles, model.glb ${plain} B -> model.meshopt.glb ${glb.byteLength} B`);
  });

  it('rebuilds a missing compressed model once, however many first requests race', async () => {
    const key = `users/${alice.id}/jobs/${job.id}/${SHARE_MODEL_ARTIFACT}`;
    const before = await infra.services.storage.get(key);
    await infra.services.storage.delete(key);
    const responses = await Promise.all([1, 2, 3].map(() => publicGet(`/s/${token}/model.glb`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(responses.map((r) => r.headers.get('etag'))).size).toBe(1);
    expect(await infra.services.storage.get(key)).toEqual(before);
  });

  it('serves the embed page with frame-ancestors * and the element', async () => {
    const res = await publicGet(`/embed/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/widget.js"></script>');
    expect(html).toContain(`<stl-viewer src="/s/${token}"></stl-viewer>`);
    // Only the embed page may be framed.
    const json = await publicGet(`/s/${token}`);
    expect(json.headers.get('content-security-policy') ?? '').not.toContain('frame-ancestors *');
  });

  it('GET /s/:token opened in a browser (Accept: text/html) is a page showing the model; API clients still get JSON', async () => {
    const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
    const page = await publicGet(`/s/${token}`, { accept: browserAccept });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('vary')).toContain('Accept');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<h1>Holes logo</h1>');
    expect(html).toContain('<script type="module" src="/widget.js"></script>');
    expect(html).toContain(`<stl-viewer src="/s/${token}"></stl-viewer>`);
    for (const accept of ['application/json', '*/*', 'application/json, text/html;q=0.5']) {
      const res = await publicGet(`/s/${token}`, { accept });
      expect(res.headers.get('content-type'), accept).toMatch(/^application\/json/);
      expect(res.headers.get('vary')).toContain('Accept');
      expect((await res.json()).name).toBe('Holes logo');
    }
  });
});

describe('revocation', () => {
  it('turns every public URL into the same 404 JSON, and the embed page into a "no longer shared" page', async () => {
    const share = await (await createShare(alice, job.id)).json();
    expect((await publicGet(`/s/${share.token}/model.glb`)).status).toBe(200);

    const res = await revoke(alice, share.token);
    expect(res.status).toBe(204);
    expect((await revoke(alice, share.token)).status).toBe(204); // idempotent for the owner

    for (const path of [`/s/${share.token}`, `/s/${share.token}/model.glb`, `/s/${share.token}/poster.png`]) {
      const gone = await publicGet(path);
      expect(gone.status, path).toBe(404);
      expectPublicHeaders(gone);
      expect(await gone.json()).toEqual({ error: { code: 'not_shared', message: expect.stringContaining('no longer shared') } });
    }
    const embed = await publicGet(`/embed/${share.token}`);
    expect(embed.status).toBe(404);
    expect(await embed.text()).toContain('This model is no longer shared.');
    const page = await publicGet(`/s/${share.token}`, { accept: 'text/html' });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('no longer shared');

    const { shares } = await (await app.request(`/api/v1/jobs/${job.id}/shares`, asUser(alice))).json();
    const listed = shares.find((s: { token: string }) => s.token === share.token);
    expect(listed).toMatchObject({ active: false, revokedAt: expect.any(Number) });
  });

  it('answers the same 404 for unknown and malformed tokens', async () => {
    for (const token of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', 'has%20space', 'x'.repeat(64)]) {
      const res = await publicGet(`/s/${token}`);
      expect(res.status, token).toBe(404);
      expectPublicHeaders(res);
      expect((await res.json()).error.code).toBe('not_shared');
    }
    expect((await publicGet('/embed/<script>')).status).toBe(404);
  });

  it('ends with the job: deleting the job deletes its shares', async () => {
    const other = await seedLogoJob(infra.services, alice.id);
    const share = await (await createShare(alice, other.id)).json();
    expect((await publicGet(`/s/${share.token}`)).status).toBe(200);
    await infra.services.db.deleteFrom('artifacts').where('job_id', '=', other.id).execute();
    await infra.services.db.deleteFrom('jobs').where('id', '=', other.id).execute();
    expect((await publicGet(`/s/${share.token}`)).status).toBe(404);
    expect(await infra.services.db.selectFrom('shares').selectAll().where('token', '=', share.token).executeTakeFirst()).toBeUndefined();
  });
});

async function decodeWithThree(glb: Uint8Array): Promise<{ triangles: number; sizeMm: THREE.Vector3 }> {
  const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
  const buffer = glb.buffer.slice(glb.byteOffset, glb.byteOffset + glb.byteLength) as ArrayBuffer;
  const gltf = await loader.parseAsync(buffer, '');
  gltf.scene.updateMatrixWorld(true);
  let triangles = 0;
  gltf.scene.traverse((object) => {
    if (object instanceof THREE.Mesh) {
      const g = object.geometry as THREE.BufferGeometry;
      triangles += (g.index ? g.index.count : g.getAttribute('position').count) / 3;
    }
  });
  const sizeMm = new THREE.Box3().setFromObject(gltf.scene).getSize(new THREE.Vector3()).multiplyScalar(1000);
  return { triangles, sizeMm };
}
