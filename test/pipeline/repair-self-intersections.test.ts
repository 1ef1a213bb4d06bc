import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { countSelfIntersections } from '../../src/pipeline/analyze/self-intersections.ts';
import { buildBvh, forEachOverlappingPair } from '../../src/pipeline/analyze/triangle-bvh.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import { resolveMeshParams } from '../../src/pipeline/mesh-params.ts';
import { runMeshPipeline } from '../../src/pipeline/run-mesh-pipeline.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { boundingBox } from '../../src/pipeline/mesh.ts';
import { measureDefects } from '../../src/pipeline/repair/measure-defects.ts';
import { levelSetRemesh, WindingField } from '../../src/pipeline/repair/level-set-remesh.ts';
import { repairMesh } from '../../src/pipeline/repair/repair-mesh.ts';
import { countEdgeDefects, validateSolid } from '../../src/pipeline/validate.ts';
import { box, combine, flipFaces, sphere, volumeOf } from '../helpers/mesh-fixtures.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

/** Builds a mesh from a vertex list and triangles. */
function meshOf(positions: number[], indices: number[]): Mesh {
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/**
 * Two overlapping boxes A = [0,10]³ and B = [5,15]³ made ONE closed shell: a square hole in A's top
 * (z = 10) and one in B's bottom (z = 5), both over [6,7]² inside the overlap, joined by a square
 * tube whose walls face its axis. Every edge is used by two faces, once each way; A's and B's
 * faces cross along six segments. The solid it means (nonzero winding) is A ∪ B: 1875 mm³.
 */
function joinedBoxes(): Mesh {
  const pos: number[] = [];
  const v = (x: number, y: number, z: number) => (pos.push(x, y, z), pos.length / 3 - 1);
  const corners = (a: number, b: number) => [
    v(a, a, a),
    v(b, a, a),
    v(b, b, a),
    v(a, b, a),
    v(a, a, b),
    v(b, a, b),
    v(b, b, b),
    v(a, b, b),
  ];
  const A = corners(0, 10),
    B = corners(5, 15);
  const I = [v(6, 6, 10), v(7, 6, 10), v(7, 7, 10), v(6, 7, 10)];
  const J = [v(6, 6, 5), v(7, 6, 5), v(7, 7, 5), v(6, 7, 5)];
  const tri: number[] = [];
  const quad = (a: number, b: number, c: number, d: number) => tri.push(a, b, c, a, c, d);
  // Box faces as box() in mesh-fixtures winds them: bottom, top, then the four sides.
  const faces = [
    [0, 2, 1, 0, 3, 2],
    [4, 5, 6, 4, 6, 7],
    [0, 1, 5, 0, 5, 4],
    [1, 2, 6, 1, 6, 5],
    [2, 3, 7, 2, 7, 6],
    [3, 0, 4, 3, 4, 7],
  ];
  faces.forEach((f, i) => i !== 1 && tri.push(...f.map((k) => A[k])));
  faces.forEach((f, i) => i !== 0 && tri.push(...f.map((k) => B[k])));
  for (let k = 0; k < 4; k++) {
    const n = (k + 1) % 4;
    quad(A[4 + k], A[4 + n], I[n], I[k]); // A's top around its hole, facing up
    quad(B[n], B[k], J[k], J[n]); // B's bottom around its hole, facing down
    quad(I[k], I[n], J[n], J[k]); // the tube
  }
  return meshOf(pos, tri);
}

/**
 * The same with curved faces: sphere A at the origin and sphere B at z = 12 (radius 10, they
 * overlap), A's north-pole fan and B's south-pole fan removed and their rims joined by a tube that
 * runs inside both. One closed shell meaning A ∪ B.
 */
function joinedSpheres(segments = 48, rings = 24): { mesh: Mesh; a: Mesh; b: Mesh } {
  const a = sphere(10, segments, rings),
    b = sphere(10, segments, rings, [0, 0, 12]);
  const ring = (r: number, s: number) => 1 + (r - 1) * segments + (s % segments);
  const offset = a.positions.length / 3;
  const tri: number[] = [...a.indices.subarray(segments * 3)];
  for (const i of b.indices.subarray(0, b.indices.length - segments * 3)) tri.push(i + offset);
  for (let s = 0; s < segments; s++) {
    const a0 = ring(1, s),
      a1 = ring(1, s + 1),
      b0 = ring(rings - 1, s) + offset,
      b1 = ring(rings - 1, s + 1) + offset;
    tri.push(a0, a1, b1, a0, b1, b0);
  }
  return { mesh: meshOf([...a.positions, ...b.positions], tri), a, b };
}

/** Volume of the union of closed meshes, by manifold-3d. */
function unionVolume(...parts: Mesh[]): number {
  const solids = parts.map((m) => new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: m.positions, triVerts: m.indices })));
  const union = wasm.Manifold.union(solids);
  try {
    return union.volume();
  } finally {
    union.delete();
    for (const s of solids) s.delete();
  }
}

/** Every undirected edge used by exactly two faces, once in each direction. */
function expectEdgeManifold(mesh: Mesh): void {
  const uses = new Map<string, number>();
  const t = mesh.indices;
  for (let f = 0; f < t.length; f += 3) {
    for (let k = 0; k < 3; k++) {
      const a = t[f + k],
        b = t[f + ((k + 1) % 3)];
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      uses.set(key, (uses.get(key) ?? 0) + (a < b ? 1 : 1000));
    }
  }
  const bad = [...uses.values()].filter((u) => u !== 1001).length;
  expect(bad).toBe(0);
  expect(countEdgeDefects(mesh)).toEqual({ open: 0, overused: 0 });
}

/** manifold-3d builds it without complaint; returns its volume and genus. */
function manifoldAccepts(mesh: Mesh): { volume: number; genus: number } {
  const solid = new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices }));
  try {
    expect(solid.status()).toBe('NoError');
    expect(solid.numTri()).toBe(mesh.indices.length / 3);
    return { volume: solid.volume(), genus: solid.genus() };
  } finally {
    solid.delete();
  }
}

describe('the test shapes', () => {
  it('joined boxes and joined spheres are single closed, consistently wound shells', () => {
    for (const mesh of [joinedBoxes(), joinedSpheres().mesh]) {
      expect(measureDefects(mesh)).toMatchObject({ openEdges: 0, nonManifoldEdges: 0, flippedEdges: 0, shells: 1, degenerateFaces: 0 });
      expectEdgeManifold(mesh);
    }
    // A + B - the tube's prism: the overlap is counted twice, so this is not the solid meant.
    expect(volumeOf(joinedBoxes())).toBeCloseTo(1995, 6);
  });
});

describe('countSelfIntersections', () => {
  it('finds crossing faces in a shell folded through itself and none in plain solids', () => {
    expect(countSelfIntersections(joinedBoxes()).pairs).toBeGreaterThanOrEqual(6);
    expect(countSelfIntersections(joinedSpheres().mesh).pairs).toBeGreaterThan(0);
    expect(countSelfIntersections(box([0, 0, 0], [10, 10, 10]))).toEqual({ pairs: 0, capped: false });
    expect(countSelfIntersections(sphere(10, 96, 48))).toEqual({ pairs: 0, capped: false });
    // Two separate shells that overlap cross too (the union step handles those first).
    expect(countSelfIntersections(combine(box([0, 0, 0], [10, 10, 10]), box([5, 5, 5], [15, 15, 15]))).pairs).toBeGreaterThan(0);
    // Two boxes side by side, touching along a face (coplanar faces), cross nothing.
    expect(countSelfIntersections(combine(box([0, 0, 0], [10, 10, 10]), box([10, 2, 2], [20, 8, 8]))).pairs).toBe(0);
  });

  it('counts a crossing pair, not touching, coplanar or neighbouring pairs', () => {
    const flat = [0, 0, 0, 10, 0, 0, 0, 10, 0];
    const count = (positions: number[], indices = [0, 1, 2, 3, 4, 5]) => countSelfIntersections(meshOf(positions, indices)).pairs;
    // A vertical triangle piercing the flat one.
    expect(count([...flat, 2, 2, -5, 3, 2, 5, 2, 3, 5])).toBe(1);
    // A vertical triangle standing on the flat one (an edge lying on it): touching.
    expect(count([...flat, 2, 2, 0, 4, 2, 0, 3, 2, 5])).toBe(0);
    // A corner resting on the flat face: touching.
    expect(count([...flat, 2, 2, 0, 3, 2, 5, 2, 3, 5])).toBe(0);
    // Coplanar and overlapping: not a crossing.
    expect(count([...flat, 1, 1, 0, 8, 1, 0, 1, 8, 0])).toBe(0);
    // Crossing only beyond the flat triangle's edge (x + y > 10 there): no.
    expect(count([...flat, 6, 6, -5, 7, 6, 5, 6, 7, 5])).toBe(0);
    // Sharing an edge (flat or folded): skipped.
    expect(count([...flat, 10, 10, 0], [0, 1, 2, 1, 3, 2])).toBe(0);
    expect(count([...flat, 2, 2, -10], [0, 1, 2, 1, 0, 3])).toBe(0);
    // Sharing one vertex as neighbours in a fan do: no.
    expect(count([...flat, -10, 0, 1, 0, -10, 1], [0, 1, 2, 0, 3, 4])).toBe(0);
    // Sharing one vertex, the second folded back through the first: yes.
    expect(count([...flat, 6, 1, -3, 1, 6, 3], [0, 1, 2, 0, 3, 4])).toBe(1);
    // Sharing one vertex, the second crossing the first's plane only outside it: no.
    expect(count([...flat, -6, -1, -3, -1, -6, 3], [0, 1, 2, 0, 3, 4])).toBe(0);
  });

  it('stops at maxPairs and says the count is a lower bound', () => {
    const two = combine(sphere(10, 48, 24), sphere(10, 48, 24, [5, 0, 0]));
    const all = countSelfIntersections(two);
    expect(all.pairs).toBeGreaterThan(20);
    expect(all.capped).toBe(false);
    expect(countSelfIntersections(two, { maxPairs: 20 })).toEqual({ pairs: 20, capped: true });
  });
});

describe('forEachOverlappingPair', () => {
  it('visits exactly the pairs of triangles whose boxes overlap, each once', () => {
    const mesh = combine(sphere(10, 24, 13), box([-2, -2, -2], [2, 2, 2]), sphere(3, 12, 7, [6, 0, 0]));
    const faces = mesh.indices.length / 3;
    const boxOf = (f: number) => {
      const lo = [Infinity, Infinity, Infinity],
        hi = [-Infinity, -Infinity, -Infinity];
      for (let c = 0; c < 3; c++)
        for (let k = 0; k < 3; k++) {
          const x = mesh.positions[mesh.indices[f * 3 + c] * 3 + k];
          lo[k] = Math.min(lo[k], x);
          hi[k] = Math.max(hi[k], x);
        }
      return { lo, hi };
    };
    const boxes = Array.from({ length: faces }, (_, f) => boxOf(f));
    const expected = new Set<string>();
    for (let f = 0; f < faces; f++)
      for (let g = f + 1; g < faces; g++) {
        if ([0, 1, 2].every((k) => boxes[f].lo[k] <= boxes[g].hi[k] && boxes[g].lo[k] <= boxes[f].hi[k])) expected.add(`${f},${g}`);
      }
    const seen: string[] = [];
    forEachOverlappingPair(buildBvh(mesh), (f, g) => {
      seen.push(f < g ? `${f},${g}` : `${g},${f}`);
    });
    expect(seen.length).toBe(expected.size);
    expect(new Set(seen)).toEqual(expected);
  });
});

describe('WindingField', () => {
  it('counts how often the surface winds around a point, columns through edges and corners included', () => {
    const two = new WindingField(combine(box([0, 0, 0], [10, 10, 10]), box([5, 5, 5], [15, 15, 15])), 1);
    expect(two.windingAt(2, 2, 2)).toBe(1);
    expect(two.windingAt(7, 8, 7)).toBe(2);
    expect(two.windingAt(12, 12, 12)).toBe(1);
    expect(two.windingAt(12, 2, 2)).toBe(0);
    const cube = new WindingField(box([0, 0, 0], [10, 10, 10]), 1);
    // On the diagonal edge splitting top and bottom into triangles, on a side, at corners: a column
    // on the boundary counts as if moved by (+ε, +ε²), so each face is crossed exactly once or not at all.
    expect(cube.windingAt(5, 5, 5)).toBe(1);
    expect(cube.windingAt(0, 5, 5)).toBe(1);
    expect(cube.windingAt(0, 0, 5)).toBe(1);
    expect(cube.windingAt(10, 5, 5)).toBe(0);
    expect(cube.windingAt(10, 10, 5)).toBe(0);
    expect(cube.windingAt(5, 0, 5)).toBe(1);
    expect(cube.windingAt(5, 10, 5)).toBe(0);
    const joined = new WindingField(joinedBoxes(), 1);
    expect(joined.windingAt(6.5, 6.5, 7)).toBe(1); // inside the tube
    expect(joined.windingAt(8, 8, 7)).toBe(2); // in the overlap, beside it
    // Negative winding (an inward box): inside only by the nonzero rule.
    const inward = flipFaces(box([0, 0, 0], [10, 10, 10]), 'all');
    expect(new WindingField(inward, 1).windingAt(5, 5, 5)).toBe(-1);
    expect(new WindingField(inward, 1).value(5, 5, 5)).toBe(-1);
    expect(new WindingField(inward, 1, 'nonzero').value(5, 5, 5)).toBe(1);
    const spheres = new WindingField(sphere(10, 48, 24), 1);
    // Through the pole vertex, where 48 triangles meet, above and below.
    expect(spheres.windingAt(0, 0, 0)).toBe(1);
    expect(spheres.windingAt(0, 0, 11)).toBe(0);
  });

  it('is positive inside, negative outside, clamped to the spacing', () => {
    const field = new WindingField(box([0, 0, 0], [10, 10, 10]), 2);
    expect(field.value(5, 5, 5)).toBe(2);
    expect(field.value(5, 5, 9.5)).toBeCloseTo(0.5, 12);
    expect(field.value(5, 5, 10.25)).toBeCloseTo(-0.25, 12);
    expect(field.value(20, 5, 5)).toBe(-2);
  });
});

describe('levelSetRemesh', () => {
  it('rebuilds two overlapping boxes as their union (volume within 0.2%), closed and crossing-free', () => {
    const { mesh, edgeLength } = levelSetRemesh(combine(box([0, 0, 0], [10, 10, 10]), box([5, 5, 5], [15, 15, 15])), wasm);
    expect(edgeLength).toBeGreaterThan(0.1);
    expect(edgeLength).toBeLessThan(0.2);
    expectEdgeManifold(mesh);
    const { volume, genus } = manifoldAccepts(mesh);
    expect(genus).toBe(0);
    expect(Math.abs(volume - 1875) / 1875).toBeLessThan(0.002);
    expect(countSelfIntersections(mesh).pairs).toBe(0);
  });

  it('fails with repair_failed and a reason when the result is empty (an open sheet encloses nothing)', () => {
    let error: unknown;
    try {
      levelSetRemesh(meshOf([0, 0, 0, 10, 0, 0, 10, 10, 1, 0, 10, 1], [0, 1, 2, 0, 2, 3]), wasm, { resolution: 30 });
    } catch (e) {
      error = e;
    }
    expect(isPipelineError(error) && error.code).toBe('repair_failed');
    expect((error as Error).message).toMatch(/level-set rebuild .* is empty: .*scale the model up or fix the crossing faces/);
  });
});

describe('repairMesh with self-intersections', () => {
  it('rebuilds a box pair folded into one shell: a closed solid without crossings, volume of the union within 0.5%', () => {
    const input = joinedBoxes();
    const found = countSelfIntersections(input).pairs;
    const { mesh, log } = repairMesh(input, wasm);
    expect(log.shellsUnioned).toBe(0);
    expect(log.selfIntersectionsFound).toBe(found);
    expect(log.remeshedByLevelSet).toBe(true);
    expect(log.selfIntersectionsRemaining).toBe(0);
    expect(log.selfIntersectionsResolved).toBe(found);
    expectEdgeManifold(mesh);
    expect(countSelfIntersections(mesh).pairs).toBe(0);
    const { volume, genus } = manifoldAccepts(mesh);
    expect(genus).toBe(0);
    expect(Math.abs(volume - 1875) / 1875).toBeLessThan(0.005);
    expect(validateSolid(mesh, wasm).volumeMm3).toBeCloseTo(volume, 6);
  });

  it('rebuilds two spheres folded into one shell: volume of their union within 1%', () => {
    const { mesh: input, a, b } = joinedSpheres();
    const { mesh, log } = repairMesh(input, wasm);
    expect(log.selfIntersectionsFound).toBeGreaterThan(0);
    expect(log.remeshedByLevelSet).toBe(true);
    expectEdgeManifold(mesh);
    expect(countSelfIntersections(mesh).pairs).toBe(0);
    const expected = unionVolume(a, b);
    const { volume } = manifoldAccepts(mesh);
    expect(Math.abs(volume - expected) / expected).toBeLessThan(0.01);
  });

  it('opens a cavity that pokes out through its wall (positive winding), or lids it (nonzero)', () => {
    // A 10 mm box with an inward 6 x 6 x 10 mm box cavity reaching 2 mm out of its top: a cup.
    const input = combine(box([0, 0, 0], [10, 10, 10]), flipFaces(box([2, 2, 2], [8, 8, 12]), 'all'));
    const cup = repairMesh(input, wasm);
    expect(cup.log.cavitiesKept).toBe(1);
    expect(cup.log.selfIntersectionsFound).toBeGreaterThan(0);
    expect(cup.log.remeshedByLevelSet).toBe(true);
    expectEdgeManifold(cup.mesh);
    expect(countSelfIntersections(cup.mesh).pairs).toBe(0);
    const { volume, genus } = manifoldAccepts(cup.mesh);
    expect(genus).toBe(0);
    expect(Math.abs(volume - (1000 - 288)) / 712).toBeLessThan(0.005);
    // The nonzero rule counts the part of the cavity above the box (winding -1) as solid: + 72 mm³.
    const lidded = repairMesh(input, wasm, { levelSet: { fillRule: 'nonzero' } });
    expect(Math.abs(manifoldAccepts(lidded.mesh).volume - (712 + 72)) / 784).toBeLessThan(0.005);
  });

  it('keeps the crossings and the triangles when told not to resolve them', () => {
    const input = joinedBoxes();
    const { mesh, log } = repairMesh(input, wasm, { resolveSelfIntersections: false });
    expect(mesh.indices.length).toBe(input.indices.length);
    expect(log.remeshedByLevelSet).toBe(false);
    expect(log.selfIntersectionsFound).toBeGreaterThan(0);
    expect(log.selfIntersectionsRemaining).toBe(log.selfIntersectionsFound);
    expect(log.selfIntersectionsResolved).toBe(0);
  });

  it('passes plain solids through with their triangles unchanged', () => {
    for (const input of [box([0, 0, 0], [10, 10, 10]), sphere(10, 48, 24)]) {
      const { mesh, log } = repairMesh(input, wasm);
      expect(log.selfIntersectionsFound).toBe(0);
      expect(log.remeshedByLevelSet).toBe(false);
      expect(mesh.indices).toEqual(input.indices);
      expect(mesh.positions).toEqual(input.positions);
    }
  });
});

/**
 * A "C": a square ring (30 mm, 10 mm thick, 10 mm tall) with a 2 mm gap cut at x = 14..16 of its
 * bottom bar, whose right end is then pushed `overlap` mm past the left end's face (x = 14) and
 * narrowed by 1 mm on each side, so it pokes into the left end: one closed shell crossing itself,
 * the region inside both ends `overlap` thick.
 */
function touchingC(overlap: number): Mesh {
  const solid = (min: [number, number, number], max: [number, number, number]) =>
    wasm.Manifold.cube([max[0] - min[0], max[1] - min[1], max[2] - min[2]]).translate(min);
  const parts = [solid([0, 0, 0], [30, 30, 10]), solid([10, 10, -1], [20, 20, 11]), solid([14, -1, -1], [16, 11, 11])];
  const ring = parts[0].subtract(parts[1]);
  const c = ring.subtract(parts[2]);
  try {
    const m = c.getMesh();
    const positions = Float32Array.from(m.vertProperties);
    for (let i = 0; i < positions.length; i += 3) {
      if (positions[i] !== 16) continue;
      positions[i] = 14 - overlap;
      positions[i + 1] = 1 + positions[i + 1] * 0.8;
      positions[i + 2] = 1 + positions[i + 2] * 0.8;
    }
    return { positions, indices: Uint32Array.from(m.triVerts) };
  } finally {
    for (const x of [...parts, ring, c]) x.delete();
  }
}

describe('crossings resolved locally, or kept when harmless', () => {
  const run = (mesh: Mesh, extra: Record<string, unknown> = {}) =>
    runMeshPipeline(writeStl(mesh), resolveMeshParams({ formats: ['stl'], previews: false, ...extra }), {
      manifold: wasm,
      clock: () => performance.now(),
    });

  it('keeps the triangles when the surface only touches itself (a 0.01 mm overlap), and says where', async () => {
    const input = touchingC(0.01);
    const found = countSelfIntersections(input).pairs;
    expect(found).toBeGreaterThan(0);
    const { report } = await run(input);
    expect(report.repairs?.remeshedByLevelSet).toBe(false);
    expect(report.repairs?.selfIntersectionsHarmless).toBe(found);
    expect(report.triangles).toBe(input.indices.length / 3);
    expect(report.manifold).toBe(true);
    expect(report.verdict).toEqual({ printable: true, reasons: [] });
    const where = report.repairs!.selfIntersectionRegion!;
    expect(where.min[0]).toBeGreaterThan(13);
    expect(where.max[0]).toBeLessThan(15);
    expect(report.warnings.join('\n')).toMatch(/only touches itself .* kept/);
  });

  it('rebuilds a real overlap (2 mm) in a box around it only: the rest keeps its triangles, the solid is the union', async () => {
    const input = touchingC(2);
    const { report, mesh } = await run(input);
    expect(report.repairs?.selfIntersectionsHarmless).toBe(0);
    expect(report.repairs?.remeshedByLevelSet).toBe(true);
    expect(report.repairs?.levelSetScope).toBe('local');
    expect(report.after.selfIntersections).toBe(0);
    expect(report.manifold).toBe(true);
    expect(report.verdict.printable).toBe(true);
    // The box is around the overlap (x 12..14 at the bottom bar), not the ring.
    const where = report.repairs!.levelSetRegion!;
    expect(where.min[0]).toBeGreaterThan(8);
    expect(where.max[0]).toBeLessThan(18);
    expect(where.max[1]).toBeLessThan(16);
    // Far corners keep their exact positions (placed: centred on x, y; on the bed).
    const corners = new Set<string>();
    for (let i = 0; i < mesh.positions.length; i += 3)
      corners.add(`${mesh.positions[i]},${mesh.positions[i + 1]},${mesh.positions[i + 2]}`);
    const b = boundingBox(mesh);
    expect(corners.has(`${b.max[0]},${b.max[1]},${b.max[2]}`)).toBe(true);
    expect(corners.has(`${b.min[0]},${b.max[1]},${b.max[2]}`)).toBe(true);
    // Same solid as the whole-model rebuild, within the rebuilds' error.
    const whole = levelSetRemesh(input, wasm).mesh;
    const wholeVolume = manifoldAccepts(whole).volume;
    expect(Math.abs(report.volumeMm3 - wholeVolume) / wholeVolume).toBeLessThan(0.005);
    expect(report.triangles).toBeLessThan(whole.indices.length / 3);
    expect(report.repairs!.levelSetEdgeMm!).toBeLessThan(30 / 116);
    expect(report.warnings.join('\n')).toMatch(/that box was rebuilt on a .* mm lattice .* the rest keeps its triangles/);
  });
});

describe('the printability report', () => {
  const run = (mesh: Mesh, mode: 'repair' | 'convert', extra: Record<string, unknown> = {}) =>
    runMeshPipeline(writeStl(mesh), resolveMeshParams({ mode, formats: ['stl'], previews: false, ...extra }), {
      manifold: wasm,
      clock: () => performance.now(),
    });

  it('repair: self-intersections before and after, resolved by the rebuild, printable', async () => {
    const { report } = await run(joinedBoxes(), 'repair');
    expect(report.before.selfIntersections).toBe(countSelfIntersections(joinedBoxes()).pairs);
    expect(report.before.selfIntersections).toBeGreaterThan(0);
    expect(report.after.selfIntersections).toBe(0);
    expect(report.repairs?.remeshedByLevelSet).toBe(true);
    expect(report.repairs?.selfIntersectionsResolved).toBe(report.before.selfIntersections);
    expect(report.manifold).toBe(true);
    expect(Math.abs(report.volumeMm3 - 1875) / 1875).toBeLessThan(0.005);
    expect(report.verdict).toEqual({ printable: true, reasons: [] });
    // The lattice is about 1/116 of the longest side: the user is told what was smoothed, in the
    // placed model's millimetres (ten times the size, ten times the spacing).
    const spacing = (r: typeof report) => Number(/on a ([0-9.]+) mm lattice/.exec(r.warnings.join('\n'))?.[1]);
    expect(spacing(report)).toBeCloseTo(report.repairs!.levelSetEdgeMm!, 2);
    const longest = Math.max(...report.boundingBoxMm.size);
    const scaled = (await run(joinedBoxes(), 'repair', { targetSizeMm: longest * 10 })).report;
    expect(spacing(scaled) / spacing(report)).toBeGreaterThan(9.5);
    expect(spacing(scaled) / spacing(report)).toBeLessThan(10.5);
    // The report's figure is in the same millimetres as the warning, not in the file's units.
    expect(scaled.repairs!.levelSetEdgeMm!).toBeCloseTo(spacing(scaled), 1);
    const metres = (
      await run(
        meshOf(
          [...joinedBoxes().positions].map((v) => v / 1000),
          [...joinedBoxes().indices],
        ),
        'repair',
        { units: 'm' },
      )
    ).report;
    expect(metres.repairs!.levelSetEdgeMm!).toBeCloseTo(spacing(metres), 2);
    expect(metres.repairs!.levelSetEdgeMm!).toBeGreaterThan(0.1);
  });

  it('repair with resolveSelfIntersections off keeps the triangles and the crossings, and says so', async () => {
    const { report } = await run(joinedBoxes(), 'repair', { resolveSelfIntersections: false });
    expect(report.repairs?.remeshedByLevelSet).toBe(false);
    expect(report.after.triangles).toBe(joinedBoxes().indices.length / 3);
    expect(report.after.selfIntersections).toBe(report.before.selfIntersections);
    expect(report.verdict.printable).toBe(false);
    expect(() => resolveMeshParams({ mode: 'repair', resolveSelfIntersections: 'no' })).toThrow(/resolveSelfIntersections/);
  });

  it('convert: crossings left make the verdict "not printable" with the reason', async () => {
    const { report } = await run(joinedBoxes(), 'convert');
    expect(report.after.selfIntersections).toBe(report.before.selfIntersections);
    expect(report.after.selfIntersections).toBeGreaterThan(0);
    expect(report.verdict.printable).toBe(false);
    expect(report.verdict.reasons).toContain(
      `the surface crosses itself (${report.after.selfIntersections} pairs of faces); slicers may fill or drop what the crossing parts enclose: run --mode repair to rebuild it as one solid`,
    );
    const plain = await run(box([0, 0, 0], [10, 10, 10]), 'convert');
    expect(plain.report.before.selfIntersections).toBe(0);
    expect(plain.report.after.selfIntersections).toBe(0);
    expect(plain.report.verdict.printable).toBe(true);
  });
});
