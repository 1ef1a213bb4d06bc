import { Document, WebIO } from '@gltf-transform/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { writeGlb } from '../../src/pipeline/export/glb.ts';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import { readMesh } from '../../src/pipeline/import/read-mesh.ts';
import { resolveMeshParams } from '../../src/pipeline/mesh-params.ts';
import { runMeshPipeline } from '../../src/pipeline/run-mesh-pipeline.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { boundingBox } from '../../src/pipeline/mesh.ts';
import { repairParamsFor, resolveAiParams } from '../../src/services/ai/ai-params.ts';
import { box, combine, flipFaces, removeFaces, sphere, volumeOf } from '../helpers/mesh-fixtures.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

const deps = () => ({ manifold: wasm, clock: () => performance.now() });
const run = (mesh: Mesh, params: Record<string, unknown>) =>
  runMeshPipeline(writeStl(mesh), resolveMeshParams({ previews: false, ...params }), deps());
const bytesOf = async (artifact: { chunks: () => Iterable<Uint8Array> }) => {
  const parts = [...artifact.chunks()];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('runMeshPipeline repair', () => {
  it('reports before/after counts for a cube with a missing face and puts it on the bed', async () => {
    const { report, mesh } = await run(removeFaces(box([5, 5, 5], [15, 15, 15]), [2]), { formats: ['3mf'] });
    expect(report.before.openEdges).toBe(3);
    expect(report.after.openEdges).toBe(0);
    expect(report.repairs?.holesFilled).toBe(1);
    expect(report.manifold).toBe(true);
    expect(report.volumeMm3).toBeCloseTo(1000, 2);
    const b = boundingBox(mesh);
    expect(b.min[2]).toBe(0);
    expect(b.min[0]).toBeCloseTo(-5, 5);
    expect(report.verdict.printable).toBe(true);
    expect(report.thinWall?.p5Mm).toBeCloseTo(10, 3);
    expect(report.overhang.areaMm2).toBe(0);
    expect(report.overhang.bedContactMm2).toBeCloseTo(100, 3);
  });

  it('scales by units and by a target size, and says when it does not fit the build volume', async () => {
    const inches = await run(box([0, 0, 0], [1, 2, 3]), { units: 'in' });
    expect(inches.report.boundingBoxMm.size).toEqual([25.4, 50.8, 76.2]);
    const big = await run(box([0, 0, 0], [1, 2, 3]), { units: 'm' });
    expect(big.report.fitsBuildVolume).toBe(false);
    expect(big.report.verdict.printable).toBe(false);
    const target = await run(box([0, 0, 0], [1, 2, 4]), { targetSizeMm: 100 });
    expect(target.report.boundingBoxMm.size[2]).toBeCloseTo(100, 3);
  });

  it('flags thin walls and overhangs', async () => {
    const plate = await run(box([0, 0, 0], [50, 50, 0.2]), {});
    expect(plate.report.thinWall?.p5Mm).toBeCloseTo(0.2, 3);
    expect(plate.report.verdict).toEqual({
      printable: false,
      reasons: ['walls are thin: 5% of the surface is on walls under 0.2 mm, below the 0.4 mm minimum'],
    });
    // A T: the bar's underside overhangs the stem.
    const t = await run(combine(box([4, 4, 0], [6, 6, 10]), box([0, 0, 10], [10, 10, 12])), {});
    expect(t.report.overhang.areaMm2).toBeCloseTo(96, 0);
  });

  it('does not call a repaired 20 mm cube thin because of the sliver its hole fill left', async () => {
    // Like admesh's block_nearby-bad: one corner of one top triangle is a second copy of the
    // corner, 0.5 mm off on each axis; weld cannot join it, so repair fills the gap with a wedge
    // of two small triangles whose inward rays leave through the next face within a fraction of a
    // millimetre. They are 2 faces of 14 (the old per-face 5th percentile) but ~0.1% of the surface.
    const cube = box([0, 0, 0], [20, 20, 20]);
    const positions = Float32Array.from([...cube.positions, 19.5, 19.5, 19.5]);
    const indices = cube.indices.slice();
    expect([...indices.subarray(6, 9)]).toEqual([4, 5, 6]);
    indices[8] = 8;
    const { report } = await run({ positions, indices }, {});
    expect(report.before.openEdges).toBeGreaterThan(0);
    expect(report.manifold).toBe(true);
    expect(report.thinWall!.p5Mm).toBeGreaterThan(19);
    expect(report.verdict).toEqual({ printable: true, reasons: [] });
  });

  it('says a model set to millimetres is too small to print, instead of "walls are thin"', async () => {
    const cube = box([0, 0, 0], [0.02, 0.02, 0.02]); // a 20 mm cube written in metres, read as mm on request
    const { report } = await run(cube, { units: 'mm' });
    expect(report.verdict.printable).toBe(false);
    expect(report.verdict.reasons).toEqual([
      'the model is only 0.02 mm across, smaller than the 0.4 mm minimum wall: set a larger target size',
    ]);
    const inMetres = await run(cube, { units: 'm' });
    expect(inMetres.report.boundingBoxMm.size).toEqual([20, 20, 20]);
    expect(inMetres.report.verdict).toEqual({ printable: true, reasons: [] });
  });

  it('leads with the size when a small model from a unitless file has thin walls, and not when a unit or size was given', async () => {
    // A 50 x 50 x 0.5 mm tile drawn in centimetres: 5 "mm" across with 0.05 "mm" walls.
    const tile = box([0, 0, 0], [5, 5, 0.05]);
    const { report } = await run(tile, {});
    expect(report.verdict.reasons).toEqual([
      'the model is only 5 mm across and 5% of its surface is on walls under 0.05 mm (minimum 0.4 mm): if the file is not in millimetres, set its unit (--units cm, m or in)',
    ]);
    expect((await run(tile, { units: 'cm' })).report.verdict).toEqual({ printable: true, reasons: [] });
    const thin = ['walls are thin: 5% of the surface is on walls under 0.05 mm, below the 0.4 mm minimum'];
    expect((await run(tile, { units: 'mm' })).report.verdict.reasons).toEqual(thin);
    expect((await run(tile, { targetSizeMm: 5 })).report.verdict.reasons).toEqual(thin);
  });

  it('orients flat-base: a tilted cube lands on a face', async () => {
    const cube = box([0, 0, 0], [10, 10, 10]);
    const c = Math.cos(0.5),
      s = Math.sin(0.5);
    const tilted = { positions: cube.positions.slice(), indices: cube.indices };
    for (let i = 0; i < tilted.positions.length; i += 3) {
      const x = cube.positions[i],
        z = cube.positions[i + 2];
      tilted.positions[i] = c * x + s * z;
      tilted.positions[i + 2] = -s * x + c * z;
    }
    const { report } = await run(tilted, { orient: 'flat-base' });
    expect(report.orientation?.rotated).toBe(true);
    expect(report.overhang.bedContactMm2).toBeCloseTo(100, 1);
    expect(report.boundingBoxMm.size[2]).toBeCloseTo(10, 3);
  });

  it('fails a triangle soup with repair_failed and a reason', async () => {
    const soup = {
      positions: Float32Array.from({ length: 90 }, (_, i) => Math.sin(i * 7.1) * 50),
      indices: Uint32Array.from({ length: 30 }, (_, i) => i),
    };
    const error = await run(soup, {}).catch((e: unknown) => e);
    expect(isPipelineError(error) && error.code).toBe('repair_failed');
  });
});

describe('parts that touch along an edge (corpus trimesh_shared.STL)', () => {
  // Two cubes sharing one edge: repair keeps them apart by separate vertices, which an STL cannot record,
  // so a slicer (or any position weld) reads an edge of four faces. bench:printable counted it as printable.
  const touching = () => combine(box([0, 0, 0], [10, 10, 10]), box([10, 10, 0], [20, 20, 10]));

  it('as STL the verdict is not printable, with the reason', async () => {
    const { report } = await run(touching(), { formats: ['stl'] });
    expect(report.verdict.printable).toBe(false);
    expect(report.verdict.reasons.join(' ')).toMatch(/touch along an edge.*STL/);
  });

  it('as 3MF alone, which keeps them apart, it stays printable', async () => {
    const { report } = await run(touching(), { formats: ['3mf'] });
    expect(report.verdict.reasons.join(' ')).not.toMatch(/touch along an edge/);
  });
});

describe('runMeshPipeline convert', () => {
  it('keeps triangle count and volume through every format', async () => {
    const input = sphere(10, 32, 16);
    const { artifacts, report } = await run(input, { mode: 'convert', formats: ['stl', '3mf', 'glb', 'obj'] });
    expect(report.manifold).toBe(true);
    for (const name of ['model.stl', 'model.3mf', 'model.glb', 'model.obj']) {
      const back = await readMesh(await bytesOf(artifacts.find((a) => a.name === name)!));
      expect(back.mesh.indices.length).toBe(input.indices.length);
      const scale = back.unit === 'meter' ? 1e9 : 1;
      expect(Math.abs(volumeOf(back.mesh) * scale - volumeOf(input)) / volumeOf(input)).toBeLessThan(1e-4);
    }
  });

  it('reports an open mesh as not a solid instead of failing', async () => {
    const { report } = await run(removeFaces(box([0, 0, 0], [1, 1, 1]), [0]), { mode: 'convert' });
    expect(report.manifold).toBe(false);
    expect(report.after.openEdges).toBe(3);
    expect(report.verdict.printable).toBe(false);
  });
});

/** A GLB as other tools write it: Y-up, metres, no generator of ours. */
async function foreignGlb(mesh: Mesh, metresPerUnit = 0.001): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const position = doc
    .createAccessor()
    .setType('VEC3')
    .setArray(mesh.positions.map((v) => v * metresPerUnit))
    .setBuffer(buffer);
  const indices = doc.createAccessor().setType('SCALAR').setArray(Uint32Array.from(mesh.indices)).setBuffer(buffer);
  const gltfMesh = doc.createMesh().addPrimitive(doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices));
  doc.createScene().addChild(doc.createNode().setMesh(gltfMesh));
  return new WebIO().writeBinary(doc);
}

/** The mesh turned by `angle` about the unit axis (Rodrigues). */
function rotated(mesh: Mesh, axis: [number, number, number], angle: number): Mesh {
  const [x, y, z] = axis;
  const c = Math.cos(angle),
    s = Math.sin(angle),
    C = 1 - c;
  const m = [
    c + x * x * C,
    x * y * C - z * s,
    x * z * C + y * s,
    y * x * C + z * s,
    c + y * y * C,
    y * z * C - x * s,
    z * x * C - y * s,
    z * y * C + x * s,
    c + z * z * C,
  ];
  const p = mesh.positions;
  const positions = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    for (let r = 0; r < 3; r++) positions[i + r] = m[r * 3] * p[i] + m[r * 3 + 1] * p[i + 1] + m[r * 3 + 2] * p[i + 2];
  }
  return { positions, indices: mesh.indices };
}

/**
 * A dome (r = 20 mm) on a base that is flat to 0.09 mm but not exactly: the sphere's lower half
 * pressed into the plane z = 0 with every base vertex a pseudo-random 0-0.09 mm lower, as a scan
 * or a sculpt gives. No base face is within 1° of level; the base still prints as one flat layer.
 */
function domeOnRoughBase(): Mesh {
  const ball = sphere(20, 48, 24);
  const positions = ball.positions.slice();
  let state = 3;
  for (let i = 0; i < positions.length; i += 3) {
    if (positions[i + 2] >= -1e-6) continue;
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    positions[i + 2] = -0.09 * (state / 4294967296);
  }
  return { positions, indices: ball.indices };
}

/** An icosahedron (circumradius 19 mm) with a sharp spike on every face: no pose gives it a flat base. */
function spikyBall(): Mesh {
  const phi = (1 + Math.sqrt(5)) / 2;
  const v: number[][] = [];
  for (const a of [-1, 1]) for (const b of [-phi, phi]) v.push([0, a, b], [a, b, 0], [b, 0, a]);
  const faces: number[][] = [];
  // The 20 faces: triples of vertices pairwise at edge length 2, wound outward.
  for (let i = 0; i < 12; i++)
    for (let j = i + 1; j < 12; j++)
      for (let k = j + 1; k < 12; k++) {
        const d = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
        if ([d(v[i], v[j]), d(v[j], v[k]), d(v[i], v[k])].every((e) => Math.abs(e - 2) < 1e-9)) {
          const [a, b, c] = [v[i], v[j], v[k]];
          const n = [
            (b[1] - a[1]) * (c[2] - a[2]) - (b[2] - a[2]) * (c[1] - a[1]),
            (b[2] - a[2]) * (c[0] - a[0]) - (b[0] - a[0]) * (c[2] - a[2]),
            (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]),
          ];
          faces.push(n[0] * a[0] + n[1] * a[1] + n[2] * a[2] > 0 ? [i, j, k] : [i, k, j]);
        }
      }
  const positions = v.flat().map((x) => x * 10);
  const indices: number[] = [];
  for (const [a, b, c] of faces) {
    const centre = [0, 1, 2].map((k) => (v[a][k] + v[b][k] + v[c][k]) / 3);
    const len = Math.hypot(...centre);
    positions.push(...centre.map((x) => (x / len) * 40));
    const apex = positions.length / 3 - 1;
    indices.push(a, b, apex, b, c, apex, c, a, apex);
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/**
 * What image-to-3D models serve for a ball: a thin hollow shell one unit across, an outer sphere
 * (r = 0.5) and an inner one (r = 0.45, wound inward: the wall's inside), with a hole in the outer.
 */
function hollowAiBall(): Mesh {
  const outer = removeFaces(sphere(0.5, 64, 32), [2000, 2001, 2002, 2003]);
  const inner = flipFaces(sphere(0.45, 64, 32), 'all');
  return combine(outer, inner);
}

describe('inner shells', () => {
  const solidBall = (4 / 3) * Math.PI * 40 ** 3; // 268,083 mm³ at 80 mm

  it('an AI result (hollow double wall with a hole) comes out a solid ball: inner shells are filled by default', async () => {
    const bytes = await foreignGlb(hollowAiBall(), 1);
    const { report } = await runMeshPipeline(bytes, { ...repairParamsFor(resolveAiParams({ mode: 'ai-image' })), previews: false }, deps());
    expect(report.boundingBoxMm.size[0]).toBeCloseTo(80, 0);
    expect(report.manifold).toBe(true);
    expect(report.genus).toBe(0);
    expect(report.after.shells).toBe(1);
    expect(report.repairs?.innerShellsFilled).toBe(1);
    expect(report.repairs?.cavitiesKept).toBe(0);
    expect(Math.abs(report.volumeMm3 - solidBall) / solidBall).toBeLessThan(0.01);
    expect(report.notes.join(' ')).toMatch(/filled 1 inner shell/);
  });

  it('keepInnerShells keeps the AI result hollow; uploads keep them unless fillInnerShells is set', async () => {
    const bytes = await foreignGlb(hollowAiBall(), 1);
    const kept = await runMeshPipeline(
      bytes,
      { ...repairParamsFor(resolveAiParams({ mode: 'ai-image', keepInnerShells: true })), previews: false },
      deps(),
    );
    expect(kept.report.after.shells).toBe(2);
    expect(kept.report.repairs?.cavitiesKept).toBe(1);
    expect(kept.report.volumeMm3).toBeLessThan(solidBall * 0.3);
    const upload = combine(removeFaces(sphere(40, 64, 32), [2000, 2001]), flipFaces(sphere(36, 64, 32), 'all'));
    expect((await run(upload, {})).report.repairs?.cavitiesKept).toBe(1);
    const filled = (await run(upload, { fillInnerShells: true })).report;
    expect(filled.repairs?.innerShellsFilled).toBe(1);
    expect(filled.after.shells).toBe(1);
    expect(() => resolveMeshParams({ fillInnerShells: 'yes' })).toThrow(/fillInnerShells/);
  });
});

describe('bed contact', () => {
  it('a cube standing on a corner or an edge is not printable as it is, and the verdict says how to stand it', async () => {
    const cube = box([-10, -10, -10], [10, 10, 10]);
    const onEdge = rotated(cube, [1, 0, 0], Math.PI / 4);
    const onCorner = rotated(rotated(cube, [1, 0, 0], Math.PI / 4), [0, 1, 0], Math.atan(1 / Math.SQRT2));
    for (const mesh of [onEdge, onCorner]) {
      const { report } = await run(mesh, {});
      expect(report.manifold).toBe(true);
      expect(report.bedContact.widthMm).toBeLessThan(0.4);
      expect(report.verdict.printable).toBe(false);
      expect(report.verdict.reasons.join('\n')).toMatch(/touches the bed on only .* mm² .*--orient flat-base/);
    }
    // A cube already on a face is left as it is.
    const standing = await run(cube, { orient: 'flat-base' });
    expect(standing.report.orientation).toEqual({ baseNormal: [0, 0, -1], baseAreaMm2: 400, rotated: false, stable: true });
    const flat = await run(onCorner, { orient: 'flat-base' });
    expect(flat.report.overhang.bedContactMm2).toBeCloseTo(400, 0);
    expect(flat.report.bedContact.areaMm2).toBeCloseTo(400, 0);
    expect(flat.report.verdict).toEqual({ printable: true, reasons: [] });
  });

  it("flat-base stands a dome on its rough base (no face level within 1°), found among the convex hull's faces", async () => {
    const upsideDown = rotated(domeOnRoughBase(), [1, 0, 0], Math.PI);
    const { report } = await run(upsideDown, { orient: 'flat-base' });
    expect(report.orientation?.rotated).toBe(true);
    expect(report.orientation?.stable).toBe(true);
    expect(report.boundingBoxMm.size[2]).toBeCloseTo(20.09, 1);
    // The first layer is the whole base: a 20 mm disc (1257 mm²), less the 48-gon's shortfall.
    expect(report.bedContact.areaMm2).toBeGreaterThan(1200);
    expect(report.verdict.printable).toBe(true);
  });

  it('a model no pose stands on is "not printable" with flat-base too, with a suggestion, never printable on a point', async () => {
    const { report } = await run(spikyBall(), { orient: 'flat-base' });
    expect(report.manifold).toBe(true);
    expect(report.bedContact.areaMm2).toBeLessThan(1);
    expect(report.verdict.printable).toBe(false);
    expect(report.verdict.reasons.join('\n')).toMatch(/no orientation gives it a flat base.*cut a flat base/);
  });

  it('a ball prints on the first layer it squashes, so it is printable though no face lies flat', async () => {
    const { report } = await run(sphere(40, 96, 48), {});
    // The section 0.1 mm above the bed: a disc of radius sqrt(2 x 40 x 0.1) = 2.83 mm, 25 mm².
    expect(report.bedContact.areaMm2).toBeGreaterThan(15);
    expect(report.verdict.printable).toBe(true);
  });
});

describe('models without units whose size is implausible for a print', () => {
  it('reads a 0.02-unit cube as metres (20 mm), says so and how to undo it', async () => {
    const { report } = await run(box([0, 0, 0], [0.02, 0.02, 0.02]), {});
    expect(report.scaleToMm).toBe(1000);
    expect(report.boundingBoxMm.size).toEqual([20, 20, 20]);
    expect(report.unitGuess).toEqual({ unit: 'm', scaleToMm: 1000, sizeAsReadMm: 0.02 });
    expect(report.warnings.join('\n')).toMatch(/0\.02 mm across.*read as metres.*scaled by 1000.*--units mm/);
    expect(report.verdict).toEqual({ printable: true, reasons: [] });
  });

  it('reads a 2-unit part as inches rather than centimetres (the size nearer a typical print)', async () => {
    const { report } = await run(box([0, 0, 0], [2, 1, 0.5]), {});
    expect(report.unitGuess?.unit).toBe('in');
    expect(report.boundingBoxMm.size).toEqual([50.8, 25.4, 12.7]);
    expect(report.warnings.join('\n')).toMatch(/read as inches.*--units mm/);
  });

  it('fits a model over a metre across, that no unit explains, to the build volume', async () => {
    const { report } = await run(box([0, 0, 0], [5000, 100, 100]), {});
    expect(report.unitGuess?.unit).toBe('fit');
    expect(report.fitsBuildVolume).toBe(true);
    expect(Math.max(...report.boundingBoxMm.size)).toBeGreaterThan(150);
    expect(report.warnings.join('\n')).toMatch(/5000 mm across.*fitted to the 220 x 220 x 250 mm build volume.*--units mm/);
  });

  it('fits a model over twice the build volume (900 mm on a 250 mm printer) and says how to keep it', async () => {
    const { report } = await run(box([0, 0, 0], [900, 10, 10]), {});
    expect(report.unitGuess?.unit).toBe('fit');
    expect(report.fitsBuildVolume).toBe(true);
    expect(report.verdict.printable).toBe(true);
    expect(report.warnings.join('\n')).toMatch(/900 mm across.*fitted to the 220 x 220 x 250 mm build volume.*--units mm/);
    // A bigger printer keeps it: 900 mm is under twice its 600 mm side.
    const bigPrinter = await run(box([0, 0, 0], [900, 10, 10]), { buildVolumeMm: [600, 600, 600] });
    expect(bigPrinter.report.unitGuess).toBeUndefined();
  });

  it('reads a GLB whose numbers are millimetres (150 "metres" across) as millimetres; --units m keeps glTF\'s metres', async () => {
    const bytes = await foreignGlb(box([0, 0, 0], [150, 40, 20]), 1);
    const { report } = await runMeshPipeline(bytes, resolveMeshParams({ previews: false }), deps());
    expect(report.unitGuess?.unit).toBe('mm');
    expect(report.scaleToMm).toBe(1);
    expect(report.boundingBoxMm.size).toEqual([150, 20, 40]);
    expect(report.warnings.join('\n')).toMatch(/read as millimetres.*--units m\b/);
    expect(report.notes.join(' ')).not.toMatch(/scaled by 1000/);
    const kept = await runMeshPipeline(bytes, resolveMeshParams({ previews: false, units: 'm' }), deps());
    expect(kept.report.unitGuess).toBeUndefined();
    expect(kept.report.boundingBoxMm.size).toEqual([150_000, 20_000, 40_000]);
  });

  it('leaves plausible sizes, explicit units and target sizes alone', async () => {
    for (const [mesh, params] of [
      [box([0, 0, 0], [5, 5, 0.05]), {}],
      [box([0, 0, 0], [450, 10, 10]), {}],
      [box([0, 0, 0], [0.02, 0.02, 0.02]), { units: 'mm' }],
      [box([0, 0, 0], [0.02, 0.02, 0.02]), { targetSizeMm: 30 }],
    ] as const) {
      const { report } = await run(mesh, params);
      expect(report.unitGuess).toBeUndefined();
      expect(report.warnings.join('\n')).not.toMatch(/read as|fitted to/);
    }
  });
});

describe('runMeshPipeline GLB axes', () => {
  // A 10 x 40 x 20 mm post standing up along glTF's +Y (its up axis).
  const post = box([0, 0, 0], [10, 40, 20]);

  it('turns a foreign GLB from Y-up to Z-up (+90° about X), so it stands as authored, and says so', async () => {
    const bytes = await foreignGlb(post);
    const { report, mesh } = await runMeshPipeline(bytes, resolveMeshParams({ previews: false }), deps());
    expect(report.boundingBoxMm.size).toEqual([10, 20, 40]);
    expect(report.inputUpAxis).toBe('y');
    expect(report.before.boundingBoxMm.size).toEqual([10, 20, 40]);
    expect(report.volumeMm3).toBeCloseTo(8000, 1); // still wound outward
    expect(report.notes.join(' ')).toMatch(/Y-up.*\+90° about X.*upAxis z/);
    // +90° about X: glTF's +Y becomes +Z, its +Z becomes -Y (the front faces the viewer, -Y).
    const b = boundingBox(mesh);
    expect(b.min[2]).toBe(0);
    const kept = await runMeshPipeline(bytes, resolveMeshParams({ previews: false, upAxis: 'z' }), deps());
    expect(kept.report.boundingBoxMm.size).toEqual([10, 40, 20]);
    expect(kept.report.inputUpAxis).toBe('z');
  });

  it('turns a foreign GLB upright in convert mode too, and the AI repair turns it once', async () => {
    const bytes = await foreignGlb(post);
    const converted = await runMeshPipeline(bytes, resolveMeshParams({ previews: false, mode: 'convert' }), deps());
    expect(converted.report.boundingBoxMm.size).toEqual([10, 20, 40]);
    const ai = await runMeshPipeline(bytes, resolveMeshParams({ previews: false, upAxis: 'y', targetHeightMm: 80 }), deps());
    expect(ai.report.boundingBoxMm.size).toEqual([20, 40, 80]);
  });

  it('keeps our own GLB (Z-up millimetres under a node scale) as it is', async () => {
    const bytes = await writeGlb(post);
    const { report } = await runMeshPipeline(bytes, resolveMeshParams({ previews: false }), deps());
    expect(report.boundingBoxMm.size).toEqual([10, 40, 20]);
    expect(report.inputUpAxis).toBe('z');
  });
});

/**
 * A closed 10 mm cube whose top front edge (4 -> 5) is split on the front side by vertex 8 at
 * `split`, the top face still using the whole edge: the sliver (5, 4, 8) closes it. With 8 on the
 * edge the sliver has zero area; with 8 a hair from corner 4, so has its neighbour (0, 8, 4).
 */
function cubeWithSliver(split: [number, number, number]): Mesh {
  const positions = Float32Array.from([0, 0, 0, 10, 0, 0, 10, 10, 0, 0, 10, 0, 0, 0, 10, 10, 0, 10, 10, 10, 10, 0, 10, 10, ...split]);
  const indices = Uint32Array.from([
    0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 8, 0, 8, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7, 5, 4, 8,
  ]);
  return { positions, indices };
}

describe('the report is consistent and in millimetres', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts zero-area faces with three distinct corners as degenerate', async () => {
    const { report } = await run(cubeWithSliver([5, 0, 10]), { mode: 'convert' });
    expect(report.before.degenerateFaces).toBe(1);
    expect(report.manifold).toBe(true);
  });

  it('records the slivers the solid check collapsed, so every vanished triangle is accounted for', async () => {
    const { report } = await run(cubeWithSliver([1e-7, 0, 10]), {});
    expect(report.before.degenerateFaces).toBe(2);
    expect(report.before.triangles).toBe(14);
    expect(report.sliversCollapsed).toBe(2);
    expect(report.triangles).toBe(12);
    expect(report.after.triangles).toBe(report.triangles);
    expect(report.after.degenerateFaces).toBe(0);
    expect(report.notes.join(' ')).toMatch(/2 zero-area triangles/);
  });

  it('says a GLB in metres was scaled by 1000, as scaleToMm says, and prints nothing of glTF-Transform on the terminal', async () => {
    const warn = vi.spyOn(console, 'warn');
    const info = vi.spyOn(console, 'info');
    const bytes = await foreignGlb(box([0, 0, 0], [10, 20, 30]));
    // The extension manifold-3d's exporter writes, optional and unknown to glTF-Transform's reader.
    const { report } = await runMeshPipeline(withExtensionUsed(bytes, 'EXT_mesh_manifold'), resolveMeshParams({ previews: false }), deps());
    expect(report.scaleToMm).toBe(1000);
    expect(report.notes.join(' ')).not.toMatch(/unscaled/);
    expect(report.notes.join(' ')).toMatch(/metres.*scaled by 1000 to mm/);
    expect(report.notes.join(' ')).toMatch(/EXT_mesh_manifold/);
    expect(warn).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(report.boundingBoxMm.size).toEqual([10, 30, 20]);
  });
});

/** The GLB with `name` added to its JSON chunk's extensionsUsed. */
function withExtensionUsed(glb: Uint8Array, name: string): Uint8Array {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
  json.extensionsUsed = [...(json.extensionsUsed ?? []), name];
  let text = JSON.stringify(json);
  text = text.padEnd(Math.ceil(text.length / 4) * 4, ' ');
  const jsonBytes = new TextEncoder().encode(text);
  const rest = glb.subarray(20 + jsonLength);
  const out = new Uint8Array(20 + jsonBytes.length + rest.length);
  const o = new DataView(out.buffer);
  o.setUint32(0, 0x46546c67, true);
  o.setUint32(4, 2, true);
  o.setUint32(8, out.length, true);
  o.setUint32(12, jsonBytes.length, true);
  o.setUint32(16, 0x4e4f534a, true);
  out.set(jsonBytes, 20);
  out.set(rest, 20 + jsonBytes.length);
  return out;
}

describe('resolveMeshParams', () => {
  it('rejects nonsense with invalid_parameters', () => {
    for (const bad of [
      { mode: 'fix' },
      { units: 'furlong' },
      { targetSizeMm: -1 },
      { buildVolumeMm: [1, 2] },
      { colour: 'red' },
      { formats: ['fbx'] },
    ]) {
      expect(() => resolveMeshParams(bad)).toThrow(expect.objectContaining({ code: 'invalid_parameters' }));
    }
  });
});
