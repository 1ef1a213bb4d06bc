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
      throw new PipelineError(
        'not_manifold',
        `${stage}: the solid is not watertight (${edges.open} open, ${edges.overused} non-manifold edges)`,
        stage,
        edges,
      );
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
 * appears again), from each vertex's list of outgoing edges (a counting sort by start vertex):
 * an edge a->b is open when b's list holds no a; an entry repeated in a's list is over-used.
 * Lists are a few entries long, and on a spatially ordered mesh b's list lies near a's in
 * memory. Measured (five runs each, November 2026) against the open-addressing hash this
 * replaced, whose random reads went into an 8 MB table and back into the index array:
 *   340k-triangle lithophane, Z-ordered:            154-269 ms -> 60-83 ms
 *   the same with faces and vertices shuffled:      194-300 ms -> 85-169 ms
 *   1M-triangle sphere:                          1,030-1,078 ms -> 57-109 ms
 */
export function countEdgeDefects(mesh: Mesh): { open: number; overused: number } {
  const t = mesh.indices;
  const edges = t.length;
  let vertices = 0;
  for (let i = 0; i < edges; i++) if (t[i] >= vertices) vertices = t[i] + 1;
  // start[a]..start[a+1]: the ends of a's outgoing edges.
  const start = new Uint32Array(vertices + 1);
  for (let e = 0; e < edges; e++) start[t[e] + 1]++;
  for (let v = 0; v < vertices; v++) start[v + 1] += start[v];
  const fill = start.slice(0, vertices);
  const ends = new Uint32Array(edges);
  for (let e = 0; e < edges; e++) ends[fill[t[e]]++] = t[e % 3 === 2 ? e - 2 : e + 1];

  // A hub (a cone's apex, a fan of a million faces) would make scanning quadratic: long lists are
  // sorted, so repeats are neighbours and a reverse is found by binary search.
  for (let v = 0; v < vertices; v++) if (start[v + 1] - start[v] > SHORT_LIST) ends.subarray(start[v], start[v + 1]).sort();
  const holds = (v: number, target: number): boolean => {
    let lo = start[v],
      hi = start[v + 1];
    if (hi - lo <= SHORT_LIST) {
      for (; lo < hi; lo++) if (ends[lo] === target) return true;
      return false;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo < start[v + 1] && ends[lo] === target;
  };

  let open = 0,
    overused = 0;
  for (let a = 0; a < vertices; a++) {
    const from = start[a],
      to = start[a + 1];
    const sorted = to - from > SHORT_LIST;
    for (let i = from; i < to; i++) {
      const b = ends[i];
      if (sorted) {
        if (i > from && ends[i - 1] === b) overused++;
      } else {
        for (let j = from; j < i; j++) {
          if (ends[j] === b) {
            overused++;
            break;
          }
        }
      }
      if (!holds(b, a)) open++;
    }
  }
  return { open, overused };
}

/** Outgoing-edge lists up to this long are scanned; longer ones are sorted and searched. */
const SHORT_LIST = 16;
