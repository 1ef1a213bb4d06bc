/**
 * Repair of a self-crossing surface where it crosses, not everywhere: the level-set rebuild
 * (level-set-remesh.ts) runs inside a box around the crossings only, and manifold-3d puts it in
 * place of what the box cuts out of the original:
 *   result = (original - box) ∪ (rebuilt ∩ box).
 * Outside the box every triangle is the original's (sharp edges and all); inside, the lattice spans
 * the box alone, so a box a tenth of the model gets a lattice ten times finer than the whole-model
 * rebuild's, from the same memory.
 *
 * The box: the crossing segments' box grown by how deep the crossings' ambiguous regions reach
 * (analyze/crossing-depth.ts) and by two lattice cells, so its faces cut the surface only where
 * the winding number is 0 or 1. There manifold-3d's boolean sees a plain solid: its
 * classification is by the winding number of the other operand, and every crossing face lies
 * inside the box and is discarded. Where the two parts meet on the box's faces they differ by the
 * rebuild's error (under 1/16 of its spacing): the union closes that seam with slivers.
 *
 * Fallback: undefined (the caller rebuilds the whole model) when the box would hold more than
 * `maxBoxFraction` of the model's box, or manifold-3d refuses any step.
 * Measured (December 2026, the "C" of test/pipeline/repair-self-intersections.test.ts: a 30 x 30 x
 * 10 mm ring whose ends overlap by 2 mm, 8 crossing pairs): the box is 6.5 x 12.6 x 10.3 mm, its
 * lattice 0.109 mm (the whole-model rebuild's: 0.259 mm), 6,222 triangles out, the volume within
 * 0.5% of the whole-model rebuild's, every corner outside the box exact.
 */
import type { Manifold, ManifoldToplevel } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';
import { LEVEL_SET_REMESH_DEFAULTS, type LevelSetRemeshOptions, levelSetRemesh } from './level-set-remesh.ts';

export interface LocalRemeshOptions {
  /** Rebuild the whole model instead when the box would hold more than this fraction of the model's box volume. */
  maxBoxFraction: number;
  /** Lattice cells of clearance between the ambiguous region and the box's faces. */
  clearanceCells: number;
}

export const LOCAL_REMESH_DEFAULTS: Readonly<LocalRemeshOptions> = { maxBoxFraction: 0.3, clearanceCells: 2 };

export interface LocalRemeshResult {
  mesh: Mesh;
  /** Lattice spacing inside the box (input units). */
  edgeLength: number;
  /** The box rebuilt (input units). */
  box: { min: [number, number, number]; max: [number, number, number] };
}

export function localRemesh(
  mesh: Mesh,
  wasm: ManifoldToplevel,
  region: { min: readonly number[]; max: readonly number[] },
  reach: number,
  levelSet: Partial<LevelSetRemeshOptions> = {},
  options: Partial<LocalRemeshOptions> = {},
): LocalRemeshResult | undefined {
  const o = { ...LOCAL_REMESH_DEFAULTS, ...options };
  const ls = { ...LEVEL_SET_REMESH_DEFAULTS, ...levelSet };
  const model = boundingBox(mesh);
  const grown = [0, 1, 2].map((k) => Math.max(region.max[k] - region.min[k] + 2 * reach, 0));
  const spacing = Math.max(...grown) / (ls.resolution - 4);
  const pad = reach + o.clearanceCells * spacing;
  const min = [0, 1, 2].map((k) => Math.max(region.min[k] - pad, model.min[k] - spacing)) as [number, number, number];
  const max = [0, 1, 2].map((k) => Math.min(region.max[k] + pad, model.max[k] + spacing)) as [number, number, number];
  const volume = (lo: readonly number[], hi: readonly number[]) => (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
  if (!(spacing > 0) || !(volume(min, max) <= o.maxBoxFraction * volume(model.min, model.max))) return undefined;

  const owned: Manifold[] = [];
  const own = (m: Manifold) => (owned.push(m), m);
  try {
    const rebuilt = levelSetRemesh(mesh, wasm, { ...ls, bounds: { min, max } });
    const original = own(new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices })));
    const cut = own(own(wasm.Manifold.cube([max[0] - min[0], max[1] - min[1], max[2] - min[2]])).translate(min));
    const inner = own(
      new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: rebuilt.mesh.positions, triVerts: rebuilt.mesh.indices })),
    );
    const result = own(wasm.Manifold.union(own(original.subtract(cut)), own(inner.intersect(cut))));
    if (result.status() !== 'NoError' || result.numTri() === 0 || !(result.volume() > 0)) return undefined;
    const out = result.getMesh();
    return {
      mesh: { positions: Float32Array.from(out.vertProperties), indices: Uint32Array.from(out.triVerts) },
      edgeLength: rebuilt.edgeLength,
      box: { min, max },
    };
  } catch (error) {
    // manifold-3d's refusals send the caller to the whole-model rebuild; a WASM fault goes on.
    if ((error as { name?: string }).name === 'ManifoldError' || (error as { code?: string }).code === 'repair_failed') return undefined;
    throw error;
  } finally {
    for (const m of owned) m.delete();
  }
}
