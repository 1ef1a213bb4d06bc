import { describe, expect, it } from 'vitest';
import { estimateThinWalls } from '../../src/pipeline/analyze/thin-wall.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { box, combine } from '../helpers/mesh-fixtures.ts';

/** Rotates about x then z (so no face is axis-aligned and the ray maths sees float noise). */
function rotated(mesh: Mesh, ax: number, az: number): Mesh {
  const positions = new Float32Array(mesh.positions.length);
  const [cx, sx, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(az), Math.sin(az)];
  for (let i = 0; i < positions.length; i += 3) {
    const x = mesh.positions[i],
      y = mesh.positions[i + 1],
      z = mesh.positions[i + 2];
    const y1 = cx * y - sx * z,
      z1 = sx * y + cx * z;
    positions[i] = cz * x - sz * y1;
    positions[i + 1] = sz * x + cz * y1;
    positions[i + 2] = z1;
  }
  return { positions, indices: mesh.indices };
}

/**
 * A 20 mm cube whose top face has an extra vertex 0.05 mm in from the front edge and 0.05 mm
 * down: the top is four triangles, one of them a 0.7 mm² sliver folded down along the edge, a
 * V-groove whose inward ray leaves through the front face after 0.02 mm.
 */
function cubeWithSliver(): Mesh {
  const cube = box([0, 0, 0], [20, 20, 20]);
  const positions = Float32Array.from([...cube.positions, 10, 0.05, 19.95]);
  const m = 8;
  // Top face (4, 5, 6, 7 counter-clockwise from above) as a fan around m; 4-5 is the front edge.
  const top = [4, 5, m, 5, 6, m, 6, 7, m, 7, 4, m];
  const indices = Uint32Array.from([...cube.indices.subarray(0, 6), ...top, ...cube.indices.subarray(12)]);
  return { positions, indices };
}

describe('estimateThinWalls', () => {
  it('measures a 0.2 mm plate as 0.2 mm thick', () => {
    const plate = estimateThinWalls(box([0, 0, 0], [50, 50, 0.2]))!;
    expect(plate.p5Mm).toBeCloseTo(0.2, 4);
    expect(plate.medianMm).toBeCloseTo(0.2, 4);
  });

  it('weighs a sliver triangle by its area, not as one face in fourteen', () => {
    const mesh = cubeWithSliver();
    const estimate = estimateThinWalls(mesh)!;
    // The groove is real (the minimum sees it when a sample lands there) but covers 0.03% of the surface.
    expect(estimate.p5Mm).toBeGreaterThan(19.9);
    expect(estimate.medianMm).toBeGreaterThan(19.9);
  });

  it('still finds a thin fin that is a small share of the faces but 8% of the surface', () => {
    // A 20 mm cube (12 triangles) and a 10 x 10 x 0.3 mm fin standing on it (its own 12).
    const estimate = estimateThinWalls(combine(box([0, 0, 0], [20, 20, 20]), box([5, 5, 20], [15, 5.3, 30])))!;
    expect(estimate.p5Mm).toBeCloseTo(0.3, 3);
    expect(estimate.medianMm).toBeGreaterThan(10);
  });

  it('passes through a coincident inverted copy of a face instead of reading a wall of float noise', () => {
    // A double-sided export: the top of a 2 mm slab is also there wound the other way. Rotated, so
    // the distance to the copy is rounding noise (about 1e-7) rather than exactly zero.
    const slab = box([0, 0, 0], [30, 30, 2]);
    const topFaces = slab.indices.slice(6, 12);
    const inverted = Uint32Array.from([topFaces[0], topFaces[2], topFaces[1], topFaces[3], topFaces[5], topFaces[4]]);
    const mesh = rotated({ positions: slab.positions, indices: Uint32Array.from([...slab.indices, ...inverted]) }, 0.37, 0.81);
    const estimate = estimateThinWalls(mesh)!;
    expect(estimate.p5Mm).toBeCloseTo(2, 3);
  });

  it('places its samples the same way every run (no random source)', () => {
    const mesh = rotated(cubeWithSliver(), 0.3, 0.2);
    expect(estimateThinWalls(mesh)).toEqual(estimateThinWalls(mesh));
  });
});
