/**
 * GLB through glTF-Transform's WebIO (no fs, so it also runs on Workers).
 *
 * Notes:
 * - Units: glTF is metres, our mesh is millimetres. Vertices stay in mm (exact float32, the same
 *   numbers as the STL) and the single node carries scale 0.001, so viewers show the real size.
 *   asset.generator starts with GLB_GENERATOR; readGlb sees it and multiplies back to mm.
 * - Normals: none. The glTF spec says a primitive without NORMAL MUST be shaded with flat
 *   normals, which is exactly the faceted look of a print, and three.js does it (flatShading).
 *   Writing per-face normals ourselves would mean splitting every vertex (3x the positions,
 *   ~2.3x the file); smooth per-vertex normals would hide the facets a slicer will print.
 * - Indices: UINT16 while every index fits below 65535 (glTF forbids the maximum value of the
 *   type, it is the restart marker), UINT32 beyond.
 */
import { Accessor, Document, Primitive, WebIO } from '@gltf-transform/core';
import type { Mesh } from '../mesh.ts';
import { assertExportableMesh } from './check-mesh.ts';

export interface GlbOptions {
  /** Name of the node and mesh (shown in viewers' scene trees). */
  name: string;
  /** Linear RGBA base colour of the default material. */
  baseColor: [number, number, number, number];
}

export const GLB_DEFAULTS: Readonly<GlbOptions> = {
  name: 'model',
  baseColor: [0.8, 0.8, 0.8, 1],
};

/** Prefix of asset.generator; readGlb undoes the millimetre scale only when it sees it. */
export const GLB_GENERATOR = 'image-to-stl';
export const GLB_NODE_SCALE = 0.001;

export async function writeGlb(mesh: Mesh, options: Partial<GlbOptions> = {}): Promise<Uint8Array> {
  assertExportableMesh(mesh, 'writeGlb');
  return new WebIO().writeBinary(glbDocument(mesh, options));
}

/** The glTF document writeGlb writes (writeMeshoptGlb compresses the same document). */
export function glbDocument(mesh: Mesh, options: Partial<GlbOptions> = {}): Document {
  const { name, baseColor } = { ...GLB_DEFAULTS, ...options };

  const doc = new Document();
  doc.getRoot().getAsset().generator = `${GLB_GENERATOR} (vertices in mm, node scale ${GLB_NODE_SCALE})`;
  const buffer = doc.createBuffer();
  const position = doc
    .createAccessor('POSITION')
    .setType(Accessor.Type.VEC3)
    .setArray(mesh.positions as Float32Array<ArrayBuffer>) // never shared memory
    .setBuffer(buffer);
  const indices = doc
    .createAccessor('indices')
    .setType(Accessor.Type.SCALAR)
    .setArray(compactIndices(mesh) as Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer>)
    .setBuffer(buffer);
  const material = doc.createMaterial('default').setBaseColorFactor(baseColor).setMetallicFactor(0).setRoughnessFactor(0.8);
  const primitive = doc
    .createPrimitive()
    .setMode(Primitive.Mode.TRIANGLES)
    .setAttribute('POSITION', position)
    .setIndices(indices)
    .setMaterial(material);
  const gltfMesh = doc.createMesh(name).addPrimitive(primitive);
  const node = doc.createNode(name).setMesh(gltfMesh).setScale([GLB_NODE_SCALE, GLB_NODE_SCALE, GLB_NODE_SCALE]);
  doc.createScene('scene').addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]);
  return doc;
}

function compactIndices(mesh: Mesh): Uint16Array | Uint32Array {
  const vertices = mesh.positions.length / 3;
  return vertices < 0xffff ? Uint16Array.from(mesh.indices) : mesh.indices;
}
