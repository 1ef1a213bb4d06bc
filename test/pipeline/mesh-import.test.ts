import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { Document, NodeIO } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRDracoMeshCompression } from '@gltf-transform/extensions';
import draco3d from 'draco3dgltf';
import { MeshoptEncoder } from 'meshoptimizer';
import { sharedGlbDecoders } from '../../src/node/mesh-decoders.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import type { GlbDecoders } from '../../src/pipeline/import/glb.ts';
import { readMesh } from '../../src/pipeline/import/read-mesh.ts';
import { sniffMeshFormat } from '../../src/pipeline/import/sniff.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { measureDefects } from '../../src/pipeline/repair/measure-defects.ts';
import { box, volumeOf } from '../helpers/mesh-fixtures.ts';

let decoders: GlbDecoders;
beforeAll(async () => {
  decoders = await sharedGlbDecoders();
});

async function code(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (isPipelineError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

/** A PLY of the mesh with extra properties (normals, colour, a uint count type) to skip. */
function writePly(mesh: Mesh, format: PlyFormat): Uint8Array {
  const vertices = mesh.positions.length / 3;
  const faces: number[][] = [];
  for (let f = 0; f < mesh.indices.length / 3; f++) faces.push(Array.from(mesh.indices.subarray(f * 3, f * 3 + 3)));
  const header = [
    'ply',
    `format ${format} 1.0`,
    'comment made in a test',
    `element vertex ${vertices}`,
    'property float x',
    'property float nx',
    'property double y',
    'property float z',
    'property uchar red',
    `element face ${faces.length}`,
    'property uint flags',
    'property list uint int vertex_indices',
    'element edge 1',
    'property int vertex1',
    'property int vertex2',
    'end_header',
    '',
  ].join('\n');
  if (format === 'ascii') {
    const lines: string[] = [];
    for (let v = 0; v < vertices; v++)
      lines.push(`${mesh.positions[v * 3]} 0 ${mesh.positions[v * 3 + 1]} ${mesh.positions[v * 3 + 2]} 255`);
    for (const f of faces) lines.push(`7 3 ${f.join(' ')}`);
    lines.push('0 1');
    return strToU8(`${header + lines.join('\n')}\n`);
  }
  const little = format === 'binary_little_endian';
  const body = new DataView(new ArrayBuffer(vertices * 21 + faces.length * 20 + 8));
  let o = 0;
  for (let v = 0; v < vertices; v++) {
    body.setFloat32(o, mesh.positions[v * 3], little);
    o += 4;
    body.setFloat32(o, 0, little);
    o += 4;
    body.setFloat64(o, mesh.positions[v * 3 + 1], little);
    o += 8;
    body.setFloat32(o, mesh.positions[v * 3 + 2], little);
    o += 4;
    body.setUint8(o, 255);
    o += 1;
  }
  for (const f of faces) {
    body.setUint32(o, 7, little);
    o += 4;
    body.setUint32(o, 3, little);
    o += 4;
    for (const i of f) {
      body.setInt32(o, i, little);
      o += 4;
    }
  }
  body.setInt32(o, 0, little);
  body.setInt32(o + 4, 1, little);
  const head = strToU8(header);
  const out = new Uint8Array(head.length + body.byteLength);
  out.set(head);
  out.set(new Uint8Array(body.buffer), head.length);
  return out;
}

describe('PLY', () => {
  for (const format of ['ascii', 'binary_little_endian', 'binary_big_endian'] as const) {
    it(`reads ${format} with extra properties and elements skipped`, async () => {
      const bytes = writePly(box([0, 0, 0], [10, 20, 30]), format);
      expect(sniffMeshFormat(bytes)).toBe('ply');
      const read = await readMesh(bytes);
      expect(read.mesh.indices.length / 3).toBe(12);
      expect(volumeOf(read.mesh)).toBeCloseTo(6000, 3);
      expect(measureDefects(read.mesh)).toMatchObject({ openEdges: 0, nonManifoldEdges: 0, shells: 1 });
    });
  }

  it('refuses truncated bodies and counts larger than the file', async () => {
    const bytes = writePly(box([0, 0, 0], [1, 1, 1]), 'binary_little_endian');
    expect(await code(() => readMesh(bytes.subarray(0, bytes.length - 30)))).toBe('mesh_corrupt');
    const liar = strToU8(
      'ply\nformat binary_little_endian 1.0\nelement vertex 2000000000\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n\0\0\0\0',
    );
    expect(await code(() => readMesh(liar))).toBe('mesh_corrupt');
    expect(await code(() => readMesh(strToU8('ply\nformat ascii 1.0\nelement vertex 3\n')))).toBe('mesh_corrupt');
  });
});

describe('sniffMeshFormat and readMesh', () => {
  it('decides by content: binary STL whose header starts with "solid", ASCII STL, OBJ, 3MF', () => {
    const stl = writeStl(box([0, 0, 0], [1, 1, 1]));
    stl.set(strToU8('solid trap'), 0);
    expect(sniffMeshFormat(stl)).toBe('stl');
    expect(sniffMeshFormat(strToU8('solid x\nfacet normal 0 0 1\nouter loop\n'))).toBe('stl');
    expect(sniffMeshFormat(strToU8('# cube\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'))).toBe('obj');
    expect(sniffMeshFormat(zipSync({ 'a.txt': strToU8('x') }))).toBe('3mf');
    expect(sniffMeshFormat(strToU8('\x89PNG\r\n\x1a\n...'))).toBeUndefined();
  });

  it('reads an STL whose header starts with "solid" as binary', async () => {
    const stl = writeStl(box([0, 0, 0], [2, 2, 2]));
    stl.set(strToU8('solid trap'), 0);
    const read = await readMesh(stl);
    expect(read.format).toBe('stl');
    expect(volumeOf(read.mesh)).toBeCloseTo(8, 4);
  });

  it('gives coded errors for garbage, empty, truncated and zip bombs, never a crash', async () => {
    let state = 7;
    const garbage = Uint8Array.from({ length: 5000 }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    expect(await code(() => readMesh(garbage))).toBe('unsupported_format');
    expect(await code(() => readMesh(new Uint8Array(0)))).toBe('mesh_empty');
    const stl = writeStl(box([0, 0, 0], [1, 1, 1]));
    expect(['mesh_corrupt', 'unsupported_format']).toContain(await code(() => readMesh(stl.subarray(0, 300))));
    const bomb = zipSync({ '3D/3dmodel.model': new Uint8Array(8_000_000) }, { level: 1 });
    expect(await code(() => readMesh(bomb, { maxUncompressedBytes: 1_000_000 }))).toBe('file_too_large');
    expect(await code(() => readMesh(strToU8('glTF\x02\0\0\0')))).toBe('mesh_corrupt');
    expect(await code(() => readMesh(stl, { maxTriangles: 5 }))).toBe('too_many_triangles');
  });
});

describe('compressed GLB', () => {
  async function compressed(kind: 'draco' | 'meshopt'): Promise<Uint8Array> {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const cube = box([0, 0, 0], [1, 2, 3]);
    const primitive = doc
      .createPrimitive()
      .setAttribute(
        'POSITION',
        doc
          .createAccessor()
          .setType('VEC3')
          .setArray(cube.positions as Float32Array<ArrayBuffer>)
          .setBuffer(buffer),
      )
      .setIndices(
        doc
          .createAccessor()
          .setType('SCALAR')
          .setArray(cube.indices as Uint32Array<ArrayBuffer>)
          .setBuffer(buffer),
      );
    doc.createScene().addChild(doc.createNode().setMesh(doc.createMesh().addPrimitive(primitive)));
    await MeshoptEncoder.ready;
    const io = new NodeIO()
      .registerExtensions([KHRDracoMeshCompression, EXTMeshoptCompression])
      .registerDependencies({ 'draco3d.encoder': await draco3d.createEncoderModule(), 'meshopt.encoder': MeshoptEncoder });
    if (kind === 'draco') doc.createExtension(KHRDracoMeshCompression).setRequired(true);
    else
      doc
        .createExtension(EXTMeshoptCompression)
        .setRequired(true)
        .setEncoderOptions({ method: EXTMeshoptCompression.EncoderMethod.QUANTIZE });
    return io.writeBinary(doc);
  }

  for (const kind of ['draco', 'meshopt'] as const) {
    it(`decodes ${kind} with host decoders and refuses it without`, async () => {
      const bytes = await compressed(kind);
      expect(await code(() => readMesh(bytes))).toBe('unsupported_format');
      const read = await readMesh(bytes, { decoders });
      expect(read.mesh.indices.length / 3).toBe(12);
      expect(volumeOf(read.mesh)).toBeCloseTo(6, 2);
    });
  }
});

describe('sniffMeshFormat never takes a picture for a binary STL', () => {
  // A picture whose size happens to be 84 + 50k bytes (about 1 file in 50) once read as a binary
  // STL whose header claimed 478,624,486 triangles.
  const signatures: Record<string, number[]> = {
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    jpeg: [0xff, 0xd8, 0xff, 0xe0],
    gif: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
    webp: [0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50],
    tiff: [0x49, 0x49, 0x2a, 0x00],
    avif: [0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66],
  };
  for (const [name, magic] of Object.entries(signatures)) {
    it(name, () => {
      const bytes = new Uint8Array(18_534); // 84 + 50 x 369
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
      bytes.set(magic, 0);
      expect((bytes.length - 84) % 50).toBe(0);
      expect(sniffMeshFormat(bytes)).toBeUndefined();
    });
  }
});
