/**
 * GLB reader through glTF-Transform's WebIO: every TRIANGLES primitive of the scene, placed by
 * its node's world transform. Other primitive modes (points, lines, strips, fans) are skipped
 * with a note.
 *
 * Compressed primitives (KHR_draco_mesh_compression, EXT_meshopt_compression) are decoded by
 * glTF-Transform's extensions with decoders the host passes in (GlbDecoders).
 *
 * Units: glTF says metres. A GLB that our exporter wrote (asset.generator starts with
 * GLB_GENERATOR) stores millimetres under a 0.001 node scale, so we multiply back and report
 * 'millimeter'. Anything else is returned in its raw units as 'meter', because many
 * generators (AI models especially) write unit-less, normalised coordinates; the caller decides
 * the scale (the mesh pipeline: x1000, unless --units says otherwise, and its report says which).
 *
 * Axes: glTF is Y-up, so a foreign GLB is returned with upAxis 'y' and the mesh pipeline turns
 * it to Z-up. Our own GLB holds the print's Z-up millimetres as they are (the widget turns them
 * for three.js), so it carries no up axis.
 */
import { type Document, type ILogger, type Node, type Primitive, WebIO } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRDracoMeshCompression } from '@gltf-transform/extensions';
import { GLB_GENERATOR, GLB_NODE_SCALE } from '../export/glb.ts';
import { PipelineError } from '../errors.ts';
import { alignGlbChunks } from './glb-align.ts';
import { inspectGlb } from './glb-container.ts';
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';

/**
 * Decoders for compressed GLBs, created by the host (they need WASM set-up): the Draco decoder
 * module from draco3dgltf's createDecoderModule(), meshoptimizer's MeshoptDecoder (after
 * `await MeshoptDecoder.ready`). Without them such files are refused as unsupported.
 */
export interface GlbDecoders {
  draco?: unknown;
  meshopt?: unknown;
}

export interface ReadGlbOptions extends ImportLimits {
  decoders?: GlbDecoders;
}
export const READ_GLB_DEFAULTS: Readonly<ReadGlbOptions> = IMPORT_LIMITS_DEFAULTS;

const DRACO = 'KHR_draco_mesh_compression';
const MESHOPT = 'EXT_meshopt_compression';

const OP = 'readGlb';
const TRIANGLES = 4;

interface Placed {
  primitive: Primitive;
  matrix: readonly number[]; // column-major 4x4 world matrix
}

export async function readGlb(bytes: Uint8Array, options: Partial<ReadGlbOptions> = {}): Promise<ImportedMesh> {
  const limits = { ...READ_GLB_DEFAULTS, ...options };
  checkFileSize(bytes.length, limits, OP);
  const decodable = [...(limits.decoders?.draco ? [DRACO] : []), ...(limits.decoders?.meshopt ? [MESHOPT] : [])];
  const summary = inspectGlb(bytes, OP, limits.maxTriangles * 3, decodable);
  checkTriangleCount(summary.triangles, limits, OP);

  let document: Document;
  // glTF-Transform's default logger writes to the console (an unknown optional extension such as
  // manifold-3d's EXT_mesh_manifold is a warning there): its warnings become notes of the report.
  const notes: string[] = [];
  try {
    const io = new WebIO().setLogger(noteLogger(notes));
    if (decodable.length > 0) {
      io.registerExtensions([
        ...(limits.decoders?.draco ? [KHRDracoMeshCompression] : []),
        ...(limits.decoders?.meshopt ? [EXTMeshoptCompression] : []),
      ]);
      io.registerDependencies({
        ...(limits.decoders?.draco ? { 'draco3d.decoder': limits.decoders.draco } : {}),
        ...(limits.decoders?.meshopt ? { 'meshopt.decoder': limits.decoders.meshopt } : {}),
      });
    }
    document = await io.readBinary(alignGlbChunks(bytes));
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw corrupt(OP, `glTF-Transform could not read it: ${error instanceof Error ? error.message : String(error)}`);
  }

  try {
    const imported = extract(document, summary.generator, limits);
    imported.notes.unshift(...notes);
    return imported;
  } catch (error) {
    // glTF-Transform's getters trust the file (found by fuzzing); whatever slips past inspectGlb is corrupt input.
    if (error instanceof PipelineError) throw error;
    throw corrupt(OP, `the GLB's scene could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function extract(document: Document, generator: string, limits: ImportLimits): ImportedMesh {
  const root = document.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const nodes: Node[] = [];
  if (scene) scene.traverse((node) => nodes.push(node));
  else nodes.push(...root.listNodes());

  const notes: string[] = [];
  const placed: Placed[] = [];
  let skippedModes = 0;
  let vertices = 0;
  let triangles = 0;
  for (const node of nodes) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    for (const primitive of mesh.listPrimitives()) {
      const position = primitive.getAttribute('POSITION');
      if (primitive.getMode() !== TRIANGLES || !position) {
        skippedModes++;
        continue;
      }
      const indices = primitive.getIndices();
      vertices += position.getCount();
      triangles += Math.floor((indices ? indices.getCount() : position.getCount()) / 3);
      placed.push({ primitive, matrix: node.getWorldMatrix() });
    }
  }
  checkTriangleCount(triangles, limits, OP);
  if (skippedModes > 0) notes.push(`skipped ${skippedModes} primitives that are not indexed or plain TRIANGLES`);
  if (triangles === 0) throw empty(OP, 'the GLB has no triangles');

  const ours = generator.startsWith(GLB_GENERATOR);
  const unitScale = ours ? 1 / GLB_NODE_SCALE : 1;

  const positions = new Float32Array(vertices * 3);
  const out = new Uint32Array(triangles * 3);
  let vertexOffset = 0;
  let triangleOffset = 0;
  const element: number[] = [];
  for (const { primitive, matrix: m } of placed) {
    const position = primitive.getAttribute('POSITION')!;
    const count = position.getCount();
    for (let v = 0; v < count; v++) {
      position.getElement(v, element);
      const [x, y, z] = element;
      const o = (vertexOffset + v) * 3;
      positions[o] = (m[0] * x + m[4] * y + m[8] * z + m[12]) * unitScale;
      positions[o + 1] = (m[1] * x + m[5] * y + m[9] * z + m[13]) * unitScale;
      positions[o + 2] = (m[2] * x + m[6] * y + m[10] * z + m[14]) * unitScale;
    }
    const indices = primitive.getIndices()?.getArray();
    const primitiveTriangles = Math.floor((indices ? indices.length : count) / 3);
    // A mirroring node transform turns the surface inside out; swap two corners to keep CCW.
    const mirrored = determinant3(m) < 0;
    for (let t = 0; t < primitiveTriangles; t++) {
      const a = indices ? indices[t * 3] : t * 3;
      const b = indices ? indices[t * 3 + 1] : t * 3 + 1;
      const c = indices ? indices[t * 3 + 2] : t * 3 + 2;
      // Index accessors of a signed or float type can hold -1 or 2.5: only whole numbers in range pass
      // (a -1 would otherwise wrap to 4294967295 in the Uint32Array; found by fuzzing).
      if (!validIndex(a, count) || !validIndex(b, count) || !validIndex(c, count))
        throw corrupt(OP, "an index points outside the primitive's vertices");
      const o = (triangleOffset + t) * 3;
      out[o] = vertexOffset + a;
      out[o + 1] = vertexOffset + (mirrored ? c : b);
      out[o + 2] = vertexOffset + (mirrored ? b : c);
    }
    vertexOffset += count;
    triangleOffset += primitiveTriangles;
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) throw corrupt(OP, 'a vertex position is not finite');
  }
  return { mesh: { positions, indices: out }, unit: ours ? 'millimeter' : 'meter', notes, ...(ours ? {} : { upAxis: 'y' as const }) };
}

/** A glTF-Transform logger that keeps warnings and errors (deduplicated) as report notes and prints nothing. */
function noteLogger(notes: string[]): ILogger {
  const keep = (text: string) => {
    const note = `glTF reader: ${text}`;
    if (notes.length < 20 && !notes.includes(note)) notes.push(note);
  };
  return { debug: () => {}, info: () => {}, warn: keep, error: keep };
}

function determinant3(m: readonly number[]): number {
  return m[0] * (m[5] * m[10] - m[6] * m[9]) - m[4] * (m[1] * m[10] - m[2] * m[9]) + m[8] * (m[1] * m[6] - m[2] * m[5]);
}

function validIndex(i: number, count: number): boolean {
  return Number.isInteger(i) && i >= 0 && i < count;
}
