/**
 * Repair fallback for a surface that crosses itself: rebuild the solid as the level set of its
 * winding number with manifold-3d (Manifold.levelSet, marching tetrahedra on a body-centred cubic
 * lattice). A point is inside when the outward surface winds around it a positive number of
 * times, so overlapping, folded and self-intersecting parts come out unioned.
 *
 * Why positive and not nonzero (inside when the winding is anything but 0): repair has already
 * turned every shell outward and kept inner shells inward as cavities, so a negative winding means
 * a cavity reaching out through its wall, where nonzero would add solid. Measured: a 10 mm box with
 * an inward 6 x 6 x 10 mm box cavity poking 2 mm out of its top rebuilds as the open cup (712.4
 * mm³ for 712, positive) or the cup with a 72 mm³ lid standing on it (784.3 mm³, nonzero). Where a fold leaves an
 * inside-out pocket, positive drops it and nonzero keeps it; `fillRule` selects.
 *
 * The field, exactly and cheaply: levelSet samples whole vertical lines of lattice points, so for
 * each (x, y) column it asks about, cast one ray along +z and collect every crossing of a face
 * whose xy box holds the column (faces bucketed in a 2D grid), signed by which way the face looks
 * (down: entering, +1; up: leaving, -1). Sorted by z, the running sum below a point is its winding
 * number. A column is cached as the z intervals where the point is inside (the lattice
 * evaluates ~120 points per column). The value is the signed distance along the column to the
 * nearest interval end, clamped to one lattice spacing; its sign is exact, so manifold-3d's root
 * finding (the `tolerance` argument, a bisection on that sign) puts every output vertex within a
 * 32nd of the spacing of the true surface. A column through a shared edge or vertex counts that
 * crossing once: the point-in-triangle test breaks ties as if the column were moved by an
 * infinitesimal (ε, ε²), with each edge's function evaluated in one fixed direction.
 *
 * Resolution: 116 lattice cells across the longest side plus two on each side (121 grid points,
 * the most that keeps manifold-3d's voxel array, padded to a power of two per axis, at 128: at 151
 * it would be 256³ x 2 doubles, 270 MB), coarsened if the surface would need more than
 * `maxTriangles`. Features thinner than about a spacing are lost and sharp edges are slightly
 * bevelled: this is the fallback when nothing cheaper fixes the surface.
 *
 * The lattice surface is then simplified by manifold-3d (surfaces move by under 1/16 spacing):
 * 480k lattice triangles of two boxes become 190-8,500, a sphere's 320k become 15k.
 *
 * Measured (November 2026, 2 cores shared with other jobs; shapes of
 * test/pipeline/repair-self-intersections.test.ts; volume against manifold-3d's union of the
 * same polyhedra, so only the rebuild's error counts):
 *   two 10 mm boxes overlapping, folded into one 44-triangle shell: spacing 0.142 mm, +0.010%, 190 tris
 *   the same two boxes as separate shells:                           spacing 0.141 mm, +0.036%, 8,510 tris
 *   two r=10 spheres folded into one shell (4,416 tris):             spacing 0.276 mm, -0.111%, 10,122 tris
 *   one r=10 sphere (9,024 tris):                                    spacing 0.172 mm, -0.114%, 14,718 tris
 *   a 1,000,000-triangle sphere:                                     spacing 0.172 mm, -0.121%, 19,750 tris, 5.1 s, 333 MB RSS
 * 2.2-5.9 s each, nearly all of it inside Manifold.levelSet: 1.8-4M field samples, and a
 * constant field costs as much (the JS field itself answers 3.5M cached samples in 0.13 s).
 */
import type { Manifold, ManifoldToplevel } from 'manifold-3d';
import { PipelineError } from '../errors.ts';
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';

export interface LevelSetRemeshOptions {
  /** Lattice cells across the longest side of the model, margins included (at most ~124, see the header). */
  resolution: number;
  /** Coarsen the lattice so the output stays near or under this many triangles. */
  maxTriangles: number;
  /** Output vertices lie within this fraction of the lattice spacing of the true surface. */
  toleranceFraction: number;
  /** Then manifold-3d's simplify merges triangles, moving the surface by less than this fraction of the spacing. */
  simplifyFraction: number;
  /** Inside where the winding number is > 0 ('positive') or != 0 ('nonzero'); see the header. */
  fillRule: FillRule;
  /**
   * Rebuild only inside this box (local-remesh.ts cuts it out of the original and puts the rebuilt
   * part in): the lattice spans the box, so a small box gets a fine lattice. Default: the model.
   */
  bounds?: { min: readonly number[]; max: readonly number[] };
}

export type FillRule = 'positive' | 'nonzero';

export const LEVEL_SET_REMESH_DEFAULTS: Readonly<LevelSetRemeshOptions> = {
  resolution: 120,
  maxTriangles: 600_000,
  toleranceFraction: 1 / 32,
  simplifyFraction: 1 / 16,
  fillRule: 'positive',
};

/** Lattice cells of margin on each side, so the grid's closing boundary never cuts the solid. */
const MARGIN_CELLS = 2;
/** Lattice triangles per (surface area / spacing²): measured 7.5 on a sphere, 9.2 on two boxes. */
const TRIANGLES_PER_AREA = 10;

export interface LevelSetRemeshResult {
  mesh: Mesh;
  /** The lattice spacing used (mm). */
  edgeLength: number;
  /** Triangles of the level set before simplification. */
  latticeTriangles: number;
  /** Times manifold-3d asked the field for a value. */
  samples: number;
  /** Columns ray-cast (the rest were served from the cache). */
  columns: number;
}

const STAGE = 'repair';

export function levelSetRemesh(mesh: Mesh, wasm: ManifoldToplevel, options: Partial<LevelSetRemeshOptions> = {}): LevelSetRemeshResult {
  const o = { ...LEVEL_SET_REMESH_DEFAULTS, ...options };
  const box = o.bounds ?? boundingBox(mesh);
  const size = [0, 1, 2].map((k) => box.max[k] - box.min[k]);
  const longest = Math.max(...size);
  if (!(longest > 0) || mesh.indices.length === 0) throw failed('the mesh has no extent to rebuild');
  const byBudget = Math.sqrt((TRIANGLES_PER_AREA * surfaceArea(mesh, o.bounds)) / o.maxTriangles);
  const edgeLength = Math.max(longest / (o.resolution - 2 * MARGIN_CELLS), byBudget);
  const margin = MARGIN_CELLS * edgeLength;
  const field = new WindingField(mesh, edgeLength, o.fillRule);
  const bounds = {
    min: box.min.map((v) => v - margin) as [number, number, number],
    max: box.max.map((v) => v + margin) as [number, number, number],
  };

  const owned: Manifold[] = [];
  try {
    let solid: Manifold;
    try {
      solid = wasm.Manifold.levelSet(
        (point) => field.value(point[0], point[1], point[2]),
        bounds,
        edgeLength,
        0,
        edgeLength * o.toleranceFraction,
      );
    } catch (error) {
      // manifold-3d's own refusal is a repair failure; a WASM fault (out of memory, abort) goes on
      // as it is, so the stage reports out_of_memory and the worker replaces the module.
      if ((error as { name?: string }).name !== 'ManifoldError') throw error;
      throw failed(`the level-set rebuild of the self-intersecting surface failed (${(error as { code?: string }).code})`);
    }
    owned.push(solid);
    const latticeTriangles = solid.numTri();
    if (latticeTriangles > 0 && o.simplifyFraction > 0) {
      solid = solid.simplify(edgeLength * o.simplifyFraction);
      owned.push(solid);
    }
    const status = solid.status();
    if (status !== 'NoError') throw failed(`the level-set rebuild of the self-intersecting surface is not a valid solid (${status})`);
    if (solid.numTri() === 0 || !(solid.volume() > 0)) {
      throw failed(
        `the level-set rebuild of the self-intersecting surface is empty: every part is thinner than the ${edgeLength.toPrecision(3)} mm lattice, or the surface encloses nothing; scale the model up or fix the crossing faces in a modeller`,
        { edgeLengthMm: edgeLength },
      );
    }
    const out = solid.getMesh();
    return {
      mesh: { positions: Float32Array.from(out.vertProperties), indices: Uint32Array.from(out.triVerts) },
      edgeLength,
      latticeTriangles,
      samples: field.samples,
      columns: field.columns,
    };
  } finally {
    for (const m of owned) m.delete();
  }
}

/** Surface area, of the faces whose centroid lies in `within` when given. */
function surfaceArea(mesh: Mesh, within?: { min: readonly number[]; max: readonly number[] }): number {
  const p = mesh.positions,
    t = mesh.indices;
  let sum = 0;
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i] * 3,
      b = t[i + 1] * 3,
      c = t[i + 2] * 3;
    if (within) {
      let inside = true;
      for (let k = 0; k < 3 && inside; k++) {
        const centroid = (p[a + k] + p[b + k] + p[c + k]) / 3;
        inside = centroid >= within.min[k] && centroid <= within.max[k];
      }
      if (!inside) continue;
    }
    const ux = p[b] - p[a],
      uy = p[b + 1] - p[a + 1],
      uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a],
      vy = p[c + 1] - p[a + 1],
      vz = p[c + 2] - p[a + 2];
    sum += Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
  }
  return sum;
}

const NO_INTERVALS = new Float64Array(0);
/** Cached columns before the cache is dropped (root finding asks for one-off columns). */
const MAX_CACHED_COLUMNS = 1 << 18;
/** Face-in-cell entries of the xy buckets at most (128 MB), else the cells are made coarser. */
const MAX_CELL_ENTRIES = 1 << 25;

/**
 * Winding number of the mesh's surface around a point, by vertical rays (see the header). Faces
 * seen edge-on from above (zero projected area) never cross a vertical ray and are left out.
 */
export class WindingField {
  samples = 0;
  columns = 0;
  private readonly p: Float32Array;
  private readonly t: Uint32Array;
  /** Per face: +1 when it looks down (a ray going up enters), -1 when up, 0 when seen edge-on. */
  private readonly facing: Int8Array;
  private readonly x0: number;
  private readonly y0: number;
  private cell = 1;
  private nx = 1;
  private ny = 1;
  private readonly cellStart: Uint32Array;
  private readonly cellFaces: Uint32Array;
  private readonly cache = new Map<number, Map<number, Float64Array>>();
  private cached = 0;
  private readonly clamp: number;
  // Scratch for one column's crossings.
  private zs = new Float64Array(64);
  private signs = new Int8Array(64);

  private readonly fillRule: FillRule;

  constructor(mesh: Mesh, clamp: number, fillRule: FillRule = 'positive') {
    this.fillRule = fillRule;
    const p = (this.p = mesh.positions),
      t = (this.t = mesh.indices);
    this.clamp = clamp;
    const faces = t.length / 3;
    this.facing = new Int8Array(faces);
    const box = boundingBox(mesh);
    this.x0 = box.min[0];
    this.y0 = box.min[1];
    const w = box.max[0] - box.min[0],
      h = box.max[1] - box.min[1];
    // Each face's xy box in cells, for the cell size being tried; and which way the face looks.
    const lo = new Float64Array(faces * 2),
      hi = new Float64Array(faces * 2);
    for (let f = 0; f < faces; f++) {
      const a = t[f * 3] * 3,
        b = t[f * 3 + 1] * 3,
        c = t[f * 3 + 2] * 3;
      const area2 = (p[b] - p[a]) * (p[c + 1] - p[a + 1]) - (p[b + 1] - p[a + 1]) * (p[c] - p[a]);
      if (area2 === 0) continue;
      this.facing[f] = area2 > 0 ? -1 : 1;
      for (let k = 0; k < 2; k++) {
        lo[f * 2 + k] = Math.min(p[a + k], p[b + k], p[c + k]);
        hi[f * 2 + k] = Math.max(p[a + k], p[b + k], p[c + k]);
      }
    }
    // About 4 faces per cell over the xy box, no cell smaller than half a lattice spacing, and
    // coarser while long faces spanning many cells would need more than MAX_CELL_ENTRIES.
    let cell = Math.max(clamp / 2, Math.sqrt((w * h) / Math.max(1, faces / 4)), 1e-9 * Math.max(w, h, 1));
    let counts: Uint32Array;
    for (;;) {
      this.cell = cell;
      this.nx = Math.max(1, Math.ceil(w / cell));
      this.ny = Math.max(1, Math.ceil(h / cell));
      counts = new Uint32Array(this.nx * this.ny + 1);
      let entries = 0;
      for (let f = 0; f < faces && entries <= MAX_CELL_ENTRIES; f++) {
        if (this.facing[f] === 0) continue;
        const i0 = this.cellX(lo[f * 2]),
          i1 = this.cellX(hi[f * 2]),
          j0 = this.cellY(lo[f * 2 + 1]),
          j1 = this.cellY(hi[f * 2 + 1]);
        for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) counts[j * this.nx + i + 1]++;
        entries += (i1 - i0 + 1) * (j1 - j0 + 1);
      }
      if (entries <= MAX_CELL_ENTRIES || (this.nx === 1 && this.ny === 1)) break;
      cell *= 2;
    }
    for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
    this.cellStart = counts;
    this.cellFaces = new Uint32Array(counts[counts.length - 1]);
    const fill = counts.slice(0, -1);
    for (let f = 0; f < faces; f++) {
      if (this.facing[f] === 0) continue;
      const i0 = this.cellX(lo[f * 2]),
        i1 = this.cellX(hi[f * 2]),
        j0 = this.cellY(lo[f * 2 + 1]),
        j1 = this.cellY(hi[f * 2 + 1]);
      for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) this.cellFaces[fill[j * this.nx + i]++] = f;
    }
  }

  /** Positive inside, negative outside: the distance along z to the nearest change, clamped. */
  value(x: number, y: number, z: number): number {
    this.samples++;
    const intervals = this.column(x, y);
    let best = this.clamp;
    for (let i = 0; i < intervals.length; i += 2) {
      const a = intervals[i],
        b = intervals[i + 1];
      if (z > a && z < b) return Math.min(z - a, b - z, this.clamp);
      best = Math.min(best, Math.abs(z - a), Math.abs(z - b));
    }
    return -best;
  }

  /** Winding number at a point (for tests): the sum of the signs of crossings below it. */
  windingAt(x: number, y: number, z: number): number {
    const n = this.crossings(x, y);
    let w = 0;
    for (let i = 0; i < n; i++) if (this.zs[i] < z) w += this.signs[i];
    return w;
  }

  private cellX(x: number): number {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
  }

  private cellY(y: number): number {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.y0) / this.cell)));
  }

  private column(x: number, y: number): Float64Array {
    let row = this.cache.get(x);
    const hit = row?.get(y);
    if (hit) return hit;
    const intervals = this.intervals(x, y);
    if (this.cached >= MAX_CACHED_COLUMNS) {
      this.cache.clear();
      this.cached = 0;
      row = undefined;
    }
    if (!row) {
      row = new Map();
      this.cache.set(x, row);
    }
    row.set(y, intervals);
    this.cached++;
    return intervals;
  }

  /** The z intervals of a column where a point is inside by the fill rule, as [in, out, in, out, ...]. */
  private intervals(x: number, y: number): Float64Array {
    this.columns++;
    const n = this.crossings(x, y);
    if (n === 0) return NO_INTERVALS;
    const zs = this.zs,
      signs = this.signs;
    // Insertion sort by z (a column crosses the surface a few times).
    for (let i = 1; i < n; i++) {
      const z = zs[i],
        s = signs[i];
      let j = i;
      for (; j > 0 && zs[j - 1] > z; j--) {
        zs[j] = zs[j - 1];
        signs[j] = signs[j - 1];
      }
      zs[j] = z;
      signs[j] = s;
    }
    const out: number[] = [];
    let winding = 0;
    for (let i = 0; i < n; i++) {
      const was = this.fillRule === 'positive' ? winding > 0 : winding !== 0;
      winding += signs[i];
      const is = this.fillRule === 'positive' ? winding > 0 : winding !== 0;
      if (!was && is) {
        // Touching the previous interval's end (crossings at one z in either order): extend it.
        if (out.length > 0 && out[out.length - 1] === zs[i]) out.pop();
        else out.push(zs[i]);
      } else if (was && !is) out.push(zs[i]);
    }
    if (out.length % 2 === 1) out.push(zs[n - 1]);
    const kept: number[] = [];
    for (let i = 0; i < out.length; i += 2) if (out[i + 1] > out[i]) kept.push(out[i], out[i + 1]);
    return kept.length === 0 ? NO_INTERVALS : Float64Array.from(kept);
  }

  /** Collects the crossings of the vertical line at (x, y) into zs/signs; returns their number. */
  private crossings(x: number, y: number): number {
    const fx = Math.floor((x - this.x0) / this.cell),
      fy = Math.floor((y - this.y0) / this.cell);
    if (fx < -1 || fy < -1 || fx > this.nx || fy > this.ny) return 0;
    const cx = this.cellX(x),
      cy = this.cellY(y);
    const c = cy * this.nx + cx;
    const p = this.p,
      t = this.t;
    let n = 0;
    for (let i = this.cellStart[c]; i < this.cellStart[c + 1]; i++) {
      const f = this.cellFaces[i];
      const sign = this.facing[f];
      // Corners in counter-clockwise order seen from above (a face looking down is swapped).
      const a = t[f * 3] * 3,
        b = t[f * 3 + (sign < 0 ? 1 : 2)] * 3,
        d = t[f * 3 + (sign < 0 ? 2 : 1)] * 3;
      const ax = p[a],
        ay = p[a + 1],
        bx = p[b],
        by = p[b + 1],
        dx = p[d],
        dy = p[d + 1];
      if (x < Math.min(ax, bx, dx) || x > Math.max(ax, bx, dx) || y < Math.min(ay, by, dy) || y > Math.max(ay, by, dy)) continue;
      const wa = covers(bx, by, dx, dy, x, y);
      if (wa < 0) continue;
      const wb = covers(dx, dy, ax, ay, x, y);
      if (wb < 0) continue;
      const wd = covers(ax, ay, bx, by, x, y);
      if (wd < 0) continue;
      const sum = wa + wb + wd;
      const z = sum > 0 ? (wa * p[a + 2] + wb * p[b + 2] + wd * p[d + 2]) / sum : (p[a + 2] + p[b + 2] + p[d + 2]) / 3;
      if (n === this.zs.length) {
        const zs = new Float64Array(n * 2),
          signs = new Int8Array(n * 2);
        zs.set(this.zs);
        signs.set(this.signs);
        this.zs = zs;
        this.signs = signs;
      }
      this.zs[n] = z;
      this.signs[n] = sign;
      n++;
    }
    return n;
  }
}

/**
 * The edge function of the directed edge u -> v at (x, y): positive on its left (inside, for a
 * counter-clockwise triangle), -1 when the point is outside. Computed in one fixed direction per
 * edge (the lexicographically smaller end first) so the two faces sharing an edge get the very
 * same number, and 0 is broken as if the point moved by (ε, ε²): inside iff the edge runs down
 * (dy < 0) or, level, to the right (dx > 0). Each point is then covered by exactly one face of a
 * surface that covers it once from above, shared edges and vertices included.
 */
function covers(ux: number, uy: number, vx: number, vy: number, x: number, y: number): number {
  const w =
    ux < vx || (ux === vx && uy < vy) ? (vx - ux) * (y - uy) - (vy - uy) * (x - ux) : -((ux - vx) * (y - vy) - (uy - vy) * (x - vx));
  if (w > 0) return w;
  if (w < 0) return -1;
  const dy = vy - uy;
  return dy < 0 || (dy === 0 && vx - ux > 0) ? 0 : -1;
}

function failed(message: string, details?: Record<string, unknown>): PipelineError {
  return new PipelineError('repair_failed', `${STAGE}: ${message}`, STAGE, details);
}
