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
export const MAX_GLB_NODES = 20_000;
const COMPONENT_BYTES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const ELEMENT_SIZE: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

interface GltfJson {
  scenes?: { nodes?: number[] }[];
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
  if (view.getUint32(4, true) !== 2)
    throw new PipelineError('unsupported_format', `${operation}: only glTF 2.0 GLB is supported`, 'import');
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
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw corrupt(operation, 'the GLB JSON chunk is not an object');
  checkShapes(json, operation);
  // glTF-Transform spends ~20 us per node (a 3 MB GLB of 100k nodes instancing one mesh took 2 s
  // to read), and the triangle cap alone lets a small file ask for that; real models have far fewer.
  const nodes = json.nodes?.length ?? 0;
  if (nodes > MAX_GLB_NODES) {
    throw new PipelineError('file_too_large', `${operation}: the GLB has ${nodes} nodes, the limit is ${MAX_GLB_NODES}`, 'import', {
      nodes,
      maxNodes: MAX_GLB_NODES,
    });
  }
  const unsupported = (json.extensionsRequired ?? []).filter((name) => !decodable.includes(name));
  if (unsupported.length > 0) {
    throw new PipelineError(
      'unsupported_format',
      `${operation}: required extensions are not supported: ${unsupported.join(', ')}`,
      'import',
    );
  }
  const external = [...(json.buffers ?? []), ...(json.images ?? [])].some((r) => typeof r.uri === 'string' && !r.uri.startsWith('data:'));
  if (external)
    throw new PipelineError('unsupported_format', `${operation}: GLBs that reference external files are not supported`, 'import');
  checkAccessorsFit(json, operation, maxElements);
  return { generator: typeof json.asset?.generator === 'string' ? json.asset.generator : '', triangles: countTriangles(json) };
}

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The members this file and the reader rely on must have their JSON types (found by fuzzing:
 * `"accessors": {}` or `"extensionsRequired": "x"` were TypeErrors, not mesh_corrupt).
 */
function checkShapes(json: GltfJson, operation: string): void {
  const bad = (what: string) => corrupt(operation, `the GLB JSON is malformed (${what})`);
  for (const key of ['buffers', 'bufferViews', 'accessors', 'images', 'meshes', 'nodes', 'scenes'] as const) {
    const list = (json as Record<string, unknown>)[key];
    if (list !== undefined && (!Array.isArray(list) || !list.every(isRecord))) throw bad(`${key} is not a list of objects`);
  }
  const required = json.extensionsRequired as unknown;
  if (required !== undefined && (!Array.isArray(required) || !required.every((e) => typeof e === 'string')))
    throw bad('extensionsRequired is not a list of names');
  if (json.asset !== undefined && !isRecord(json.asset)) throw bad('asset is not an object');
  for (const [m, mesh] of (json.meshes ?? []).entries()) {
    const primitives = mesh.primitives as unknown;
    if (primitives !== undefined && (!Array.isArray(primitives) || !primitives.every(isRecord))) throw bad(`mesh ${m} primitives`);
    for (const primitive of mesh.primitives ?? []) {
      if (primitive.attributes !== undefined && !isRecord(primitive.attributes)) throw bad(`mesh ${m} attributes`);
      const refs = [primitive.indices, ...Object.values(primitive.attributes ?? {})];
      if (refs.some((r) => r !== undefined && !(isIndex(r) && r < (json.accessors?.length ?? 0))))
        throw bad(`mesh ${m} refers to a missing accessor`);
      if (primitive.mode !== undefined && !isIndex(primitive.mode)) throw bad(`mesh ${m} mode`);
    }
  }
  const roots = checkNodes(json.nodes ?? [], json.meshes?.length ?? 0, bad);
  // A scene lists root nodes, each once: a 480 KB file listing one big subtree 200,000 times hung
  // the reader (glTF-Transform adds, and we traverse, every entry).
  let listed = 0;
  for (const [s, scene] of (json.scenes ?? []).entries()) {
    const list = (scene as { nodes?: unknown }).nodes;
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw bad(`scene ${s} nodes`);
    listed += list.length;
    if (listed > MAX_GLB_NODES)
      throw new PipelineError('file_too_large', `${operation}: the GLB's scenes list more than ${MAX_GLB_NODES} nodes`, 'import', {
        maxNodes: MAX_GLB_NODES,
      });
    const seen = new Set<number>();
    for (const n of list) {
      if (!(isIndex(n) && n < roots.length && roots[n]) || seen.has(n))
        throw bad(`scene ${s} lists a node that is missing, repeated or not a root`);
      seen.add(n);
    }
  }
}

const TRS_LENGTHS = { matrix: 16, translation: 3, rotation: 4, scale: 3 } as const;

/** Node transforms of finite numbers, and children forming trees: glTF-Transform trusts both (a null scale was a TypeError; a cycle would loop). */
function checkNodes(nodes: NonNullable<GltfJson['nodes']>, meshes: number, bad: (what: string) => PipelineError): boolean[] {
  const parent = new Int32Array(nodes.length).fill(-1);
  for (const [n, node] of nodes.entries()) {
    if (node.mesh !== undefined && !(isIndex(node.mesh) && node.mesh < meshes)) throw bad(`node ${n} refers to a missing mesh`);
    for (const [key, length] of Object.entries(TRS_LENGTHS)) {
      const value = (node as Record<string, unknown>)[key];
      if (
        value !== undefined &&
        !(Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v)))
      )
        throw bad(`node ${n} ${key}`);
    }
    const children = (node as { children?: unknown }).children;
    if (children === undefined) continue;
    if (!Array.isArray(children)) throw bad(`node ${n} children`);
    for (const child of children) {
      if (!(isIndex(child) && child < nodes.length) || child === n || parent[child] !== -1)
        throw bad(`node ${n} has a child that is missing or has another parent`);
      parent[child] = n;
    }
  }
  // One parent each, so a cycle is a parent chain that comes back: walk each chain once.
  const state = new Uint8Array(nodes.length); // 0 unseen, 1 on the current chain, 2 known to reach a root
  for (let start = 0; start < nodes.length; start++) {
    const chain: number[] = [];
    let at = start;
    while (at !== -1 && state[at] === 0) {
      state[at] = 1;
      chain.push(at);
      at = parent[at];
    }
    if (at !== -1 && state[at] === 1) throw bad(`node ${at} is its own ancestor`);
    for (const n of chain) state[n] = 2;
  }
  return Array.from(parent, (p) => p === -1);
}

function checkAccessorsFit(json: GltfJson, operation: string, maxElements: number): void {
  const views = json.bufferViews ?? [];
  const viewFits = (index: unknown, offset: unknown, bytes: number, what: string) => {
    const view = isIndex(index) ? views[index] : undefined;
    if (!view || !isIndex(view.byteLength) || (view.byteOffset !== undefined && !isIndex(view.byteOffset)))
      throw corrupt(operation, `${what} has a malformed buffer view`);
    if (offset !== undefined && !isIndex(offset)) throw corrupt(operation, `${what} has a malformed byteOffset`);
    if (((offset as number | undefined) ?? 0) + bytes > view.byteLength)
      throw corrupt(operation, `${what} claims more data than its buffer view holds`);
    return view;
  };
  // Accessors without a buffer view are zero-filled by glTF-Transform from their count alone.
  let zeroFilledComponents = 0;
  for (const [i, accessor] of (json.accessors ?? []).entries()) {
    const componentBytes = COMPONENT_BYTES[accessor.componentType ?? 0];
    const elementSize = ELEMENT_SIZE[accessor.type ?? ''];
    const count = accessor.count;
    if (!componentBytes || !elementSize || !isIndex(count)) throw corrupt(operation, `accessor ${i} is malformed`);
    const elementBytes = componentBytes * elementSize;
    if (accessor.bufferView === undefined) {
      zeroFilledComponents += count * elementSize;
    } else {
      const stride = views[accessor.bufferView as number]?.byteStride;
      if (stride !== undefined && !(isIndex(stride) && stride >= elementBytes))
        throw corrupt(operation, `accessor ${i} has a malformed byteStride`);
      viewFits(
        accessor.bufferView,
        accessor.byteOffset,
        count > 0 ? (stride ?? elementBytes) * (count - 1) + elementBytes : 0,
        `accessor ${i}`,
      );
    }
    // Sparse substitutions: glTF-Transform loops over sparse.count and reads both arrays (a
    // count of 1e308 was a hang), so the count and both arrays must fit.
    const sparse = (accessor as { sparse?: unknown }).sparse;
    if (sparse !== undefined) {
      if (!isRecord(sparse) || !isIndex(sparse.count) || sparse.count > count || !isRecord(sparse.indices) || !isRecord(sparse.values)) {
        throw corrupt(operation, `accessor ${i} has malformed sparse data`);
      }
      const indexBytes = COMPONENT_BYTES[sparse.indices.componentType as number];
      if (!indexBytes || sparse.indices.componentType === 5120 || sparse.indices.componentType === 5122)
        throw corrupt(operation, `accessor ${i} has malformed sparse indices`);
      viewFits(sparse.indices.bufferView, sparse.indices.byteOffset, sparse.count * indexBytes, `accessor ${i} sparse indices`);
      viewFits(sparse.values.bufferView, sparse.values.byteOffset, sparse.count * elementBytes, `accessor ${i} sparse values`);
    }
  }
  if (zeroFilledComponents > 3 * maxElements) {
    throw corrupt(operation, `accessors without data claim ${zeroFilledComponents} values`, { maxValues: 3 * maxElements });
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
      const count = source === undefined ? 0 : (json.accessors?.[source]?.count ?? 0);
      triangles += Math.floor(count / 3) * uses[m];
    }
  }
  return triangles;
}
