/**
 * Regressions from fuzzing: every input saved in test/fuzz/crashes/ is replayed through its target
 * (only coded errors, bounded time and memory), and the bugs fuzzing found are pinned with small
 * hand-made inputs that say what was wrong.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGlb } from '../../src/pipeline/export/glb.ts';
import { PipelineError } from '../../src/pipeline/errors.ts';
import { MAX_GLB_NODES } from '../../src/pipeline/import/glb-container.ts';
import { readGlb } from '../../src/pipeline/import/glb.ts';
import { readObj } from '../../src/pipeline/import/obj.ts';
import { readPly } from '../../src/pipeline/import/ply.ts';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { readThreeMf } from '../../src/pipeline/import/threemf.ts';
import { resolveMeshParams } from '../../src/pipeline/mesh-params.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { signCreemBody } from '../../src/services/billing/signature.ts';
import { strToU8, zipSync } from 'fflate';
import { ALL_TARGETS, targetOfFile } from '../fuzz/lib/all-targets.ts';
import { CRASH_DIR, hexPrefix, runCase } from '../fuzz/lib/harness.ts';
import { buildGlb } from '../fuzz/lib/mutate.ts';
import { useCorpusSeeds } from '../fuzz/lib/seeds.ts';
import { closeHttpContext, httpContext } from '../fuzz/lib/targets-http.ts';
import { cpuMs } from '../helpers/cpu-clock.ts';

useCorpusSeeds(false); // npm test never reads ../shared

afterAll(closeHttpContext);

describe('saved fuzz crashes replay cleanly', () => {
  const files = readdirSync(CRASH_DIR)
    .filter((f) => f.endsWith('.bin'))
    .sort();
  const contexts = new Map<string, Promise<unknown>>();
  it('every saved input belongs to a known target', () => {
    for (const file of files) expect(targetOfFile(file), file).toBeDefined();
    expect(ALL_TARGETS.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(file, async () => {
      const target = targetOfFile(file)!;
      if (!contexts.has(target.name)) contexts.set(target.name, target.setup());
      const input = new Uint8Array(readFileSync(join(CRASH_DIR, file)));
      const { failure } = await runCase(target, await contexts.get(target.name), input);
      expect(failure, `${failure?.kind}: ${failure?.message}\n${hexPrefix(input)}`).toBeUndefined();
    }, 30_000);
  }
});

const tetrahedron = {
  positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
  indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};

async function glbParts() {
  const glb = await writeGlb(tetrahedron);
  const jsonLength = new DataView(glb.buffer, glb.byteOffset).getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
  return { json, bin: glb.subarray(20 + jsonLength + 8) };
}

async function codeOf(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (error instanceof PipelineError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('mesh readers: what fuzzing found', () => {
  it('coordinates past float32 range are corrupt, not Infinity in the mesh (OBJ, STL, PLY, 3MF)', async () => {
    expect(await codeOf(() => readObj(strToU8('v 1e39 0 0\nv 0 1 0\nv 0 0 1\nf 1 2 3\n')))).toBe('mesh_corrupt');
    expect(
      await codeOf(() =>
        readStl(
          strToU8('solid x\nfacet normal 0 0 1\nouter loop\nvertex 1e39 0 0\nvertex 0 1 0\nvertex 0 0 1\nendloop\nendfacet\nendsolid x\n'),
        ),
      ),
    ).toBe('mesh_corrupt');
    const ply =
      'ply\nformat ascii 1.0\nelement vertex 3\nproperty double x\nproperty double y\nproperty double z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n1e300 0 0\n0 1 0\n0 0 1\n3 0 1 2\n';
    expect(await codeOf(() => readPly(strToU8(ply)))).toBe('mesh_corrupt');
    const model = (transform: string) =>
      zipSync({
        '3D/3dmodel.model': strToU8(
          `<model unit="millimeter"><resources><object id="1"><mesh><vertices><vertex x="10" y="0" z="0"/><vertex x="0" y="1" z="0"/><vertex x="0" y="0" z="1"/></vertices>` +
            `<triangles><triangle v1="0" v2="1" v3="2"/></triangles></mesh></object></resources><build><item objectid="1" transform="${transform}"/></build></model>`,
        ),
      });
    expect(await codeOf(() => readThreeMf(model('1e38 0 0 0 1e38 0 0 0 1e38 0 0 0')))).toBe('mesh_corrupt');
    expect(await codeOf(() => readThreeMf(model('1 0 0 0 1 0 0 0 1 0 0 0')))).toBe('accepted');
  });

  it('a PLY header claiming 2^31 property-less elements is refused at once, not looped over', async () => {
    const ply =
      'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement nothing 2147483648\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n';
    const started = cpuMs();
    expect(await codeOf(() => readPly(strToU8(ply)))).toBe('mesh_corrupt');
    expect(cpuMs() - started).toBeLessThan(3000); // the bug looped for 12 s
    const binary = strToU8(
      'ply\nformat binary_little_endian 1.0\nelement nothing 4294967295\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n',
    );
    const body = new Uint8Array(36 + 13);
    const view = new DataView(body.buffer);
    [0, 0, 0, 1, 0, 0, 0, 1, 0].forEach((v, i) => view.setFloat32(i * 4, v, true));
    view.setUint8(36, 3);
    [0, 1, 2].forEach((v, i) => view.setInt32(37 + i * 4, v, true));
    const file = new Uint8Array(binary.length + body.length);
    file.set(binary);
    file.set(body, binary.length);
    expect(await codeOf(() => readPly(file))).toBe('accepted');
  });

  it('GLB JSON members of the wrong type are mesh_corrupt, not TypeErrors', async () => {
    for (const patch of [{ accessors: {} }, { extensionsRequired: 'x' }, { meshes: 5 }, { nodes: [null] }, { asset: 'x' }]) {
      const { json, bin } = await glbParts();
      expect(await codeOf(() => readGlb(buildGlb({ ...json, ...patch }, bin))), JSON.stringify(patch)).toBe('mesh_corrupt');
    }
  });

  it('GLB node transforms that are not numbers, and node cycles, are corrupt', async () => {
    const { json, bin } = await glbParts();
    json.nodes[0].scale = null;
    expect(await codeOf(() => readGlb(buildGlb(json, bin)))).toBe('mesh_corrupt');
    const cyclic = await glbParts();
    cyclic.json.nodes.push({ children: [0] });
    cyclic.json.nodes[0].children = [1];
    expect(await codeOf(() => readGlb(buildGlb(cyclic.json, cyclic.bin)))).toBe('mesh_corrupt');
  });

  it('a GLB sparse accessor claiming 1e308 substitutions is corrupt (it hung the reader)', async () => {
    const { json, bin } = await glbParts();
    json.accessors[0].sparse = { count: 1e308, indices: { bufferView: 0, componentType: 5125 }, values: { bufferView: 0 } };
    expect(await codeOf(() => readGlb(buildGlb(json, bin)))).toBe('mesh_corrupt');
  });

  it('accessors without data are bounded in total, not each (zero-filled MAT4s added up to GBs)', async () => {
    const { json, bin } = await glbParts();
    for (let i = 0; i < 8; i++) json.accessors.push({ componentType: 5126, type: 'MAT4', count: 5_000_000 });
    expect(await codeOf(() => readGlb(buildGlb(json, bin)))).toBe('mesh_corrupt');
  });

  it('a scene listing one subtree again and again is corrupt in milliseconds (200,000 times hung the reader)', async () => {
    const { json, bin } = await glbParts();
    json.scenes = [{ nodes: Array.from({ length: 10_000 }, () => 0) }];
    const started = cpuMs();
    expect(await codeOf(() => readGlb(buildGlb(json, bin)))).toBe('mesh_corrupt');
    expect(cpuMs() - started).toBeLessThan(5000); // the bug hung for minutes
  });

  it(`more than ${MAX_GLB_NODES} nodes is file_too_large (100k nodes took 2 s to read)`, async () => {
    const { json, bin } = await glbParts();
    json.nodes = Array.from({ length: MAX_GLB_NODES + 1 }, () => ({ mesh: 0 }));
    json.scenes = [{ nodes: [0] }];
    expect(await codeOf(() => readGlb(buildGlb(json, bin)))).toBe('file_too_large');
  });
});

describe('params: what fuzzing found', () => {
  it('"__proto__" and "constructor" are unknown parameters, not ranges "from undefined to undefined"', () => {
    for (const resolve of [resolveImageParams, resolveMeshParams]) {
      for (const text of ['{"__proto__":{"heightMm":-5}}', '{"constructor":1}']) {
        expect(() => resolve(JSON.parse(text))).toThrow(/unknown parameter/);
      }
    }
  });
});

describe('Creem webhooks: what fuzzing found', () => {
  const deliver = async (event: unknown) => {
    const ctx = await httpContext();
    const body = JSON.stringify(event);
    return ctx.app.request('/api/v1/webhooks/creem', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'creem-signature': await signCreemBody(body, ctx.creem.webhookSecret) },
      body,
    });
  };

  it('a signed event whose object has the wrong shape is a 400 invalid_request, not a 500', async () => {
    const res = await deliver({
      id: 'evt_regress_shape',
      eventType: 'subscription.active',
      created_at: Date.now(),
      object: { customer: { id: 'c' }, subscription: {} },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it("a malformed refund stored for an order does not block that order's purchase", async () => {
    const ctx = await httpContext();
    const before = ((await (await ctx.app.request('/api/v1/credits', { headers: { cookie: ctx.cookie } })).json()) as { balance: number })
      .balance;
    const refund = await deliver({
      id: 'evt_regress_refund',
      eventType: 'refund.created',
      created_at: Date.now(),
      object: { id: 'ref_1', refund_amount: 'lots', order: { id: 'ord_regress' } },
    });
    expect(refund.status).toBe(400);
    const checkout = await deliver({
      id: 'evt_regress_checkout',
      eventType: 'checkout.completed',
      created_at: Date.now(),
      object: { id: 'ch_regress', order: { id: 'ord_regress', amount: 500 }, product: 'prod_pack100', metadata: { userId: ctx.userId } },
    });
    expect(checkout.status).toBe(200);
    const after = ((await (await ctx.app.request('/api/v1/credits', { headers: { cookie: ctx.cookie } })).json()) as { balance: number })
      .balance;
    expect(after - before).toBe(100);
  });
});
