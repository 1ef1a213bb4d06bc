import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { countEdgeDefects, validateSolid } from '../../src/pipeline/validate.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';

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
