import { describe, expect, it } from 'vitest';
import {
  appendFaces,
  buildEdgeTopology,
  directedEdgeDefects,
  flipFacesInTopology,
  type EdgeTopology,
} from '../../src/pipeline/repair/edge-topology.ts';
import { flipFaces } from '../../src/pipeline/repair/orient-consistent.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';
import { box, combine, removeFaces, sphere } from '../helpers/mesh-fixtures.ts';

/** Each half-edge's edge as its sorted half list: independent of edge numbering. */
function groups(topology: EdgeTopology): string[] {
  const out: string[] = [];
  for (let h = 0; h < topology.edgeOfHalf.length; h++) {
    const e = topology.edgeOfHalf[h];
    out.push(Array.from(topology.halves.subarray(topology.halfStart[e], topology.halfStart[e + 1])).join(','));
  }
  return out;
}

describe('edge topology updates', () => {
  it('appending faces gives what a rebuild gives', () => {
    const ball = sphere(5, 24, 13);
    const open = removeFaces(ball, [30, 31, 100]);
    const before = buildEdgeTopology(open.indices);
    const closed = Uint32Array.from([
      ...open.indices,
      ...ball.indices.subarray(30 * 3, 32 * 3),
      ...ball.indices.subarray(100 * 3, 101 * 3),
    ]);
    const appended = appendFaces(before, closed);
    const rebuilt = buildEdgeTopology(closed);
    expect(appended.edgeCount).toBe(rebuilt.edgeCount);
    expect(groups(appended)).toEqual(groups(rebuilt));
  });

  it('flipping faces in place gives what a rebuild of the flipped mesh gives', () => {
    const mesh = combine(sphere(5, 24, 13), box([0, 0, 0], [1, 1, 1]));
    const flip = new Uint8Array(mesh.indices.length / 3);
    for (const f of [0, 1, 7, 40, 41, 42, 300, mesh.indices.length / 3 - 1]) flip[f] = 1;
    const topology = buildEdgeTopology(mesh.indices);
    flipFacesInTopology(topology, flip);
    expect(groups(topology)).toEqual(groups(buildEdgeTopology(flipFaces(mesh.indices, flip))));
  });

  it('reads the same open and over-used counts as countEdgeDefects', () => {
    const twoCubes = combine(box([0, 0, 0], [1, 1, 1]), box([1, 1, 0], [2, 2, 1]));
    const flip = new Uint8Array(twoCubes.indices.length / 3);
    flip[3] = flip[20] = 1;
    const cases = [
      sphere(5, 24, 13),
      removeFaces(sphere(5, 24, 13), [3, 4, 50]),
      twoCubes,
      { positions: twoCubes.positions, indices: flipFaces(twoCubes.indices, flip) },
      combine(box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1])),
      { positions: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: Uint32Array.from([0, 1, 2, 0, 0, 1, 0, 0, 1, 2, 1, 0]) },
    ];
    for (const mesh of cases) expect(directedEdgeDefects(buildEdgeTopology(mesh.indices), mesh.indices)).toEqual(countEdgeDefects(mesh));
  });
});

describe('validateSolid edgeCheckedIndices', () => {
  it('still counts edges of any other index array', async () => {
    const { sharedManifold } = await import('../../wasm/manifold.ts');
    const { validateSolid } = await import('../../src/pipeline/validate.ts');
    const wasm = await sharedManifold();
    const open = removeFaces(box([0, 0, 0], [1, 1, 1]), [0]);
    expect(() => validateSolid(open, wasm, 'validate', { edgeCheckedIndices: open.indices.slice() })).toThrow(/not watertight/);
  });
});
