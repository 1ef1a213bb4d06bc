/**
 * Reads a GLB's container and JSON chunk ourselves BEFORE handing it to glTF-Transform, because
 * WebIO would fetch external URIs (no IO in the pipeline) and would allocate whatever accessor
 * counts claim. Here every accessor must fit in its buffer view, and the triangles the file
 * would produce are counted so the caller can check its limit first.
 */
import { PipelineError } from '../errors.ts';
import { corrupt } from './limits.ts';

const GLB_MAGIC = 0x46546c67; // "glTF"
const JSON_CHUNK = 0x4e4f534a; // "JSON"
const TRIANGLES = 4;
const COMPONENT_BYTES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const ELEMENT_SIZE: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

interface GltfJson {
  asset?: { generator?: string };
  extensionsRequired?: string[];
  buffers?: { uri?: string; byteLength?: number }[];
  bufferViews?: { buffer?: number; byteOffset?: number; byteLength?: number; byteStride?: number }[];
  accessors?: { bufferView?: number; byteOffset?: number; count?: number; componentType?: number; type?: string }[];
  images?: { uri?: string }[];
  meshes?: { primitives?: { mode?: number; indices?: number; attributes?: Record<string, number> }[] }[];
  nodes?: { mesh?: number }[];
}

export interface GlbSummary {
  generator: string;
  /** Triangles of TRIANGLES primitives, times the nodes that use each mesh. */
  triangles: number;
}

/** maxElements bounds accessors that have no buffer view: glTF-Transform fills those with zeros. */
export function inspectGlb(bytes: Uint8Array, operation: string, maxElements: number, decodable: readonly string[] = []): GlbSummary {
  if (bytes.length < 20) throw corrupt(operation, 'too short for a GLB');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== GLB_MAGIC) throw corrupt(operation, 'not a GLB (no glTF magic)');
  if (view.getUint32(4, true) !== 2) throw new PipelineError('unsupported_format', `${operation}: only glTF 2.0 GLB is supported`, 'import');
  const declaredLength = view.getUint32(8, true);
  const jsonLength = view.getUint32(12, true);
  if (declaredLength > bytes.length || 20 + jsonLength > bytes.length || view.getUint32(16, true) !== JSON_CHUNK) {
    throw corrupt(operation, 'the GLB is truncated or its chunks are malformed');
  }
  let json: GltfJson;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength))) as GltfJson;
  } catch {
    throw corrupt(operation, 'the GLB JSON chunk does not parse');
  }
  if (typeof json !== 'object' || json === null) throw corrupt(operation, 'the GLB JSON chunk is not an object');
  const unsupported = (json.extensionsRequired ?? []).filter((name) => !decodable.includes(name));
  if (unsupported.length > 0) {
    throw new PipelineError('unsupported_format', `${operation}: required extensions are not supported: ${unsupported.join(', ')}`, 'import');
  }
  const external = [...(json.buffers ?? []), ...(json.images ?? [])].some((r) => typeof r.uri === 'string' && !r.uri.startsWith('data:'));
  if (external) throw new PipelineError('unsupported_format', `${operation}: GLBs that reference external files are not supported`, 'import');
  checkAccessorsFit(json, operation, maxElements);
  return { generator: json.asset?.generator ?? '', triangles: countTriangles(json) };
}

function checkAccessorsFit(json: GltfJson, operation: string, maxElements: number): void {
  const views = json.bufferViews ?? [];
  for (const [i, accessor] of (json.accessors ?? []).entries()) {
    if (accessor.bufferView === undefined) continue; // all zeros or sparse-only: glTF-Transform sizes it from count
    const bufferView = views[accessor.bufferView];
    const componentBytes = COMPONENT_BYTES[accessor.componentType ?? 0];
    const elementSize = ELEMENT_SIZE[accessor.type ?? ''];
    const count = accessor.count ?? 0;
    if (!bufferView || !componentBytes || !elementSize || !Number.isInteger(count) || count < 0) {
      throw corrupt(operation, `accessor ${i} is malformed`);
    }
    const elementBytes = componentBytes * elementSize;
    const stride = bufferView.byteStride ?? elementBytes;
    const needed = (accessor.byteOffset ?? 0) + (count > 0 ? stride * (count - 1) + elementBytes : 0);
    if (needed > (bufferView.byteLength ?? 0)) throw corrupt(operation, `accessor ${i} claims more data than its buffer view holds`);
  }
  for (const accessor of json.accessors ?? []) {
    if (accessor.bufferView === undefined && (accessor.count ?? 0) > maxElements) {
      throw corrupt(operation, `an accessor without data claims ${accessor.count} elements`);
    }
  }
}

function countTriangles(json: GltfJson): number {
  const uses = new Array<number>(json.meshes?.length ?? 0).fill(0);
  for (const node of json.nodes ?? []) if (node.mesh !== undefined && node.mesh in uses) uses[node.mesh]++;
  let triangles = 0;
  for (const [m, mesh] of (json.meshes ?? []).entries()) {
    for (const primitive of mesh.primitives ?? []) {
      if ((primitive.mode ?? TRIANGLES) !== TRIANGLES) continue;
      const source = primitive.indices ?? primitive.attributes?.POSITION;
      const count = source === undefined ? 0 : json.accessors?.[source]?.count ?? 0;
      triangles += Math.floor(count / 3) * uses[m];
    }
  }
  return triangles;
}
