/**
 * spatiallyOrdered: the same solid (faces as vertex-position triples with their winding, volume,
 * edge structure) with faces in Z-order of their centroids and vertices numbered by first use.
 */
import { describe, expect, it } from 'vitest';
import { signedVolume } from '../../src/pipeline/mesh.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { faceOrderScatter, spatiallyOrdered } from '../../src/pipeline/spatial-order.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';
import { mulberry32 } from '../helpers/grids.ts';
import { sphere } from '../helpers/mesh-fixtures.ts';

/** Each face as its three corner positions, rotated so the smallest corner comes first (winding kept). */
function faceSet(mesh: Mesh): string[] {
  const p = mesh.positions,
    t = mesh.indices;
  const out: string[] = [];
  for (let f = 0; f < t.length / 3; f++) {
    const corners = [0, 1, 2].map((k) => `${p[t[f * 3 + k] * 3]},${p[t[f * 3 + k] * 3 + 1]},${p[t[f * 3 + k] * 3 + 2]}`);
    const first = corners.indexOf([...corners].sort()[0]);
    out.push([0, 1, 2].map((k) => corners[(first + k) % 3]).join(' '));
  }
  return out.sort();
}

/** A sphere with its faces shuffled and its vertices renumbered at random, plus one unused vertex. */
function shuffled(mesh: Mesh, seed: number): Mesh {
  const random = mulberry32(seed);
  const faces = mesh.indices.length / 3,
    vertices = mesh.positions.length / 3;
  const permutation = (n: number) => {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  };
  const faceOrder = permutation(faces);
  const vertexOrder = permutation(vertices);
  const positions = new Float32Array((vertices + 1) * 3);
  vertexOrder.forEach((v, i) => positions.set(mesh.positions.subarray(v * 3, v * 3 + 3), i * 3));
  positions.set([999, 999, 999], vertices * 3);
  const where = new Uint32Array(vertices);
  vertexOrder.forEach((v, i) => (where[v] = i));
  const indices = new Uint32Array(mesh.indices.length);
  faceOrder.forEach((f, i) => {
    for (let k = 0; k < 3; k++) indices[i * 3 + k] = where[mesh.indices[f * 3 + k]];
  });
  return { positions, indices };
}

describe('spatiallyOrdered', () => {
  const input = shuffled(sphere(10, 160, 80), 7);
  const ordered = spatiallyOrdered(input);

  it('keeps every face with its winding, the volume and the closed edge structure; drops unused vertices', () => {
    expect(ordered.indices.length).toBe(input.indices.length);
    expect(faceSet(ordered)).toEqual(faceSet(input));
    expect(signedVolume(ordered)).toBeCloseTo(signedVolume(input), 6);
    expect(countEdgeDefects(ordered)).toEqual({ open: 0, overused: 0 });
    expect(ordered.positions.length / 3).toBe(input.positions.length / 3 - 1);
  });

  it('puts neighbours in space next to each other: consecutive faces are much closer than in the shuffled input', () => {
    const meanStep = (mesh: Mesh) => {
      const p = mesh.positions,
        t = mesh.indices;
      const c = (f: number, k: number) => (p[t[f * 3] * 3 + k] + p[t[f * 3 + 1] * 3 + k] + p[t[f * 3 + 2] * 3 + k]) / 3;
      let sum = 0;
      for (let f = 1; f < t.length / 3; f++) sum += Math.hypot(c(f, 0) - c(f - 1, 0), c(f, 1) - c(f - 1, 1), c(f, 2) - c(f - 1, 2));
      return sum / (t.length / 3 - 1);
    };
    expect(meanStep(ordered)).toBeLessThan(meanStep(input) / 5);
    // Vertices are numbered by first use, so a face's indices are close to its position in the list.
    let spread = 0;
    for (let f = 0; f < ordered.indices.length / 3; f++) spread += Math.abs(ordered.indices[f * 3] - f / 2);
    expect(spread / (ordered.indices.length / 3)).toBeLessThan(ordered.positions.length / 3 / 10);
  });

  it('tells a scattered face order from a coherent one', () => {
    const coherent = sphere(10, 160, 80);
    expect(faceOrderScatter(coherent)).toBeLessThan(0.02);
    expect(faceOrderScatter(input)).toBeGreaterThan(0.1);
    expect(faceOrderScatter(ordered)).toBeLessThan(0.02);
  });
});
