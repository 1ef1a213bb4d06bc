/**
 * Against the real server process (`node src/server.ts`), over HTTP only:
 * sign up -> upload a photo -> lithophane job -> SSE events in order -> STL download is a
 * manifold solid of the requested size -> history lists it -> a second user gets 404 on all of it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { validateSolid } from '../../src/pipeline/validate.ts';
import { sharedManifold } from '../../wasm/manifold.ts';
import { HttpClient, freePort, startServerProcess } from './server-process.ts';
import type { ServerProcess } from './server-process.ts';

let server: ServerProcess;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'its-e2e-'));
  server = await startServerProcess(dataDir, await freePort());
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the product over HTTP', () => {
  it('photo -> lithophane -> SSE -> manifold STL of the requested size; private to its owner', async () => {
    const maker = new HttpClient(server.url);
    await maker.signUp('maker@example.com');
    const photo = new Uint8Array(await readFile(new URL('../../fixtures/photo.jpg', import.meta.url)));
    const upload = await maker.upload(photo, 'holiday.jpg');

    const created = await maker.json('/api/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'lithophane', uploadId: upload.id, params: { widthMm: 80, formats: ['stl', 'glb'] } }),
    });
    expect(created.status).toBe(201);
    const jobId = created.body.job.id;

    const events = await maker.events(`/api/v1/jobs/${jobId}/events`);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('queued');
    expect(names).toContain('started');
    expect(names.indexOf('started')).toBeLessThan(names.lastIndexOf('stage'));
    expect(names[names.length - 1]).toBe('succeeded');
    const percents = events.filter((e) => e.event === 'stage').map((e) => e.data.percent as number);
    expect(percents.length).toBeGreaterThan(2);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1]);
    const ids = events.map((e) => Number(e.id)).filter(Number.isFinite);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const stlResponse = await maker.fetch(`/api/v1/jobs/${jobId}/artifacts/model.stl`);
    expect(stlResponse.status).toBe(200);
    expect(stlResponse.headers.get('content-disposition')).toMatch(/attachment; filename="[^"]+\.stl"/);
    const stl = new Uint8Array(await stlResponse.arrayBuffer());
    const mesh = readStl(stl).mesh;
    const check = validateSolid(weld(mesh), await sharedManifold());
    expect(check.manifold).toBe(true);
    const [x] = boxSize(boundingBox(mesh));
    expect(Math.abs(x - 80) / 80).toBeLessThan(0.005);

    const history = await maker.json('/api/v1/jobs');
    expect(history.body.jobs.map((j: { id: string }) => j.id)).toContain(jobId);

    const stranger = new HttpClient(server.url);
    await stranger.signUp('stranger@example.com');
    expect((await stranger.fetch(`/api/v1/jobs/${jobId}`)).status).toBe(404);
    expect((await stranger.fetch(`/api/v1/uploads/${upload.id}`)).status).toBe(404);
    expect((await stranger.fetch(`/api/v1/jobs/${jobId}/artifacts/model.stl`)).status).toBe(404);
    expect((await stranger.fetch(`/api/v1/jobs/${jobId}/events`)).status).toBe(404);
    expect((await new HttpClient(server.url).fetch(`/api/v1/jobs/${jobId}`)).status).toBe(401);
  });
});

/** STL stores each triangle's corners separately: share identical corners again before the check. */
function weld(mesh: { positions: Float32Array; indices: Uint32Array }) {
  const map = new Map<string, number>();
  const positions: number[] = [];
  const indices = new Uint32Array(mesh.indices.length);
  for (let i = 0; i < mesh.indices.length; i++) {
    const v = mesh.indices[i] * 3;
    const key = `${mesh.positions[v]},${mesh.positions[v + 1]},${mesh.positions[v + 2]}`;
    let index = map.get(key);
    if (index === undefined) {
      index = positions.length / 3;
      map.set(key, index);
      positions.push(mesh.positions[v], mesh.positions[v + 1], mesh.positions[v + 2]);
    }
    indices[i] = index;
  }
  return { positions: Float32Array.from(positions), indices };
}
