import { Document, WebIO } from '@gltf-transform/core';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isPipelineError, type PipelineErrorCode as ErrorCode } from '../../src/pipeline/errors.ts';
import { writeGlb } from '../../src/pipeline/export/glb.ts';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import { writeThreeMf } from '../../src/pipeline/export/threemf.ts';
import { readGlb } from '../../src/pipeline/import/glb.ts';
import { readObj } from '../../src/pipeline/import/obj.ts';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { readThreeMf } from '../../src/pipeline/import/threemf.ts';
import { boundingBox, signedVolume, triangleCount, type Mesh } from '../../src/pipeline/mesh.ts';
import { cpuMs } from '../helpers/cpu-clock.ts';

const tetrahedron: Mesh = {
  positions: new Float32Array([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10]),
  indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};
const TETRA_VOLUME = 1000 / 6;
const text = (s: string) => new TextEncoder().encode(s);

async function expectCode(run: () => unknown, code: ErrorCode | ErrorCode[]): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(isPipelineError(error), String(error)).toBe(true);
    expect([code].flat()).toContain((error as { code: string }).code);
    return;
  }
  expect.unreachable('expected a PipelineError');
}

function garbage(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) out[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

describe('readStl', () => {
  it('reads a binary STL whose header starts with "solid" as binary (size decides)', () => {
    const stl = writeStl(tetrahedron);
    stl.set(text('solid but binary'), 0);
    const { mesh } = readStl(stl);
    expect(triangleCount(mesh)).toBe(4);
    expect(signedVolume(mesh)).toBeCloseTo(TETRA_VOLUME, 4);
  });

  it('reads ASCII tolerantly: any case, CRLF, odd spacing, quads fanned, several solids', () => {
    const ascii = [
      'solid one\r\n facet normal 0 0 -1\r\n  outer loop',
      '   VERTEX 0 0 0\r\n vertex 0 10 0\r\n vertex 10 0 0',
      ' endloop endfacet',
      'facet normal 0 0 0 outer loop vertex 0 0 0 vertex 10 0 0 vertex 0 0 10 endloop endfacet',
      'endsolid one',
      'solid two',
      'facet normal 0 0 0 outer loop vertex 0 0 0 vertex 0 0 10 vertex 0 10 0 endloop endfacet',
      'facet normal 1 1 1 outer loop vertex 1e1 0 0 vertex 0 10 0 vertex 0 0 1.0E+1 endloop endfacet',
      'facet normal 0 0 1 outer loop vertex 20 20 5 vertex 30 20 5 vertex 30 30 5 vertex 20 30 5 endloop endfacet',
      'endsolid two',
    ].join('\n');
    const { mesh } = readStl(text(ascii));
    expect(triangleCount(mesh)).toBe(6);
    expect(signedVolume(mesh)).toBeCloseTo(TETRA_VOLUME + (100 * 5) / 3, 3); // quad adds a cone-ish term; tetra is closed
  });

  it('refuses a 200-byte file whose header claims 2^31 triangles, fast', async () => {
    const bytes = new Uint8Array(200);
    new DataView(bytes.buffer).setUint32(80, 2 ** 31, true);
    const started = cpuMs();
    await expectCode(() => readStl(bytes), ['mesh_corrupt', 'too_many_triangles']);
    expect(cpuMs() - started).toBeLessThan(2000); // a hang detector: walking 2^31 triangles takes minutes
  });

  it('enforces maxTriangles from the header and maxBytes from the length', async () => {
    const stl = writeStl(tetrahedron);
    await expectCode(() => readStl(stl, { maxTriangles: 3 }), 'too_many_triangles');
    await expectCode(() => readStl(stl, { maxBytes: 100 }), 'file_too_large');
  });

  it('rejects truncated, empty and garbage input with PipelineErrors', async () => {
    const stl = writeStl(tetrahedron);
    await expectCode(() => readStl(stl.subarray(0, stl.length - 7)), 'mesh_corrupt');
    await expectCode(() => readStl(new Uint8Array(0)), 'mesh_empty');
    await expectCode(() => readStl(text('solid empty\nendsolid empty\n')), 'mesh_empty');
    await expectCode(() => readStl(text('solid x\nfacet outer loop vertex 1 2 nope endloop endfacet')), 'mesh_corrupt');
    for (let seed = 1; seed <= 20; seed++) {
      await expectCode(() => readStl(garbage(seed, 50 + seed * 37)), ['mesh_corrupt', 'mesh_empty']);
    }
  });
});

describe('readObj', () => {
  it('fans polygons, resolves negative and slashed references, ignores the rest', () => {
    const obj = [
      '# a tetrahedron with a quad-free twist',
      'mtllib x.mtl',
      'o thing',
      'g part',
      'v 0 0 0',
      'v 10 0 0',
      'v 0 10 0',
      'v 0 0 10 1.0',
      'vt 0 0',
      'vn 0 0 1',
      'usemtl red',
      's off',
      'f 1/1/1 3/1/1 2/1/1',
      'f 1//1 2//1 4//1',
      'f -4 -1 -2',
      '\tf 2 3 4',
    ].join('\r\n');
    const { mesh } = readObj(text(obj));
    expect(triangleCount(mesh)).toBe(4);
    expect(signedVolume(mesh)).toBeCloseTo(TETRA_VOLUME, 4);
    const quad = readObj(text('v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0.5 1.5 0\nf 1 2 3 5 4\n')).mesh;
    expect(Array.from(quad.indices)).toEqual([0, 1, 2, 0, 2, 4, 0, 4, 3]);
  });

  it('joins statements continued by a trailing backslash (any statement, CRLF too) and numbers errors by first line', async () => {
    const obj = [
      '# a tetrahedron, written by an exporter that wraps long lines',
      'v 0 0 0',
      'v 10 \\',
      '  0 0',
      'v 0 10\\   ',
      '0',
      'v 0 0 10',
      'f 1 3 \\',
      '2',
      'f 1 2 \\',
      '\t4',
      'f 1 4 3 \\',
      '',
      'f \\',
      '2 3 \\',
      '4',
    ];
    for (const eol of ['\n', '\r\n']) {
      const { mesh } = readObj(text(obj.join(eol)));
      expect(triangleCount(mesh)).toBe(4);
      expect(signedVolume(mesh)).toBeCloseTo(TETRA_VOLUME, 4);
    }
    // A continued comment swallows its next line; a backslash at the end of the file ends the statement.
    const commented = readObj(text('v 0 0 0\nv 1 0 0\nv 0 1 0\n# note \\\nf 1 2 3\nf 1 2 3 \\'));
    expect(triangleCount(commented.mesh)).toBe(1);
    await expect(async () => readObj(text('v 0 0 0\nv 1 0 0\nf 1 \\\n 2 \\\n x\n'))).rejects.toThrow(/line 3: "x"/);
  });

  it('checks limits from counted face lines and rejects bad references', async () => {
    const obj = text('v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 2 3 4\nf 1 2 4\n');
    await expectCode(() => readObj(obj, { maxTriangles: 2 }), 'too_many_triangles');
    await expectCode(() => readObj(obj, { maxBytes: 10 }), 'file_too_large');
    await expectCode(() => readObj(text('v 0 0 0\nf 1 2 3\n')), 'mesh_corrupt');
    await expectCode(() => readObj(text('v 0 0 0\nv 1 0 0\nf -3 1 2\n')), 'mesh_corrupt');
    await expectCode(() => readObj(text('v 0 0 x\nf 1 1 1\n')), 'mesh_corrupt');
    await expectCode(() => readObj(text('v 0 0 0\n# nothing else\n')), 'mesh_empty');
    for (let seed = 1; seed <= 20; seed++) {
      await expectCode(() => readObj(garbage(seed, 300)), ['mesh_corrupt', 'mesh_empty']);
    }
  });
});

function threeMf(model: string): Uint8Array {
  return zipSync({ '3D/3dmodel.model': strToU8(model) });
}

const TETRA_OBJECT = `<object id="1" type="model"><mesh><vertices>
<vertex x="0" y="0" z="0"/><vertex x="10" y="0" z="0"/><vertex x="0" y="10" z="0"/><vertex x="0" y="0" z="10"/>
</vertices><triangles>
<triangle v1="0" v2="2" v3="1"/><triangle v1="0" v2="1" v3="3"/><triangle v1="0" v2="3" v3="2"/><triangle v1="1" v2="2" v3="3"/>
</triangles></mesh></object>`;

describe('readThreeMf', () => {
  it('places build items and components with transforms, keeps mirrored parts outward, converts units', () => {
    const model = `<?xml version="1.0"?><!-- <vertex x="9"/> in a comment is ignored -->
<m:model unit="centimeter" xmlns:m="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><m:resources>
${TETRA_OBJECT}
<object id="2"><components><component objectid="1" transform="1 0 0 0 1 0 0 0 1 100 0 0"/></components></object>
</m:resources><m:build>
<item objectid="1"/>
<item objectid="2" transform="1 0 0 0 1 0 0 0 1 0 50 0"/>
<item objectid="1" transform="-1 0 0 0 1 0 0 0 1 -20 0 0"/>
</m:build></m:model>`;
    const imported = readThreeMf(threeMf(model));
    expect(imported.unit).toBe('millimeter');
    expect(triangleCount(imported.mesh)).toBe(12);
    expect(signedVolume(imported.mesh)).toBeCloseTo(3 * TETRA_VOLUME * 1000, 0); // cm -> mm: x1000 volume
    const box = boundingBox(imported.mesh);
    expect(box.min).toEqual([-300, 0, 0]);
    expect(box.max).toEqual([1100, 600, 100]);
  });

  it('prints each build item once per item, expands components, leaves out objects no item reaches (the pyramids.3mf count)', () => {
    // Shaped like corpus trimesh_pyramids.3mf: object 1 placed by two items, object 3 built from
    // components (1 moved, and 2), object 4 defined but never built. Merging each object's mesh
    // once, in its own coordinates (the corpus manifest's 3172 for pyramids), would give 12 here.
    const model = `<model unit="millimeter"><resources>
${TETRA_OBJECT}
${TETRA_OBJECT.replace('id="1"', 'id="2"')}
<object id="3"><components><component objectid="1" transform="1 0 0 0 1 0 0 0 1 0 0 30"/><component objectid="2"/></components></object>
${TETRA_OBJECT.replace('id="1"', 'id="4"')}
</resources><build>
<item objectid="1" transform="1 0 0 0 1 0 0 0 1 100 0 0"/>
<item objectid="1" transform="1 0 0 0 1 0 0 0 1 200 0 0"/>
<item objectid="3" transform="1 0 0 0 1 0 0 0 1 0 100 0"/>
</build></model>`;
    const imported = readThreeMf(threeMf(model));
    expect(triangleCount(imported.mesh)).toBe(16);
    expect(signedVolume(imported.mesh)).toBeCloseTo(4 * TETRA_VOLUME, 3);
    const box = boundingBox(imported.mesh);
    expect(box.min).toEqual([0, 0, 0]);
    expect(box.max).toEqual([210, 110, 40]);
  });

  it('skips support and "other" meshes with a note, but not the model meshes of an object whose own type says support', () => {
    const model = `<model unit="millimeter"><resources>
${TETRA_OBJECT}
${TETRA_OBJECT.replace('id="1" type="model"', 'id="2" type="support"')}
${TETRA_OBJECT.replace('id="1" type="model"', 'id="3" type="other"')}
<object id="4" type="support"><components><component objectid="1"/><component objectid="2" transform="1 0 0 0 1 0 0 0 1 50 0 0"/></components></object>
</resources><build>
<item objectid="4"/>
<item objectid="3" transform="1 0 0 0 1 0 0 0 1 0 50 0"/>
</build></model>`;
    const imported = readThreeMf(threeMf(model));
    // The type of an object made of components is ignored (3MF core, chapter 4): its model mesh stays.
    expect(triangleCount(imported.mesh)).toBe(4);
    expect(boundingBox(imported.mesh).max).toEqual([10, 10, 10]);
    expect(imported.notes).toEqual(['skipped objects of type "support"', 'skipped objects of type "other"']);
  });

  it("follows the production extension's p:path to objects in other model parts, in their own unit", () => {
    // Laid out as slicers (Bambu Studio, PrusaSlicer projects) write it: the root model holds a
    // component object and the build; meshes live in /3D/Objects/*.model, whose ids repeat the root's.
    const P = 'xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06"';
    const root = `<model unit="millimeter" ${P}><resources>
${TETRA_OBJECT.replace('x="10"', 'x="99"')}
<object id="2"><components><component p:path="/3D/Objects/object_1.model" objectid="1" transform="1 0 0 0 1 0 0 0 1 0 0 5"/></components></object>
</resources><build>
<item objectid="2"/>
<item p:path="/3D/Objects/object_1.model" objectid="1" transform="1 0 0 0 1 0 0 0 1 100 0 0"/>
</build></model>`;
    const part = `<model unit="centimeter" ${P}><resources>${TETRA_OBJECT}</resources><build/></model>`;
    const imported = readThreeMf(zipSync({ '3D/3dmodel.model': strToU8(root), '3D/Objects/object_1.model': strToU8(part) }));
    expect(triangleCount(imported.mesh)).toBe(8);
    // The part's tetrahedron is 10 cm = 100 mm; the root's own object 1 (99 mm wide) is not used.
    expect(signedVolume(imported.mesh)).toBeCloseTo(2 * TETRA_VOLUME * 1000, 0);
    const box = boundingBox(imported.mesh);
    expect(box.min).toEqual([0, 0, 0]);
    expect(box.max).toEqual([200, 100, 105]);
  });

  it('refuses a p:path to a part that is missing, or a p:path inside a referenced part', async () => {
    const P = 'xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06"';
    const root = `<model unit="millimeter" ${P}><resources/><build><item p:path="/3D/a.model" objectid="1"/></build></model>`;
    await expectCode(() => readThreeMf(zipSync({ '3D/3dmodel.model': strToU8(root) })), 'mesh_corrupt');
    const nested = `<model unit="millimeter" ${P}><resources><object id="1"><components><component p:path="/3D/b.model" objectid="1"/></components></object></resources></model>`;
    await expectCode(() => readThreeMf(zipSync({ '3D/3dmodel.model': strToU8(root), '3D/a.model': strToU8(nested) })), 'mesh_corrupt');
  });

  it('refuses model part names that would resolve outside the package root (relationship targets and p:path)', async () => {
    const model = strToU8(`<model unit="millimeter"><resources>${TETRA_OBJECT}</resources><build><item objectid="1"/></build></model>`);
    const rels = (target: string) =>
      strToU8(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Target="${target}" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>`,
      );
    // The honest layouts still read: an absolute part name, and one relative to the package root.
    for (const target of ['/3D/3dmodel.model', '3D/3dmodel.model', '/3D/./3dmodel.model']) {
      expect(triangleCount(readThreeMf(zipSync({ '_rels/.rels': rels(target), '3D/3dmodel.model': model })).mesh)).toBe(4);
    }
    const hostile = [
      '../../evil.model',
      '/../evil.model',
      '/3D/../../evil.model',
      '%2e%2e/evil.model',
      '3D%2f..%2f..%2fevil.model',
      '..\\..\\evil.model',
      '3D\\3dmodel.model',
      'C:/evil.model',
      'c:evil.model',
      'file:///etc/passwd',
      '//server/share/evil.model',
    ];
    for (const target of hostile) {
      const zip = zipSync({ '_rels/.rels': rels(target), [target.replace(/^\/+/, '')]: model, '3D/3dmodel.model': model });
      await expectCode(() => readThreeMf(zip), 'mesh_corrupt');
      expect(() => readThreeMf(zip)).toThrow(/part name/);
    }
    const P = 'xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06"';
    for (const path of ['/../evil.model', '/3D/..\\evil.model', 'D:/evil.model']) {
      const root = `<model unit="millimeter" ${P}><resources/><build><item p:path="${path}" objectid="1"/></build></model>`;
      const zip = zipSync({ '3D/3dmodel.model': strToU8(root), [path.replace(/^\/+/, '')]: model, 'evil.model': model });
      await expectCode(() => readThreeMf(zip), 'mesh_corrupt');
      expect(() => readThreeMf(zip)).toThrow(/part name/);
    }
  });

  it('guards the zip: declared size over the limit, sizes that lie, not a zip', async () => {
    const honest = writeThreeMf(tetrahedron);
    await expectCode(() => readThreeMf(honest, { maxUncompressedBytes: 100 }), 'file_too_large');

    const bomb = zipSync({ '3D/3dmodel.model': new Uint8Array(8_000_000) }, { level: 1 });
    expect(bomb.length).toBeLessThan(100_000);
    await expectCode(() => readThreeMf(bomb, { maxUncompressedBytes: 1_000_000 }), 'file_too_large');
    const lying = patchDeclaredSize(bomb, 1000);
    const started = cpuMs();
    await expectCode(() => readThreeMf(lying), 'mesh_corrupt');
    expect(cpuMs() - started).toBeLessThan(3000); // a hang detector, generous for a loaded CI box

    await expectCode(() => readThreeMf(garbage(3, 1000)), 'mesh_corrupt');
    await expectCode(() => readThreeMf(honest.subarray(0, honest.length - 30)), 'mesh_corrupt');
    await expectCode(() => readThreeMf(zipSync({ 'hello.txt': strToU8('hi') })), 'mesh_corrupt');
  }, 20_000);

  it('rejects models that are empty, cyclic, out of range or over the triangle limit', async () => {
    const wrap = (resources: string, build: string) =>
      threeMf(`<model unit="millimeter"><resources>${resources}</resources><build>${build}</build></model>`);
    await expectCode(() => readThreeMf(wrap(TETRA_OBJECT, '')), 'mesh_empty');
    await expectCode(() => readThreeMf(wrap(TETRA_OBJECT, '<item objectid="1"/>'), { maxTriangles: 3 }), 'too_many_triangles');
    await expectCode(
      () => readThreeMf(wrap(TETRA_OBJECT, '<item objectid="1"/><item objectid="1"/>'), { maxTriangles: 6 }),
      'too_many_triangles',
    );
    const cycle =
      '<object id="5"><components><component objectid="6"/></components></object><object id="6"><components><component objectid="5"/></components></object>';
    await expectCode(() => readThreeMf(wrap(cycle, '<item objectid="5"/>')), 'mesh_corrupt');
    await expectCode(
      () => readThreeMf(wrap(TETRA_OBJECT.replace('v1="1" v2="2" v3="3"', 'v1="1" v2="2" v3="7"'), '<item objectid="1"/>')),
      'mesh_corrupt',
    );
    await expectCode(() => readThreeMf(wrap(TETRA_OBJECT, '<item objectid="9"/>')), 'mesh_corrupt');
    await expectCode(() => readThreeMf(wrap(TETRA_OBJECT, '<item objectid="1" transform="1 0 0"/>')), 'mesh_corrupt');
    await expectCode(() => readThreeMf(threeMf('<<<<'.repeat(100_000))), 'mesh_corrupt');
  });
});

/** Rewrites the uncompressed size in the central directory (the first entry) to lie. */
function patchDeclaredSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = out.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      view.setUint32(view.getUint32(i + 16, true) + 24, size, true);
      return out;
    }
  }
  throw new Error('no end of central directory');
}

function glbOf(json: object, bin: Uint8Array): Uint8Array {
  const jsonBytes = text(JSON.stringify(json).padEnd(Math.ceil(JSON.stringify(json).length / 4) * 4, ' '));
  const binLength = Math.ceil(bin.length / 4) * 4;
  const out = new Uint8Array(12 + 8 + jsonBytes.length + 8 + binLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, out.length, true);
  view.setUint32(12, jsonBytes.length, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.set(jsonBytes, 20);
  view.setUint32(20 + jsonBytes.length, binLength, true);
  view.setUint32(24 + jsonBytes.length, 0x004e4942, true);
  out.set(bin, 28 + jsonBytes.length);
  return out;
}

describe('readGlb', () => {
  it('returns a foreign GLB in raw metres (unit "meter": the pipeline scales it and says so), applying node transforms', async () => {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const position = doc
      .createAccessor()
      .setType('VEC3')
      .setArray(tetrahedron.positions.map((v) => v / 1000))
      .setBuffer(buffer);
    const indices = doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(tetrahedron.indices)).setBuffer(buffer);
    const mesh = doc.createMesh().addPrimitive(doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices));
    const parent = doc.createNode().setTranslation([1, 0, 0]);
    parent.addChild(doc.createNode().setMesh(mesh).setScale([-2, 2, 2]));
    doc.createScene().addChild(parent);
    const imported = await readGlb(await new WebIO().writeBinary(doc));
    expect(imported.unit).toBe('meter');
    expect(imported.upAxis).toBe('y');
    const expected = 8 * TETRA_VOLUME * 1e-9; // scaled x2 and mirrored, still outward
    expect(Math.abs(signedVolume(imported.mesh) - expected) / expected).toBeLessThan(1e-5);
    expect(boundingBox(imported.mesh).min[0]).toBeCloseTo(0.98, 6);
  });

  it('rejects garbage, truncation, lying accessors, external files and limits', async () => {
    const ours = await writeGlb(tetrahedron);
    await expectCode(() => readGlb(ours, { maxTriangles: 3 }), 'too_many_triangles');
    await expectCode(() => readGlb(ours, { maxBytes: 100 }), 'file_too_large');
    await expectCode(() => readGlb(ours.subarray(0, ours.length - 40)), 'mesh_corrupt');
    await expectCode(() => readGlb(ours.subarray(0, 30)), 'mesh_corrupt');
    for (let seed = 1; seed <= 10; seed++) await expectCode(() => readGlb(garbage(seed, 400)), ['mesh_corrupt', 'unsupported_format']);

    const bin = new Uint8Array(48);
    const base = {
      asset: { version: '2.0' },
      buffers: [{ byteLength: 48 }],
      bufferViews: [{ buffer: 0, byteLength: 48 }],
      accessors: [{ bufferView: 0, componentType: 5126, type: 'VEC3', count: 4, min: [0, 0, 0], max: [0, 0, 0] }],
      meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
      nodes: [{ mesh: 0 }],
      scenes: [{ nodes: [0] }],
    };
    await expectCode(() => readGlb(glbOf({ ...base, accessors: [{ ...base.accessors[0], count: 2 ** 30 }] }, bin)), 'mesh_corrupt');
    await expectCode(
      () => readGlb(glbOf({ ...base, buffers: [{ byteLength: 48, uri: 'https://example.com/x.bin' }] }, bin)),
      'unsupported_format',
    );
    await expectCode(() => readGlb(glbOf({ ...base, extensionsRequired: ['KHR_draco_mesh_compression'] }, bin)), 'unsupported_format');
    await expectCode(
      () => readGlb(glbOf({ ...base, meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 1 }] }] }, bin)),
      'mesh_empty',
    );
  });
});
