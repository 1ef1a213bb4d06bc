/**
 * GLBs like the ones AI generators return, made in code with manifold-3d and glTF-Transform, each
 * with a real defect the repair pipeline must fix. All are Y-up and in "metres" the way generators
 * write them (about one unit across, not a real size):
 *   holes        a sphere-ish blob with triangles deleted (open boundaries)
 *   double-shell a hollow double shell: outer and inner sphere, both wound outward (overlapping shells)
 *   unit-cube    a rounded cube one unit across (scale in metres, not mm)
 *   textured     a UV sphere with duplicated vertices along the UV seam, normals, UVs and a base
 *                colour PNG texture (the seam leaves open edges until welded)
 */
import { Document, NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';

export type AiGlbKind = 'holes' | 'double-shell' | 'unit-cube' | 'textured';

interface RawMesh {
  positions: Float32Array;
  indices: Uint32Array;
  normals?: Float32Array;
  uvs?: Float32Array;
}

function fromManifold(wasm: ManifoldToplevel, make: (w: ManifoldToplevel) => InstanceType<ManifoldToplevel['Manifold']>): RawMesh {
  const solid = make(wasm);
  try {
    const mesh = solid.getMesh();
    const positions = new Float32Array((mesh.vertProperties.length / mesh.numProp) * 3);
    for (let v = 0; v < positions.length / 3; v++)
      for (let k = 0; k < 3; k++) positions[v * 3 + k] = mesh.vertProperties[v * mesh.numProp + k];
    return { positions, indices: Uint32Array.from(mesh.triVerts) };
  } finally {
    solid.delete();
  }
}

function concat(a: RawMesh, b: RawMesh): RawMesh {
  const positions = new Float32Array(a.positions.length + b.positions.length);
  positions.set(a.positions);
  positions.set(b.positions, a.positions.length);
  const offset = a.positions.length / 3;
  const indices = new Uint32Array(a.indices.length + b.indices.length);
  indices.set(a.indices);
  for (let i = 0; i < b.indices.length; i++) indices[a.indices.length + i] = b.indices[i] + offset;
  return { positions, indices };
}

/** UV sphere with a duplicated seam column (s = 0 and s = segments share positions, not indices). */
function seamSphere(radius: number, segments: number, rings: number): RawMesh {
  const positions: number[] = [];
  const normals: number[] = [];
  const uvs: number[] = [];
  for (let r = 0; r <= rings; r++) {
    const theta = (Math.PI * r) / rings;
    for (let s = 0; s <= segments; s++) {
      const phi = (2 * Math.PI * (s % segments)) / segments;
      const n = [Math.sin(theta) * Math.cos(phi), Math.cos(theta), Math.sin(theta) * Math.sin(phi)];
      positions.push(n[0] * radius, n[1] * radius, n[2] * radius);
      normals.push(...n);
      uvs.push(s / segments, r / rings);
    }
  }
  const at = (r: number, s: number) => r * (segments + 1) + s;
  const indices: number[] = [];
  for (let r = 0; r < rings; r++) {
    for (let s = 0; s < segments; s++) {
      // Wound outward for a Y-up sphere with phi running from +x towards +z.
      if (r > 0) indices.push(at(r, s), at(r, s + 1), at(r + 1, s));
      if (r < rings - 1) indices.push(at(r, s + 1), at(r + 1, s + 1), at(r + 1, s));
    }
  }
  return {
    positions: Float32Array.from(positions),
    indices: Uint32Array.from(indices),
    normals: Float32Array.from(normals),
    uvs: Float32Array.from(uvs),
  };
}

async function writeGlb(mesh: RawMesh, texture?: Uint8Array): Promise<Uint8Array> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'fake-ai-provider';
  const buffer = doc.createBuffer();
  const prim = doc
    .createPrimitive()
    .setAttribute(
      'POSITION',
      doc
        .createAccessor()
        .setType('VEC3')
        .setArray(mesh.positions as Float32Array<ArrayBuffer>)
        .setBuffer(buffer),
    )
    .setIndices(
      doc
        .createAccessor()
        .setType('SCALAR')
        .setArray(mesh.indices as Uint32Array<ArrayBuffer>)
        .setBuffer(buffer),
    );
  if (mesh.normals)
    prim.setAttribute(
      'NORMAL',
      doc
        .createAccessor()
        .setType('VEC3')
        .setArray(mesh.normals as Float32Array<ArrayBuffer>)
        .setBuffer(buffer),
    );
  if (mesh.uvs)
    prim.setAttribute(
      'TEXCOORD_0',
      doc
        .createAccessor()
        .setType('VEC2')
        .setArray(mesh.uvs as Float32Array<ArrayBuffer>)
        .setBuffer(buffer),
    );
  const material = doc.createMaterial('generated');
  if (texture) material.setBaseColorTexture(doc.createTexture('base').setImage(texture).setMimeType('image/png'));
  prim.setMaterial(material);
  const node = doc.createNode('model').setMesh(doc.createMesh('model').addPrimitive(prim));
  doc.createScene('scene').addChild(node);
  return new NodeIO().writeBinary(doc);
}

const cache = new Map<AiGlbKind, Promise<Uint8Array>>();

export function aiGlb(kind: AiGlbKind): Promise<Uint8Array> {
  let glb = cache.get(kind);
  if (!glb) cache.set(kind, (glb = make(kind)));
  return glb;
}

async function make(kind: AiGlbKind): Promise<Uint8Array> {
  const wasm = await sharedManifold();
  switch (kind) {
    case 'holes': {
      // A lumpy blob ~0.9 units tall (taller than wide, so "height" and "longest side" differ).
      const blob = fromManifold(wasm, (w) => w.Manifold.sphere(0.3, 48).scale([1, 1.5, 1]));
      const faces = blob.indices.length / 3;
      // Single triangles far apart: each leaves a triangular hole (fill-holes closes each with one face).
      const drop = new Set([10, Math.floor(faces / 4), Math.floor(faces / 2), Math.floor((3 * faces) / 4)]);
      const indices: number[] = [];
      for (let f = 0; f < faces; f++) if (!drop.has(f)) indices.push(blob.indices[f * 3], blob.indices[f * 3 + 1], blob.indices[f * 3 + 2]);
      return writeGlb({ positions: blob.positions, indices: Uint32Array.from(indices) });
    }
    case 'double-shell': {
      const outer = fromManifold(wasm, (w) => w.Manifold.sphere(0.5, 48));
      const inner = fromManifold(wasm, (w) => w.Manifold.sphere(0.45, 40));
      return writeGlb(concat(outer, inner));
    }
    case 'unit-cube':
      return writeGlb(fromManifold(wasm, (w) => w.Manifold.cube([1, 1, 1], true).intersect(w.Manifold.sphere(0.8, 48))));
    case 'textured': {
      const png = new Uint8Array(
        await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 120, b: 40 } } })
          .png()
          .toBuffer(),
      );
      return writeGlb(seamSphere(0.5, 32, 16), png);
    }
  }
}
