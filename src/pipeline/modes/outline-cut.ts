/**
 * The subject-outline cut (issue 16): a relief or flat lithophane cut to the picture's subject, from
 * its alpha channel or a background colour, instead of a full rectangle with the transparent areas
 * made as if white (handwriting on a transparency came out as a blank plate).
 *
 * Method: the subject mask on the print grid has its strokes narrower than the nozzle thickened
 * (extrude/thicken.ts), so nothing of the subject is lost, and is traced (extrude/contours.ts) into
 * rings, simplified in mm and made a manifold-3d CrossSection; the outline is smoothed to the nozzle
 * by a closing (grow, then shrink by half a nozzle: notches and gaps a nozzle cannot draw are filled)
 * and a light opening (a quarter nozzle: pixel stairs on convex corners rounded). Separate pieces
 * are joined into one solid by bars two nozzles wide along a minimum spanning tree of the pieces
 * (Prim, nearest outline points, each outline sampled at 4-64 points: fewer when there are many pieces), and the footprint, extruded
 * through the whole height, is intersected with the surface solid: the base stays under the subject
 * and walls rise along the outline. One 3D boolean, strict manifold by manifold-3d's construction.
 * Measured (December 2026, load 18 on 2 cores): the bench's handwriting on a transparency (1600 x 600)
 * as a 100 mm relief was a 5,730 mm³ plate (5.8k triangles); cut, it is its strokes, 1,194 mm³ in one
 * piece (12 pieces, 11 bars), 17k triangles, build 2.0 s against 0.4 s; as a flat lithophane 12,013
 * mm³ -> 2,125 mm³. At 240 mm (one sample per 1.3 px) the volume is within 3% of the strokes' area
 * x height without a nozzle (test/pipeline/image-printability.test.ts).
 */
import type { CrossSection, ManifoldToplevel } from 'manifold-3d';
import type { FeatureWidth } from '../analyze/feature-width.ts';
import { measureFeatureWidth } from '../analyze/feature-width.ts';
import { PipelineError } from '../errors.ts';
import { traceContours } from '../extrude/contours.ts';
import { manifoldToMesh } from '../extrude/manifold-mesh.ts';
import type { Point } from '../extrude/ring.ts';
import { scaleRings, signedArea } from '../extrude/ring.ts';
import { simplifyRings } from '../extrude/simplify.ts';
import { thickenThinFeatures } from '../extrude/thicken.ts';
import { WasmScope } from '../extrude/wasm-scope.ts';
import type { Heightmap } from '../heightmap.ts';
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';

const STAGE = 'outline';

export type OutlineSource = 'auto' | 'none' | 'alpha' | 'colour';

export interface OutlineMaskOptions {
  outline: OutlineSource;
  backgroundColour: string;
  backgroundTolerance: number;
}

/** Transparent share below which a picture's alpha is not meaningful for 'auto' (a few stray pixels). */
const MEANINGFUL_TRANSPARENCY = 0.01;

/**
 * The subject mask on the grid, or undefined when there is no cut: 'none'; 'auto' on a picture with
 * (almost) no transparency; 'alpha' on a picture without any (a warning says so).
 */
export function subjectOutlineMask(map: Heightmap, o: OutlineMaskOptions, warnings: string[]): Uint8Array | undefined {
  if (o.outline === 'none') return undefined;
  if (o.outline === 'colour') {
    const background = brightnessOf(o.backgroundColour);
    const mask = new Uint8Array(map.values.length);
    for (let i = 0; i < mask.length; i++) {
      const opaque = map.mask ? map.mask[i] === 1 : true;
      mask[i] = opaque && Math.abs(map.values[i] - background) > o.backgroundTolerance ? 1 : 0;
    }
    if (!mask.includes(1)) {
      throw new PipelineError(
        'image_empty',
        `${STAGE}: every pixel is the background colour ${o.backgroundColour}: there is nothing to make`,
        STAGE,
      );
    }
    return mask;
  }
  if (!map.mask) {
    if (o.outline === 'alpha') warnings.push('the picture has no transparent areas: the outline cut from alpha made no cut');
    return undefined;
  }
  let transparent = 0;
  for (let i = 0; i < map.mask.length; i++) if (!map.mask[i]) transparent++;
  if (o.outline === 'auto' && transparent < MEANINGFUL_TRANSPARENCY * map.mask.length) return undefined;
  return map.mask;
}

/** Rings of background filled per pass from their filled neighbours (more than the blur and a triangle reach). */
const FILL_PASSES = 4;

/**
 * The map with its background (subject 0) given the values of the subject next to it: a few rings
 * grown outward by the mean of filled 8-neighbours, the rest the subject's mean. The cut keeps only
 * the subject, so these values are never printed; they keep the surface flat up to the outline.
 */
export function fillBackground(map: Heightmap, subject: Uint8Array): Heightmap {
  const { width: W, height: H } = map;
  const values = Float32Array.from(map.values);
  let filled = Uint8Array.from(subject);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (subject[i]) {
      sum += values[i];
      count++;
    }
  }
  for (let pass = 0; pass < FILL_PASSES; pass++) {
    const next = Uint8Array.from(filled);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (filled[i]) continue;
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const u = x + dx;
            const v = y + dy;
            if (u < 0 || v < 0 || u >= W || v >= H || !filled[v * W + u]) continue;
            s += values[v * W + u];
            n++;
          }
        }
        if (n > 0) {
          values[i] = s / n;
          next[i] = 1;
        }
      }
    }
    filled = next;
  }
  const mean = count > 0 ? sum / count : 0;
  for (let i = 0; i < values.length; i++) if (!filled[i]) values[i] = mean;
  return { ...map, values };
}

/** Relative luminance of '#rrggbb' as the codec's greyscale reads it (Rec. 709 weights on sRGB values). */
export function brightnessOf(colour: string): number {
  const n = Number.parseInt(colour.slice(1), 16);
  return (0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255;
}

export interface OutlineCutOptions {
  /** Grid pitch, mm; sample (x, y) sits at ((x - (W-1)/2) pitch, ((H-1)/2 - y) pitch), as relief.ts and a flat lithophane place it. */
  pitchMm: number;
  nozzleMm: number;
}

export interface OutlineCut {
  mesh: Mesh;
  /** Feature widths of the footprint as cut (after thickening). */
  features: FeatureWidth;
  /** The mask as cut (after thickening), for the thin-feature map. */
  mask: Uint8Array;
  /** Cells added by thickening. */
  added: Uint8Array;
  thickenedAreaMm2: number;
  /** Pieces of the subject before bridging; bars added to join them. */
  pieces: number;
  bridges: number;
  /** Width of the bars, mm. */
  barMm: number;
}

export function cutToOutline(
  solid: Mesh,
  subject: Uint8Array,
  width: number,
  height: number,
  wasm: ManifoldToplevel,
  options: OutlineCutOptions,
): OutlineCut {
  const { pitchMm, nozzleMm } = options;
  const simplifyMm = Math.min(0.05, pitchMm / 4);
  const thick =
    nozzleMm > 0 ? thickenThinFeatures(subject, width, height, pitchMm, nozzleMm + 2 * simplifyMm) : { mask: subject, addedPixels: 0 };
  const added = new Uint8Array(subject.length);
  for (let i = 0; i < added.length; i++) added[i] = thick.mask[i] && !subject[i] ? 1 : 0;
  const features = measureFeatureWidth(thick.mask, width, height, pitchMm, { nozzleMm });

  const rings = traceContours({ width, height, values: new Float32Array(width * height), mask: thick.mask });
  const halfW = ((width - 1) * pitchMm) / 2;
  const halfH = ((height - 1) * pitchMm) / 2;
  const mmRings = simplifyRings(scaleRings(rings, pitchMm, -0.5, -0.5), {
    tolerance: simplifyMm,
    minArea: Math.max(nozzleMm * nozzleMm, pitchMm * pitchMm),
  });
  if (!mmRings.some((ring) => signedArea(ring) > 0)) {
    throw new PipelineError('image_empty', `${STAGE}: the subject is smaller than the nozzle: there is nothing to make`, STAGE);
  }
  const scope = new WasmScope();
  try {
    const traced = scope.keep(scope.keep(new wasm.CrossSection(mmRings, 'Positive')).translate([-halfW, -halfH]));
    // The round offsets add a vertex every few degrees; each outline vertex costs wall and surface triangles.
    const smooth = scope.keep(smoothToNozzle(traced, nozzleMm, scope).simplify(simplifyMm));
    const barMm = Math.max(2 * nozzleMm, 2 * pitchMm);
    const { footprint, pieces, bridges } = joinPieces(smooth, barMm, wasm, scope);
    const box = boundingBox(solid);
    const cutter = scope.keep(scope.keep(footprint.extrude(box.max[2] - box.min[2] + 2)).translate([0, 0, box.min[2] - 1]));
    const body = scope.keep(solidOf(solid, wasm));
    const cut = scope.keep(body.intersect(cutter));
    if (cut.status() !== 'NoError' || cut.isEmpty()) {
      throw new PipelineError(
        'geometry_failed',
        `${STAGE}: the cut to the subject's outline came out ${cut.isEmpty() ? 'empty' : cut.status()}`,
        STAGE,
      );
    }
    return {
      mesh: manifoldToMesh(cut),
      features,
      mask: thick.mask,
      added,
      thickenedAreaMm2: thick.addedPixels * pitchMm * pitchMm,
      pieces,
      bridges,
      barMm,
    };
  } finally {
    scope.dispose();
  }
}

function solidOf(mesh: Mesh, wasm: ManifoldToplevel) {
  try {
    return new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices }));
  } catch (error) {
    throw new PipelineError('geometry_failed', `${STAGE}: the surface solid is not a manifold (${String(error)})`, STAGE);
  }
}

/** Closing by half a nozzle, then a light opening: the outline a nozzle can draw. */
function smoothToNozzle(section: CrossSection, nozzleMm: number, scope: WasmScope): CrossSection {
  if (!(nozzleMm > 0)) return section;
  const r = nozzleMm / 2;
  const closed = scope.keep(scope.keep(section.offset(r, 'Round', 2, 16)).offset(-r, 'Round', 2, 16));
  return scope.keep(scope.keep(closed.offset(-r / 2, 'Round', 2, 16)).offset(r / 2, 'Round', 2, 16));
}

/** Joins separate pieces with bars along a minimum spanning tree (Prim over the pieces' nearest outline points). */
function joinPieces(
  section: CrossSection,
  barMm: number,
  wasm: ManifoldToplevel,
  scope: WasmScope,
): { footprint: CrossSection; pieces: number; bridges: number } {
  const parts = section.decompose().map((p) => scope.keep(p));
  if (parts.length <= 1) return { footprint: section, pieces: parts.length, bridges: 0 };
  // Prim costs pieces² x samples²: keep (pieces x samples) near 4,000 so a speckled picture stays cheap.
  const samples = parts.map((p) => samplePoints(p, Math.max(4, Math.min(64, Math.floor(4000 / parts.length)))));
  const n = parts.length;
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const link: Array<[Point, Point] | undefined> = new Array(n);
  let largest = 0;
  for (let i = 1; i < n; i++) if (parts[i].area() > parts[largest].area()) largest = i;
  let current = largest;
  inTree[current] = 1;
  const bars: CrossSection[] = [];
  for (let added = 1; added < n; added++) {
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const [d, a, b] = nearest(samples[current], samples[j]);
      if (d < best[j]) {
        best[j] = d;
        link[j] = [a, b];
      }
    }
    let next = -1;
    for (let j = 0; j < n; j++) if (!inTree[j] && (next < 0 || best[j] < best[next])) next = j;
    inTree[next] = 1;
    const [a, b] = link[next] as [Point, Point];
    bars.push(bar(a, b, barMm / 2, wasm, scope));
    current = next;
  }
  const footprint = scope.keep(wasm.CrossSection.union([section, ...bars]));
  return { footprint, pieces: n, bridges: bars.length };
}

function samplePoints(section: CrossSection, most: number): Point[] {
  const points: Point[] = [];
  for (const polygon of section.toPolygons()) for (const p of polygon) points.push([p[0], p[1]]);
  const stride = Math.max(1, Math.ceil(points.length / most));
  return points.filter((_, i) => i % stride === 0);
}

function nearest(a: Point[], b: Point[]): [number, Point, Point] {
  let best = Infinity;
  let pa = a[0];
  let pb = b[0];
  for (const p of a) {
    for (const q of b) {
      const d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
      if (d < best) {
        best = d;
        pa = p;
        pb = q;
      }
    }
  }
  return [Math.sqrt(best), pa, pb];
}

/** A bar with round ends from a to b, `radius` wide on each side, reaching a little into both pieces. */
function bar(a: Point, b: Point, radius: number, wasm: ManifoldToplevel, scope: WasmScope): CrossSection {
  const ends = [a, b].map((p) => scope.keep(scope.keep(wasm.CrossSection.circle(radius, 16)).translate(p)));
  return scope.keep(wasm.CrossSection.hull(ends));
}
