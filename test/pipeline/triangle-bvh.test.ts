import { describe, expect, it } from 'vitest';
import { buildBvh, castRay } from '../../src/pipeline/analyze/triangle-bvh.ts';
import { box, combine, sphere } from '../helpers/mesh-fixtures.ts';

/** Nearest hit by testing every triangle (the BVH must agree). */
function bruteForce(mesh: ReturnType<typeof sphere>, o: number[], d: number[]): number {
  let best = Infinity;
  for (let f = 0; f < mesh.indices.length / 3; f++) {
    const one = { positions: mesh.positions, indices: mesh.indices.slice(f * 3, f * 3 + 3) };
    const hit = castRay(buildBvh(one), o, d);
    if (hit && hit.distance < best) best = hit.distance;
  }
  return best;
}

describe('triangle BVH', () => {
  it('finds the nearest hit a brute-force scan finds', () => {
    const mesh = combine(sphere(10, 24, 13), box([-2, -2, -2], [2, 2, 2]), sphere(3, 12, 7, [6, 0, 0]));
    const bvh = buildBvh(mesh);
    expect(bvh.nodes).toBeGreaterThan(1);
    for (const [o, d] of [
      [
        [0, 0, 20],
        [0, 0, -1],
      ],
      [
        [20, 0.3, 0.1],
        [-1, 0, 0],
      ],
      [
        [0.5, 0.5, 0.5],
        [0.6, 0.8, 0],
      ],
      [
        [-15, -15, 3],
        [Math.SQRT1_2, Math.SQRT1_2, 0],
      ],
    ]) {
      expect(castRay(bvh, o, d)?.distance ?? Infinity).toBeCloseTo(bruteForce(mesh, o, d), 9);
    }
  });
});
