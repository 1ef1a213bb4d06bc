import { unzipSync, strFromU8 } from 'fflate';
import validator from 'gltf-validator';
import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { writeGlb } from '../../src/pipeline/export/glb.ts';
import { formatFloat32 } from '../../src/pipeline/export/format-number.ts';
import { writeObj } from '../../src/pipeline/export/obj.ts';
import { stlByteLength, stlChunks, writeStl } from '../../src/pipeline/export/stl.ts';
import { writeThreeMf } from '../../src/pipeline/export/threemf.ts';
import { readGlb } from '../../src/pipeline/import/glb.ts';
import { readObj } from '../../src/pipeline/import/obj.ts';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { readThreeMf } from '../../src/pipeline/import/threemf.ts';
import { boundingBox, signedVolume, triangleCount, type BoundingBox, type Mesh } from '../../src/pipeline/mesh.ts';

// A 20 x 10 x 5 mm box off the origin, CCW from outside.
function box(): Mesh {
  const [x0, y0, z0, x1, y1, z1] = [1, 2, 3, 21, 12, 8];
  const positions = new Float32Array([x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1]);
  const indices = new Uint32Array([
    0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7,
  ]);
  return { positions, indices };
}

function tetrahedron(): Mesh {
  return {
    positions: new Float32Array([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10]),
    indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
  };
}

/** Every triangle gets its own three vertices: > 65535 vertices for big inputs (UINT32 indices). */
function unwelded(mesh: Mesh): Mesh {
  const positions = new Float32Array(mesh.indices.length * 3);
  mesh.indices.forEach((v, i) => positions.set(mesh.positions.subarray(v * 3, v * 3 + 3), i * 3));
  return { positions, indices: Uint32Array.from(mesh.indices, (_, i) => i) };
}

let sphere: Mesh;
/** The sphere with every triangle on its own vertices. */
let fineSphere: Mesh;
beforeAll(async () => {
  const wasm = await (await import('../../wasm/manifold.ts')).sharedManifold();
  const meshOf = (segments: number): Mesh => {
    const manifold = wasm.Manifold.sphere(10, segments).translate([5, -3, 12]);
    try {
      const g = manifold.getMesh();
      expect(g.numProp).toBe(3);
      return { positions: Float32Array.from(g.vertProperties), indices: Uint32Array.from(g.triVerts) };
    } finally {
      manifold.delete();
    }
  };
  sphere = meshOf(210); // 22,050 triangles
  fineSphere = unwelded(sphere); // 66,150 vertices: past UINT16 indices
});

function expectBoxClose(actual: BoundingBox, expected: BoundingBox, tolerance: number): void {
  for (let k = 0; k < 3; k++) {
    expect(Math.abs(actual.min[k] - expected.min[k])).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(actual.max[k] - expected.max[k])).toBeLessThanOrEqual(tolerance);
  }
}

function expectVolumeClose(actual: number, expected: number): void {
  expect(expected).toBeGreaterThan(0);
  expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-4);
}

function threeGeometryMesh(geometry: THREE.BufferGeometry): Mesh {
  const positions = Float32Array.from(geometry.getAttribute('position').array as ArrayLike<number>);
  const indices = geometry.index
    ? Uint32Array.from(geometry.index.array as ArrayLike<number>)
    : Uint32Array.from({ length: positions.length / 3 }, (_, i) => i);
  return { positions, indices };
}

/** toEqual on megabyte arrays is slow; this keeps the suite fast. */
function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

const meshes = () => ({ box: box(), tetrahedron: tetrahedron(), sphere });

describe('writeStl', () => {
  it.each(['box', 'tetrahedron', 'sphere'] as const)('%s: 84 + 50n bytes, header not "solid", three.js reads the same solid', (name) => {
    const mesh = meshes()[name];
    const stl = writeStl(mesh);
    expect(stl.length).toBe(stlByteLength(triangleCount(mesh)));
    expect(new TextDecoder().decode(stl.subarray(0, 5)).toLowerCase()).not.toBe('solid');
    expect(new DataView(stl.buffer).getUint32(80, true)).toBe(triangleCount(mesh));

    const geometry = new STLLoader().parse(arrayBufferOf(stl));
    expect(geometry.getAttribute('position').count / 3).toBe(triangleCount(mesh));
    const readBack = threeGeometryMesh(geometry);
    expectBoxClose(boundingBox(readBack), boundingBox(mesh), 0);
    expectVolumeClose(signedVolume(readBack), signedVolume(mesh));

    const ours = readStl(stl).mesh;
    expect(triangleCount(ours)).toBe(triangleCount(mesh));
    expectVolumeClose(signedVolume(ours), signedVolume(mesh));
  });

  it('writes unit facet normals that point out of the solid', () => {
    const stl = writeStl(box());
    const view = new DataView(stl.buffer);
    for (let t = 0; t < 12; t++) {
      const o = 84 + t * 50;
      const n = [view.getFloat32(o, true), view.getFloat32(o + 4, true), view.getFloat32(o + 8, true)];
      expect(Math.hypot(n[0], n[1], n[2])).toBeCloseTo(1, 6);
      const centroid = [0, 1, 2].map(
        (k) => (view.getFloat32(o + 12 + k * 4, true) + view.getFloat32(o + 24 + k * 4, true) + view.getFloat32(o + 36 + k * 4, true)) / 3,
      );
      const fromCentre = [centroid[0] - 11, centroid[1] - 7, centroid[2] - 5.5];
      expect(n[0] * fromCentre[0] + n[1] * fromCentre[1] + n[2] * fromCentre[2]).toBeGreaterThan(0);
    }
  });

  it('stlChunks concatenated equals writeStl, in several chunks', () => {
    const chunks = [...stlChunks(sphere, { trianglesPerChunk: 5000 })];
    expect(chunks.length).toBe(Math.ceil(triangleCount(sphere) / 5000));
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    expect(sameBytes(joined, writeStl(sphere))).toBe(true);
  });

  it('refuses a header starting with "solid" and broken meshes, with PipelineErrors', () => {
    expect(() => writeStl(box(), { header: '  Solid works' })).toThrow(/solid/);
    const cases: [Mesh, string][] = [
      [{ positions: new Float32Array(9), indices: new Uint32Array(0) }, 'mesh_empty'],
      [{ positions: new Float32Array(9), indices: new Uint32Array([0, 1, 3]) }, 'mesh_corrupt'],
      [{ positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, NaN, 0]), indices: new Uint32Array([0, 1, 2]) }, 'mesh_corrupt'],
    ];
    for (const [mesh, code] of cases) {
      for (const write of [writeStl, writeThreeMf, writeObj]) {
        try {
          write(mesh);
          expect.unreachable();
        } catch (error) {
          expect(isPipelineError(error) && error.code).toBe(code);
        }
      }
    }
  });
});

describe('formatFloat32', () => {
  it('prints the shortest text that reads back as the same float32', () => {
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const failures: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const value = Math.fround((random() - 0.5) * 10 ** Math.floor(random() * 10 - 3));
      const text = formatFloat32(value);
      const digits = text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length;
      if (Math.fround(Number(text)) !== value || digits > 9) failures.push(`${value} -> ${text}`);
    }
    expect(failures).toEqual([]);
    expect([0, -0, 10, 0.5, Math.fround(0.1), 120, Math.fround(1e-7), -2.25].map(formatFloat32)).toEqual([
      '0',
      '0',
      '10',
      '0.5',
      '0.1',
      '120',
      '1e-7',
      '-2.25',
    ]);
  });
});

describe('writeThreeMf', () => {
  it.each(['box', 'tetrahedron', 'sphere'] as const)('%s: reads back as exactly the same mesh, in millimetres', (name) => {
    const mesh = meshes()[name];
    const imported = readThreeMf(writeThreeMf(mesh));
    expect(imported.unit).toBe('millimeter');
    expect(sameBytes(imported.mesh.indices, mesh.indices)).toBe(true);
    expect(sameBytes(imported.mesh.positions, mesh.positions)).toBe(true); // lossless number formatting
    expectVolumeClose(signedVolume(imported.mesh), signedVolume(mesh));
  });

  it('holds the three OPC parts, unit millimeter, one model object and one build item, escaped metadata', () => {
    const files = unzipSync(writeThreeMf(box(), { title: 'Tom & "Jerry" <3' }));
    expect(Object.keys(files).sort()).toEqual(['3D/3dmodel.model', '[Content_Types].xml', '_rels/.rels']);
    const model = strFromU8(files['3D/3dmodel.model']);
    expect(model).toMatch(/<model unit="millimeter"/);
    expect(model.match(/<object /g)).toHaveLength(1);
    expect(model.match(/<item /g)).toHaveLength(1);
    expect(model).toContain('<metadata name="Title">Tom &amp; &quot;Jerry&quot; &lt;3</metadata>');
    expect(model).toContain('<metadata name="Application">image-to-stl</metadata>');
    expect(strFromU8(files['_rels/.rels'])).toContain('Target="/3D/3dmodel.model"');
  });

  it('is deterministic (no clock in the zip)', () => {
    expect(sameBytes(writeThreeMf(sphere), writeThreeMf(sphere))).toBe(true);
  });
});

describe('writeObj', () => {
  it.each(['box', 'tetrahedron', 'sphere'] as const)('%s: reads back with the same triangles, box and volume', (name) => {
    const mesh = meshes()[name];
    const obj = writeObj(mesh);
    expect(new TextDecoder().decode(obj.subarray(0, 2))).toBe('# ');
    const imported = readObj(obj);
    expect(sameBytes(imported.mesh.indices, mesh.indices)).toBe(true);
    expect(sameBytes(imported.mesh.positions, mesh.positions)).toBe(true);
    expectVolumeClose(signedVolume(imported.mesh), signedVolume(mesh));
  });
});

describe('writeGlb', () => {
  async function loadWithThree(glb: Uint8Array): Promise<THREE.Group> {
    return new Promise((resolve, reject) => {
      new GLTFLoader().parse(arrayBufferOf(glb), '', (gltf) => resolve(gltf.scene), reject);
    });
  }

  function worldMesh(scene: THREE.Object3D): Mesh {
    scene.updateMatrixWorld(true);
    const parts: THREE.BufferGeometry[] = [];
    scene.traverse((object) => {
      if (object instanceof THREE.Mesh) parts.push((object.geometry as THREE.BufferGeometry).clone().applyMatrix4(object.matrixWorld));
    });
    expect(parts).toHaveLength(1);
    return threeGeometryMesh(parts[0]);
  }

  function gltfJson(glb: Uint8Array) {
    const length = new DataView(glb.buffer, glb.byteOffset).getUint32(12, true);
    return JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + length)));
  }

  it.each(['box', 'tetrahedron', 'sphere', 'fineSphere'] as const)(
    '%s: valid glTF, three.js sees the solid in metres, readGlb gives mm back',
    async (name) => {
      const mesh = name === 'fineSphere' ? fineSphere : meshes()[name];
      const glb = await writeGlb(mesh);

      const report = await validator.validateBytes(new Uint8Array(glb), { uri: 'model.glb' });
      expect(report.issues.messages.filter((m: { severity: number }) => m.severity <= 1)).toEqual([]);
      expect(report.issues.numErrors).toBe(0);
      expect(report.issues.numWarnings).toBe(0);

      const json = gltfJson(glb);
      const position = json.accessors[json.meshes[0].primitives[0].attributes.POSITION];
      expect(position.min).toHaveLength(3);
      expect(position.max).toHaveLength(3);
      expect(json.accessors[json.meshes[0].primitives[0].indices].componentType).toBe(mesh.positions.length / 3 < 65535 ? 5123 : 5125);
      expect(json.meshes[0].primitives[0].attributes.NORMAL).toBeUndefined();

      const inThree = worldMesh(await loadWithThree(glb));
      expect(triangleCount(inThree)).toBe(triangleCount(mesh));
      const mm = boundingBox(mesh);
      expectBoxClose(
        boundingBox(inThree),
        { min: mm.min.map((v) => v / 1000) as BoundingBox['min'], max: mm.max.map((v) => v / 1000) as BoundingBox['max'] },
        1e-6,
      );
      expectVolumeClose(signedVolume(inThree) * 1e9, signedVolume(mesh));

      const imported = await readGlb(glb);
      expect(imported.unit).toBe('millimeter');
      expect(triangleCount(imported.mesh)).toBe(triangleCount(mesh));
      expectBoxClose(boundingBox(imported.mesh), mm, 1e-4);
      expectVolumeClose(signedVolume(imported.mesh), signedVolume(mesh));
    },
  );
});
