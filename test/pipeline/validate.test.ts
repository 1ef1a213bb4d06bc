import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { countEdgeDefects, validateSolid } from '../../src/pipeline/validate.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { mulberry32 } from '../helpers/grids.ts';
import { cpuMs } from '../helpers/cpu-clock.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

function cube(): Mesh {
  const g = wasm.Manifold.cube([10, 20, 30]).getMesh();
  return { positions: Float32Array.from(g.vertProperties), indices: Uint32Array.from(g.triVerts) };
}

describe('validateSolid', () => {
  it('accepts a closed box and measures it', () => {
    const check = validateSolid(cube(), wasm);
    expect(check.volumeMm3).toBeCloseTo(6000, 3);
    expect(check.genus).toBe(0);
  });

  it('counts an open edge loop when a face is removed', () => {
    const m = cube();
    const open = { positions: m.positions, indices: m.indices.slice(3) };
    expect(countEdgeDefects(open)).toEqual({ open: 3, overused: 0 });
    expect(() => validateSolid(open, wasm)).toThrow(/not watertight/);
  });

  it('counts a flipped face as over-used and open edges', () => {
    const m = cube();
    const flipped = m.indices.slice();
    [flipped[1], flipped[2]] = [flipped[2], flipped[1]];
    const defects = countEdgeDefects({ positions: m.positions, indices: flipped });
    expect(defects.overused).toBe(3);
    expect(() => validateSolid({ positions: m.positions, indices: flipped }, wasm)).toThrow();
  });

  it('counts edges shared by four faces (two boxes on one edge)', () => {
    const a = cube();
    const b = cube();
    // Second box shares the edge x=10,y=0 (vertices matched by position) and sits diagonally.
    const positions = new Float32Array(a.positions.length + b.positions.length);
    positions.set(a.positions);
    for (let i = 0; i < b.positions.length; i += 3) {
      positions[a.positions.length + i] = b.positions[i] + 10;
      positions[a.positions.length + i + 1] = b.positions[i + 1] - 20;
      positions[a.positions.length + i + 2] = b.positions[i + 2];
    }
    const n = a.positions.length / 3;
    const indices = new Uint32Array(a.indices.length + b.indices.length);
    indices.set(a.indices);
    for (let i = 0; i < b.indices.length; i++) indices[a.indices.length + i] = b.indices[i] + n;
    // Weld coincident vertices so the shared edge is one edge in the index buffer.
    const key = (i: number) => `${positions[i * 3]},${positions[i * 3 + 1]},${positions[i * 3 + 2]}`;
    const first = new Map<string, number>();
    for (let i = 0; i < positions.length / 3; i++) if (!first.has(key(i))) first.set(key(i), i);
    for (let i = 0; i < indices.length; i++) indices[i] = first.get(key(indices[i]))!;
    const defects = countEdgeDefects({ positions, indices });
    expect(defects.overused).toBeGreaterThan(0);
    expect(() => validateSolid({ positions, indices }, wasm)).toThrow(/not watertight/);
  });

  it('rejects an empty mesh', () => {
    expect(() => validateSolid({ positions: new Float32Array(0), indices: new Uint32Array(0) }, wasm)).toThrow(/empty/);
  });
});

describe('countEdgeDefects against a plain reference', () => {
  /** The definition, spelled out: each directed edge whose reverse is absent is open; each repeat of a directed edge is over-used. */
  function reference(indices: Uint32Array): { open: number; overused: number } {
    const seen = new Map<string, number>();
    const next = (e: number) => (e % 3 === 2 ? e - 2 : e + 1);
    for (let e = 0; e < indices.length; e++) {
      const key = `${indices[e]}>${indices[next(e)]}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    let open = 0,
      overused = 0;
    for (const [key, count] of seen) {
      const [a, b] = key.split('>');
      overused += count - 1;
      if (!seen.has(`${b}>${a}`)) open += count;
    }
    return { open, overused };
  }

  it('agrees on random index arrays with repeats, self-edges and hub vertices', () => {
    const random = mulberry32(11);
    for (let round = 0; round < 60; round++) {
      const vertices = 3 + Math.floor(random() * 40);
      const faces = 1 + Math.floor(random() * 200);
      const indices = new Uint32Array(faces * 3);
      // Every third round, one vertex is in most faces: long, sorted lists.
      const hub = round % 3 === 0 ? 0 : -1;
      for (let i = 0; i < indices.length; i++)
        indices[i] = hub >= 0 && i % 3 === 0 && random() < 0.8 ? hub : Math.floor(random() * vertices);
      expect(countEdgeDefects({ positions: new Float32Array(vertices * 3), indices })).toEqual(reference(indices));
    }
  });

  it('stays linear around a hub: a closed cone of 400,000 faces on one apex', () => {
    const segments = 200_000;
    const positions = new Float32Array((segments + 2) * 3);
    const indices = new Uint32Array(segments * 2 * 3);
    const apex = segments,
      centre = segments + 1;
    for (let s = 0; s < segments; s++) {
      const n = (s + 1) % segments;
      indices.set([s, n, apex], s * 6);
      indices.set([n, s, centre], s * 6 + 3);
    }
    const started = cpuMs();
    expect(countEdgeDefects({ positions, indices })).toEqual({ open: 0, overused: 0 });
    expect(cpuMs() - started).toBeLessThan(5000); // a hang detector: quadratic would take hours
  });
});
