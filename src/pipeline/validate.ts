/**
 * Stage "validate": every solid passes through manifold-3d before export. manifold-3d 3.5.4
 * throws NotManifold for open or inconsistently wound meshes, but may silently drop or split
 * faces around non-manifold edges; so we count edge uses ourselves first (each directed edge
 * once, its reverse once). When that passes and manifold-3d still removes triangles, they were
 * degenerate slivers (booleans leave some): the cleaned mesh is returned and exported instead.
 * After repair the count is not repeated: repair counted the same index array (edgeCheckedIndices).
 * At 1M triangles what remains is manifold-3d building the solid, ~1.5 s of CPU (November 2026);
 * it builds from a spatially ordered copy (spatial-order.ts), which cut that by about 40%.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { PipelineError } from './errors.ts';
import type { Mesh } from './mesh.ts';
import { faceOrderScatter, spatiallyOrdered } from './spatial-order.ts';

/** Below this the reordering costs about what it saves. */
const SPATIAL_ORDER_MIN_TRIANGLES = 20_000;
/**
 * Meshes whose faces are already in spatial order (a generated sphere, most CAD exports) gain
 * nothing and would pay for the copy: on a 1M-triangle repaired sphere, validate went from 2.1 to
 * 2.4 s and peak RSS up by 120 MB.
 */
const SCATTERED_FACE_ORDER = 0.02;

export interface SolidCheck {
  /** The mesh to export: the input (reordered in space when it was scattered), or manifold-3d's copy without degenerate slivers. */
  mesh: Mesh;
  manifold: boolean;
  volumeMm3: number;
  genus: number;
  triangles: number;
  vertices: number;
}

export interface ValidateOptions {
  /**
   * An index array whose edge uses were already counted clean (repairMesh's
   * edgeCheckedIndices). Edge uses depend on indices only, so when mesh.indices is this very
   * array the count is skipped (0.5 s of CPU at 1M triangles); any other array is counted.
   */
  edgeCheckedIndices?: Uint32Array;
}

export function validateSolid(mesh: Mesh, wasm: ManifoldToplevel, stage = 'validate', options: ValidateOptions = {}): SolidCheck {
  const triangles = mesh.indices.length / 3;
  if (triangles === 0) throw new PipelineError('not_manifold', `${stage}: the solid is empty`, stage);
  // manifold-3d builds faster from a spatially ordered copy (about 40% at 340k triangles), and the
  // edge count's hash lookups hit the cache more. The copy is also what is exported and rendered:
  // the same solid, with better locality for the preview's depth buffer and the GLB's compression.
  const scattered = triangles >= SPATIAL_ORDER_MIN_TRIANGLES && faceOrderScatter(mesh) > SCATTERED_FACE_ORDER;
  const ordered = scattered ? spatiallyOrdered(mesh) : mesh;
  if (options.edgeCheckedIndices !== mesh.indices) {
    const edges = countEdgeDefects(ordered);
    if (edges.open > 0 || edges.overused > 0) {
      throw new PipelineError('not_manifold', `${stage}: the solid is not watertight (${edges.open} open, ${edges.overused} non-manifold edges)`, stage, edges);
    }
  }
  const input = new wasm.Mesh({ numProp: 3, vertProperties: ordered.positions, triVerts: ordered.indices });
  let solid: InstanceType<ManifoldToplevel['Manifold']> | undefined;
  try {
    solid = new wasm.Manifold(input);
    const status = solid.status();
    if (status !== 'NoError') throw new PipelineError('not_manifold', `${stage}: manifold-3d rejected the solid (${status})`, stage);
    let out = ordered;
    if (solid.numTri() !== triangles) {
      const cleaned = solid.getMesh();
      out = { positions: Float32Array.from(cleaned.vertProperties), indices: Uint32Array.from(cleaned.triVerts) };
    }
    return {
      mesh: out,
      manifold: true,
      volumeMm3: solid.volume(),
      genus: solid.genus(),
      triangles: out.indices.length / 3,
      vertices: out.positions.length / 3,
    };
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new PipelineError('not_manifold', `${stage}: manifold-3d rejected the solid (${code})`, stage);
  } finally {
    solid?.delete();
  }
}

/**
 * Open edges (a directed edge whose reverse is missing) and over-used ones (a directed edge that
 * appears twice), with an open-addressing hash of directed edges in typed arrays: one pass to
 * insert, one to look up reverses. At 340k triangles this took 60 ms where sorting packed keys
 * took 2.5 s.
 */
export function countEdgeDefects(mesh: Mesh): { open: number; overused: number } {
  const t = mesh.indices;
  const edges = t.length;
  let capacity = 1;
  while (capacity < edges * 2) capacity <<= 1;
  const mask = capacity - 1;
  // slot -> directed edge number + 1 (0 = empty); edge e runs from t[e] to t[next(e)].
  const slots = new Int32Array(capacity);
  const from = (e: number) => t[e];
  const to = (e: number) => t[e % 3 === 2 ? e - 2 : e + 1];
  const hash = (a: number, b: number) => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;

  let overused = 0;
  for (let e = 0; e < edges; e++) {
    const a = from(e), b = to(e);
    let slot = hash(a, b);
    for (;;) {
      const held = slots[slot];
      if (held === 0) {
        slots[slot] = e + 1;
        break;
      }
      if (from(held - 1) === a && to(held - 1) === b) {
        overused++;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  let open = 0;
  for (let e = 0; e < edges; e++) {
    const a = to(e), b = from(e);
    let slot = hash(a, b);
    for (;;) {
      const held = slots[slot];
      if (held === 0) {
        open++;
        break;
      }
      if (from(held - 1) === a && to(held - 1) === b) break;
      slot = (slot + 1) & mask;
    }
  }
  return { open, overused };
}
