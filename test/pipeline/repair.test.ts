import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { measureDefects } from '../../src/pipeline/repair/measure-defects.ts';
import { repairMesh } from '../../src/pipeline/repair/repair-mesh.ts';
import { countEdgeDefects, validateSolid } from '../../src/pipeline/validate.ts';
import { box, combine, flipFaces, removeFaces, sphere, toSoup, volumeOf } from '../helpers/mesh-fixtures.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

/** Repairs, then insists the result is a solid by both our edge count and manifold-3d. */
function repairToSolid(mesh: Mesh) {
  const result = repairMesh(mesh, wasm);
  expect(countEdgeDefects(result.mesh)).toEqual({ open: 0, overused: 0 });
  const check = validateSolid(result.mesh, wasm);
  return { ...result, check };
}

function repairError(mesh: Mesh): unknown {
  try {
    repairMesh(mesh, wasm);
  } catch (error) {
    return error;
  }
  throw new Error('repair did not fail');
}

const cube = () => box([0, 0, 0], [10, 10, 10]);
const ball = () => sphere(10, 48, 24);

describe('repairMesh on valid solids', () => {
  it('keeps a closed cube exactly (12 triangles, 1000 mm3)', () => {
    const { mesh, log, check } = repairToSolid(cube());
    expect(mesh.indices.length / 3).toBe(12);
    expect(check.volumeMm3).toBeCloseTo(1000, 6);
    expect(log.holesFilled + log.flippedFacesFixed + log.shellsInverted + log.shellsUnioned).toBe(0);
  });

  it('keeps a sphere triangle count exactly and volume within 0.1%', () => {
    const input = ball();
    const { mesh, check } = repairToSolid(input);
    expect(mesh.indices.length).toBe(input.indices.length);
    expect(Math.abs(check.volumeMm3 - volumeOf(input)) / volumeOf(input)).toBeLessThan(0.001);
  });

  it('keeps a valid hollow part (inner shell inverted) hollow', () => {
    const outer = ball();
    const inner = flipFaces(sphere(6, 32, 16), 'all');
    const { mesh, log, check } = repairToSolid(combine(outer, inner));
    expect(log.cavitiesKept).toBe(1);
    expect(log.shellsInverted).toBe(0);
    expect(mesh.indices.length).toBe(outer.indices.length + inner.indices.length);
    expect(check.volumeMm3).toBeCloseTo(volumeOf(outer) + volumeOf(inner), 2);
  });
});

describe('repairMesh fixes', () => {
  it('fills the hole of a cube with a face removed: 3 open edges before, 0 after, 1 hole', () => {
    const broken = removeFaces(cube(), [5]);
    expect(measureDefects(broken).openEdges).toBe(3);
    const { log, check } = repairToSolid(broken);
    expect(log.holesFilled).toBe(1);
    expect(log.trianglesAddedByFilling).toBe(1);
    expect(check.volumeMm3).toBeCloseTo(1000, 4);
  });

  it('fills several holes in a sphere (a non-planar 6-edge loop and a cap)', () => {
    const input = ball();
    // Two adjacent quads of the band (4 triangles) and the 48-triangle north cap.
    const cap = Array.from({ length: 48 }, (_, i) => i);
    const broken = removeFaces(input, [...cap, 48 * 5, 48 * 5 + 1, 48 * 5 + 2, 48 * 5 + 3]);
    const before = measureDefects(broken);
    expect(before.openEdges).toBeGreaterThan(0);
    const { log, check } = repairToSolid(broken);
    expect(log.holesFilled).toBe(2);
    expect(Math.abs(check.volumeMm3 - volumeOf(input)) / volumeOf(input)).toBeLessThan(0.01);
  });

  it('turns a flipped face back: 3 flipped edges before, 1 face fixed', () => {
    const broken = flipFaces(cube(), [7]);
    expect(measureDefects(broken).flippedEdges).toBe(3);
    const { log, check } = repairToSolid(broken);
    expect(log.flippedFacesFixed).toBe(1);
    expect(check.volumeMm3).toBeCloseTo(1000, 4);
  });

  it('turns an inside-out shell outward', () => {
    const { log, check } = repairToSolid(flipFaces(ball(), 'all'));
    expect(log.shellsInverted).toBe(1);
    expect(check.volumeMm3).toBeGreaterThan(0);
    expect(check.volumeMm3).toBeCloseTo(volumeOf(ball()), 2);
  });

  it('welds a cube split into unwelded triangles with float noise', () => {
    const { mesh, log, check } = repairToSolid(toSoup(cube(), 1e-6));
    expect(log.verticesWeldedByTolerance).toBeGreaterThan(0);
    expect(mesh.indices.length / 3).toBe(12);
    expect(check.volumeMm3).toBeCloseTo(1000, 1);
  });

  it('welds an exact soup of a sphere back to the sphere', () => {
    const input = ball();
    const { mesh, check } = repairToSolid(toSoup(input));
    expect(mesh.indices.length).toBe(input.indices.length);
    expect(Math.abs(check.volumeMm3 - volumeOf(input)) / volumeOf(input)).toBeLessThan(1e-6);
  });

  it('splits two cubes sharing an edge into two solids (1 non-manifold edge before)', () => {
    const input = combine(box([0, 0, 0], [1, 1, 1]), box([1, 1, 0], [2, 2, 1]));
    expect(measureDefects(input).nonManifoldEdges).toBe(1);
    const { log, check } = repairToSolid(input);
    expect(log.nonManifoldEdgesSplit).toBe(1);
    expect(check.volumeMm3).toBeCloseTo(2, 4);
  });

  it('unions two overlapping cubes (volume 1000 + 1000 - 125)', () => {
    const { log, check } = repairToSolid(combine(box([0, 0, 0], [10, 10, 10]), box([5, 5, 5], [15, 15, 15])));
    expect(log.shellsUnioned).toBe(2);
    expect(check.volumeMm3).toBeCloseTo(1875, 1);
    expect(check.genus).toBe(0);
  });

  it('unions a sphere inside a sphere that is not inverted (overlapping double shell) into the outer solid', () => {
    const outer = ball();
    const { log, check } = repairToSolid(combine(outer, sphere(6, 32, 16)));
    expect(log.shellsUnioned).toBe(2);
    expect(log.cavitiesKept).toBe(0);
    expect(check.volumeMm3).toBeCloseTo(volumeOf(outer), 1);
  });

  it('drops stray floating triangles next to a solid', () => {
    const stray: Mesh = {
      positions: Float32Array.from([20, 0, 0, 21, 0, 0, 20, 1, 0, 30, 0, 0, 31, 0, 0, 30, 1, 0]),
      indices: Uint32Array.from([0, 1, 2, 3, 4, 5]),
    };
    const { mesh, check } = repairToSolid(combine(cube(), stray));
    expect(mesh.indices.length / 3).toBe(12);
    expect(check.volumeMm3).toBeCloseTo(1000, 4);
  });

  it('drops a tiny repaired part below 1% of the largest shell', () => {
    const crumb = removeFaces(box([20, 0, 0], [21, 1, 1]), [0]);
    const { mesh, log } = repairToSolid(combine(cube(), crumb));
    expect(log.smallPartsRemoved).toBe(1);
    expect(mesh.indices.length / 3).toBe(12);
  });
});

describe('repairMesh refuses with a reason', () => {
  it('a triangle soup', () => {
    const soup: Mesh = { positions: new Float32Array(90), indices: Uint32Array.from({ length: 30 }, (_, i) => i) };
    for (let i = 0; i < 90; i++) soup.positions[i] = Math.sin(i * 12.9898) * 100;
    const error = repairError(soup);
    expect(isPipelineError(error) && error.code).toBe('repair_failed');
    expect((error as Error).message).toMatch(/triangle soup/);
  });

  it('a single open sheet encloses nothing', () => {
    const sheet: Mesh = {
      positions: Float32Array.from([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]),
      indices: Uint32Array.from([0, 1, 2, 0, 2, 3]),
    };
    const error = repairError(sheet);
    expect(isPipelineError(error) && error.code).toBe('repair_failed');
  });

  it('all-degenerate faces', () => {
    const error = repairError({ positions: new Float32Array(9), indices: Uint32Array.from([0, 1, 2]) });
    expect(isPipelineError(error) && error.code).toBe('repair_failed');
  });
});
