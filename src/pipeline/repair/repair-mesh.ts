/**
 * Stage "repair": turns an imported mesh into a closed, consistently outward solid, one small
 * step per file, in the order each step's input assumptions need:
 *   exact weld -> boundary tolerance weld -> drop degenerate/duplicate faces -> split
 *   non-manifold edges -> consistent winding -> fill holes -> drop fins -> outward by nesting
 *   -> drop small parts -> (fill inner shells) -> final edge count -> union overlapping shells -> count self-intersections
 *   -> if any are left: keep them when the surface only touches itself (analyze/crossing-depth.ts), else
 *   rebuild a box around them as a level set of the winding number (local-remesh.ts), else the whole solid.
 * A mesh that needs nothing passes through with its triangles unchanged (only welded).
 * Failures are PipelineError('repair_failed') with the reason a user can act on.
 *
 * Cost (bench/repair.bench.ts, a 1M-triangle sphere soup with 20 holes, November 2026): the edge
 * topology used to be rebuilt by 7 steps and our directed edge count ran here and again in
 * validation, 4.2 s of CPU for repair (2.7 s more for validation). Now one topology is built (or
 * taken from the measure stage), updated for flips and appended fill faces, and rebuilt only
 * after a step that removed faces or renumbered vertices; the final count reads it and validateSolid skips its own count for the
 * index array repair checked (edgeCheckedIndices). Steps with nothing to do are skipped: no open
 * edge, no hole filling; added faces that repeat nothing, no second degenerate pass. Result:
 * 1.4-1.8 s of CPU for repair and 1.6-1.8 s for validation (nearly all manifold-3d building the
 * solid), 580-630 MB peak; the weld-boundary merge in that case renumbers vertices, which costs
 * the one rebuild left (0.3 s). Counting self-intersections on the output adds ~2.3 s at 1M
 * triangles (a BVH and its self-overlap traversal, analyze/self-intersections.ts); the level-set
 * rebuild, when it runs, 2-6 s whatever the input size (~2-4M field samples at 120 lattice cells).
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { measureCrossingDepth } from '../analyze/crossing-depth.ts';
import {
  countSelfIntersections,
  listSelfIntersections,
  SELF_INTERSECTION_DEFAULTS,
  type SelfIntersectionOptions,
  type SelfIntersections,
} from '../analyze/self-intersections.ts';
import { PipelineError } from '../errors.ts';
import type { Mesh } from '../mesh.ts';
import { boundingBox, boxSize } from '../mesh.ts';
import { appendFaces, buildEdgeTopology, directedEdgeDefects, edgeUses, flipFacesInTopology, type EdgeTopology } from './edge-topology.ts';
import { dropSmallParts, DROP_SMALL_PARTS_DEFAULTS, keepShells, type DropSmallPartsOptions } from './drop-small-parts.ts';
import { fillHoles, FILL_HOLES_DEFAULTS, type FillHolesOptions } from './fill-holes.ts';
import { levelSetRemesh, LEVEL_SET_REMESH_DEFAULTS, type LevelSetRemeshOptions } from './level-set-remesh.ts';
import { localRemesh } from './local-remesh.ts';
import { orientConsistently } from './orient-consistent.ts';
import { orientOutward } from './orient-outward.ts';
import { removeDegenerateFaces } from './remove-degenerate.ts';
import { splitNonManifold } from './split-non-manifold.ts';
import { unionShells } from './union-shells.ts';
import { weldBoundary, WELD_BOUNDARY_DEFAULTS, type WeldBoundaryOptions } from './weld-boundary.ts';
import { weldExact, type WeldResult } from './weld-exact.ts';

export interface RepairOptions extends WeldBoundaryOptions, FillHolesOptions, DropSmallPartsOptions {
  fillHoles: boolean;
  /** Faces with all three edges open above this fraction: a triangle soup, refused. */
  maxIsolatedFaceFraction: number;
  /** Rebuild a surface that still crosses itself after the union as a level set (else report the crossings and keep it). */
  resolveSelfIntersections: boolean;
  /** Stop counting crossing face pairs here (the count then means "at least"). */
  maxSelfIntersections: SelfIntersectionOptions['maxPairs'];
  /** Options of the level-set rebuild. */
  levelSet: Partial<LevelSetRemeshOptions>;
  /**
   * Crossings whose ambiguous region (winding not 0 or 1) reaches no deeper than this are only the
   * surface touching itself: the triangles are kept (analyze/crossing-depth.ts). In the input's
   * units; undefined: 1/10,000 of the longest side (the mesh pipeline passes 0.05 mm).
   */
  harmlessCrossingDepth?: number;
  /**
   * Remove closed shells enclosed by another shell and wound inward (sealed voids), so the part
   * prints solid: image-to-3D models serve thin hollow shells whose inner wall, once the outer is
   * closed, would make a hollow ball. Off: such voids are kept as cavities.
   */
  fillInnerShells: boolean;
}

export const REPAIR_DEFAULTS: Readonly<RepairOptions> = {
  ...WELD_BOUNDARY_DEFAULTS,
  ...FILL_HOLES_DEFAULTS,
  ...DROP_SMALL_PARTS_DEFAULTS,
  fillHoles: true,
  maxIsolatedFaceFraction: 0.5,
  resolveSelfIntersections: true,
  maxSelfIntersections: SELF_INTERSECTION_DEFAULTS.maxPairs,
  levelSet: LEVEL_SET_REMESH_DEFAULTS,
  fillInnerShells: false,
};

export interface RepairLog {
  verticesWelded: number;
  verticesWeldedByTolerance: number;
  degenerateFacesRemoved: number;
  duplicateFacesRemoved: number;
  nonManifoldEdgesSplit: number;
  flippedFacesFixed: number;
  holesFilled: number;
  trianglesAddedByFilling: number;
  shellsInverted: number;
  cavitiesKept: number;
  /** Sealed inner voids removed (fillInnerShells), so the part prints solid. */
  innerShellsFilled: number;
  smallPartsRemoved: number;
  shellsUnioned: number;
  /** Pairs of faces crossing each other after the union (at least this many when selfIntersectionsCapped). */
  selfIntersectionsFound: number;
  /** The count stopped at maxSelfIntersections. */
  selfIntersectionsCapped: boolean;
  /** Crossing pairs fixed: all of them when the level-set rebuild left none, else 0. */
  selfIntersectionsResolved: number;
  /** Crossing pairs in the output (0 unless the rebuild was turned off, or left some; harmless ones included). */
  selfIntersectionsRemaining: number;
  /** Crossing pairs kept because the surface only touches itself there (no region deeper than harmlessCrossingDepth). */
  selfIntersectionsHarmless: number;
  /** Where the crossings are: the box around their segments (the input's coordinates; the report's are mm, as `before`). */
  selfIntersectionRegion?: { min: number[]; max: number[] };
  /** The solid was rebuilt as a level set of its winding number (triangles all new; sharp edges slightly bevelled). */
  remeshedByLevelSet: boolean;
  /** Lattice spacing of that rebuild: in the input's units from repairMesh, in the placed model's mm in the report. */
  levelSetEdgeMm?: number;
  /** 'local': only levelSetRegion was rebuilt, the rest keeps its triangles; 'whole': the whole solid. */
  levelSetScope?: 'local' | 'whole';
  /** The box rebuilt locally (the input's coordinates; the report's are mm, as `before`). */
  levelSetRegion?: { min: number[]; max: number[] };
}

const STAGE = 'repair';

export interface RepairResult {
  mesh: Mesh;
  log: RepairLog;
  /**
   * The index array repair's last edge count found closed (no open, no over-used edge): the
   * output's own, or undefined when the shell union replaced the mesh after that count. Edge uses
   * depend on indices only, so validateSolid skips its own count for exactly this array.
   */
  edgeCheckedIndices?: Uint32Array;
}

/** What the measure stage already computed for the same input (exact weld and its edges), so repair need not redo it. */
export interface WeldedInput {
  welded: WeldResult;
  /** The edge topology of welded.mesh.indices. */
  topology?: EdgeTopology;
  /** Crossings counted on welded.mesh, so repair can skip its own count when it moved nothing. */
  selfIntersections?: SelfIntersections;
}

export function repairMesh(
  input: Mesh,
  wasm: ManifoldToplevel,
  options: Partial<RepairOptions> = {},
  prepared?: WeldedInput,
): RepairResult {
  const o = { ...REPAIR_DEFAULTS, ...options };
  const log: RepairLog = {
    verticesWelded: 0,
    verticesWeldedByTolerance: 0,
    degenerateFacesRemoved: 0,
    duplicateFacesRemoved: 0,
    nonManifoldEdgesSplit: 0,
    flippedFacesFixed: 0,
    holesFilled: 0,
    trianglesAddedByFilling: 0,
    shellsInverted: 0,
    cavitiesKept: 0,
    innerShellsFilled: 0,
    smallPartsRemoved: 0,
    shellsUnioned: 0,
    selfIntersectionsFound: 0,
    selfIntersectionsCapped: false,
    selfIntersectionsResolved: 0,
    selfIntersectionsRemaining: 0,
    selfIntersectionsHarmless: 0,
    remeshedByLevelSet: false,
  };
  const exact = prepared?.welded ?? weldExact(input);
  log.verticesWelded = exact.merged;
  let mesh = exact.mesh;

  // One edge topology, rebuilt only when a step changed the faces (every step that does returns a
  // new index array, and none writes into its input's): flips and appended faces update it.
  let topology: EdgeTopology | undefined;
  let topologyOf: Uint32Array | undefined;
  const edgesOf = (m: Mesh): EdgeTopology => {
    if (topologyOf !== m.indices || !topology) {
      topology = buildEdgeTopology(m.indices);
      topologyOf = m.indices;
    }
    return topology;
  };
  if (prepared?.topology) {
    topology = prepared.topology;
    topologyOf = exact.mesh.indices;
  }

  // weldBoundary finds open edges itself and returns at once when there are none.
  const near = weldBoundary(mesh, o, edgesOf(mesh));
  log.verticesWeldedByTolerance = near.merged;
  mesh = near.mesh;
  const cleaned = removeDegenerateFaces(mesh);
  log.degenerateFacesRemoved = cleaned.degenerate;
  log.duplicateFacesRemoved = cleaned.duplicate + cleaned.backToBack;
  mesh = cleaned.mesh;
  if (mesh.indices.length === 0) throw failed('every face is degenerate (zero area after welding); nothing encloses a volume');
  refuseSoup(mesh, o.maxIsolatedFaceFraction, edgesOf(mesh));

  const split = splitNonManifold(mesh, edgesOf(mesh));
  log.nonManifoldEdgesSplit = split.nonManifoldEdges;
  mesh = split.mesh;

  // The two orientation steps return a new index array with some faces flipped (or the same
  // mesh): the topology is flipped along instead of rebuilt.
  const adoptFlips = <R extends { mesh: Mesh; flip: Uint8Array }>(before: EdgeTopology, result: R): R => {
    if (result.mesh !== mesh) {
      flipFacesInTopology(before, result.flip);
      topologyOf = result.mesh.indices;
    }
    mesh = result.mesh;
    return result;
  };

  const unoriented = edgesOf(mesh);
  log.flippedFacesFixed = adoptFlips(unoriented, orientConsistently(mesh, unoriented)).flippedFaces;

  // Vertices on a hole before filling mark the shells that repair had to close.
  const { flags: boundary, openHalves } = boundaryVertices(mesh, edgesOf(mesh));
  if (o.fillHoles && openHalves > 0) {
    const unfilled = edgesOf(mesh);
    const filled = fillHoles(mesh, o, unfilled);
    log.holesFilled = filled.holesFilled;
    log.trianglesAddedByFilling = filled.trianglesAdded;
    if (filled.mesh.indices !== mesh.indices) {
      topology = appendFaces(unfilled, filled.mesh.indices);
      topologyOf = filled.mesh.indices;
    }
    const firstAdded = mesh.indices.length / 3;
    mesh = filled.mesh;
    // A lone triangle closed by its own hole becomes a back-to-back pair: drop those fins. Only
    // added faces can be degenerate or repeat a triple (the rest were cleaned above), so the
    // whole-mesh pass runs only when one of them does.
    if (!addedFacesClean(mesh.indices, edgesOf(mesh), firstAdded)) {
      const fins = removeDegenerateFaces(mesh);
      mesh = fins.mesh;
    }
    if (mesh.indices.length === 0) throw failed('the file holds only unconnected faces (a triangle soup); nothing encloses a volume');
  }

  const inward = edgesOf(mesh);
  const outward = adoptFlips(inward, orientOutward(mesh, inward));
  log.shellsInverted = outward.invertedShells;

  const touchedHole = (shell: { faces: Uint32Array }) => {
    for (const f of shell.faces) for (let k = 0; k < 3; k++) if (boundary[mesh.indices[f * 3 + k]]) return true;
    return false;
  };
  let kept = dropSmallParts(mesh, outward.shells, outward.roles, touchedHole, o);
  log.smallPartsRemoved = kept.droppedShells;
  mesh = kept.mesh;
  if (o.fillInnerShells && kept.roles.includes('cavity')) {
    // Solids that sat in a void are inside the part now: the union step absorbs them.
    const solid = keepShells(mesh, kept.shells, kept.roles, (s) => kept.roles[s] !== 'cavity');
    log.innerShellsFilled = kept.roles.length - solid.roles.length;
    kept = { ...kept, ...solid };
    mesh = solid.mesh;
  }
  log.cavitiesKept = kept.roles.filter((r) => r === 'cavity').length;
  if (mesh.indices.length === 0 || kept.shells.every((s) => Math.abs(s.volume) === 0)) {
    throw failed('no part of the mesh encloses a volume (flat or open surfaces only)');
  }

  // countEdgeDefects' numbers, read off the topology repair already has.
  const edges = directedEdgeDefects(edgesOf(mesh), mesh.indices);
  if (edges.open > 0 || edges.overused > 0) {
    throw failed(
      `after repair ${edges.open} edges are still open and ${edges.overused} are used twice the same way; the surface is tangled (e.g. a Möbius-like or self-overlapping sheet)`,
      edges,
    );
  }
  const checked = mesh.indices;
  // Release the topology before manifold-3d may need its heap.
  topology = undefined;
  topologyOf = undefined;
  const union = unionShells(mesh, kept.shells, kept.roles, wasm);
  log.shellsUnioned = union.shellsUnioned;
  mesh = union.mesh;

  // What the union cannot fix: a shell folded through itself, or a cavity poking out through the
  // wall around it (the union runs only for overlapping solid shells). The winding-number level
  // set rebuilds the solid as the union of everything the surface encloses.
  // Dropping or flipping faces cannot make two faces cross, so an input the measure stage found
  // clean needs no second count (2-3.5 s at 1M triangles) unless repair moved vertices or added faces.
  const unmoved = log.verticesWeldedByTolerance === 0 && log.trianglesAddedByFilling === 0 && log.shellsUnioned === 0;
  const known = prepared?.selfIntersections;
  const crossing =
    unmoved && known && known.pairs === 0 && !known.capped ? known : countSelfIntersections(mesh, { maxPairs: o.maxSelfIntersections });
  log.selfIntersectionsFound = crossing.pairs;
  log.selfIntersectionsCapped = crossing.capped;
  log.selfIntersectionsRemaining = crossing.pairs;
  /** How deep the crossings' ambiguous regions reach, when they were measured and are not harmless. */
  let reach: number | undefined;
  if (crossing.pairs > 0 && o.resolveSelfIntersections && !crossing.capped) {
    // Touching is not crossing: when no crossing makes a region deeper than the threshold, the
    // triangles stay (a whole-model rebuild would bevel every edge for nothing).
    const { crossings } = listSelfIntersections(mesh, { maxPairs: o.maxSelfIntersections });
    const threshold = o.harmlessCrossingDepth ?? longestSide(mesh) * 1e-4;
    const found = measureCrossingDepth(mesh, crossings, threshold / 4);
    log.selfIntersectionRegion = { min: found.min, max: found.max };
    if (found.depth <= threshold) log.selfIntersectionsHarmless = crossing.pairs;
    else reach = found.depth;
  }
  if (crossing.pairs > 0 && o.resolveSelfIntersections && log.selfIntersectionsHarmless === 0) {
    // First where it crosses only (a box around the crossings, the rest keeps its triangles), then,
    // if that cannot be done or leaves crossings, the whole solid.
    const local =
      log.selfIntersectionRegion && reach !== undefined
        ? localRemesh(mesh, wasm, log.selfIntersectionRegion, reach, { ...LEVEL_SET_REMESH_DEFAULTS, ...o.levelSet })
        : undefined;
    const localLeft = local ? countSelfIntersections(local.mesh, { maxPairs: o.maxSelfIntersections }).pairs : -1;
    if (local && localLeft === 0) {
      mesh = local.mesh;
      log.levelSetScope = 'local';
      log.levelSetEdgeMm = local.edgeLength;
      log.levelSetRegion = local.box;
      log.selfIntersectionsRemaining = 0;
    } else {
      const rebuilt = levelSetRemesh(mesh, wasm, { ...LEVEL_SET_REMESH_DEFAULTS, ...o.levelSet });
      mesh = rebuilt.mesh;
      log.levelSetScope = 'whole';
      log.levelSetEdgeMm = rebuilt.edgeLength;
      log.selfIntersectionsRemaining = countSelfIntersections(mesh, { maxPairs: o.maxSelfIntersections }).pairs;
    }
    log.remeshedByLevelSet = true;
    log.selfIntersectionsResolved = log.selfIntersectionsRemaining === 0 ? crossing.pairs : 0;
  }
  return { mesh, log, edgeCheckedIndices: mesh.indices === checked ? checked : undefined };
}

function longestSide(mesh: Mesh): number {
  return Math.max(...boxSize(boundingBox(mesh)));
}

function boundaryVertices(mesh: Mesh, topology: EdgeTopology): { flags: Uint8Array; openHalves: number } {
  const flags = new Uint8Array(mesh.positions.length / 3);
  let openHalves = 0;
  for (let h = 0; h < mesh.indices.length; h++) {
    if (edgeUses(topology, topology.edgeOfHalf[h]) !== 1) continue;
    flags[mesh.indices[h]] = 1;
    openHalves++;
  }
  return { flags, openHalves };
}

/** True when no face from `firstAdded` on is degenerate or has the vertex triple of another face. */
function addedFacesClean(t: Uint32Array, topology: EdgeTopology, firstAdded: number): boolean {
  for (let f = firstAdded; f < t.length / 3; f++) {
    const a = t[f * 3],
      b = t[f * 3 + 1],
      c = t[f * 3 + 2];
    if (a === b || b === c || a === c) return false;
    // A face with the same three vertices uses edge (a, b) too.
    const e = topology.edgeOfHalf[f * 3];
    for (let i = topology.halfStart[e]; i < topology.halfStart[e + 1]; i++) {
      const g = (topology.halves[i] / 3) | 0;
      if (g === f) continue;
      const x = t[g * 3],
        y = t[g * 3 + 1],
        z = t[g * 3 + 2];
      if ((x === c || y === c || z === c) && (x === a || y === a || z === a) && (x === b || y === b || z === b)) return false;
    }
  }
  return true;
}

/** Refuses meshes where most faces share no edge with any other face. */
function refuseSoup(mesh: Mesh, maxFraction: number, topology: EdgeTopology): void {
  const faces = mesh.indices.length / 3;
  let isolated = 0;
  for (let f = 0; f < faces; f++) {
    let open = 0;
    for (let k = 0; k < 3; k++) if (edgeUses(topology, topology.edgeOfHalf[f * 3 + k]) === 1) open++;
    if (open === 3) isolated++;
  }
  if (isolated > faces * maxFraction) {
    throw failed(
      `the file holds only unconnected triangles (a triangle soup: ${isolated} of ${faces} share no edge); nothing encloses a volume`,
      { isolatedFaces: isolated, faces },
    );
  }
}

function failed(message: string, details?: Record<string, unknown>): PipelineError {
  return new PipelineError('repair_failed', `${STAGE}: ${message}`, STAGE, details);
}
