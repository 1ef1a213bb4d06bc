/**
 * Lithophane: a thin plate whose thickness follows the picture (dark = thick), seen against a
 * light. Shapes:
 *  - flat: the plate lies on the bed, relief up, picture readable from above.
 *  - arc: the picture wraps around `arcDegrees` of a cylinder, relief outside, standing on the bed.
 *  - cylinder: a closed 360 degree lamp shade; the picture's left and right edges meet at the back.
 *  - heart, nightlight: built flat here; shape-finish.ts cuts the heart or folds four walls into a box.
 *  - dome, globe: doubly curved (surface-maps.ts), meshed with the surface metric, which measures
 *    the error after bending like the cylinder metric; shape-finish.ts cuts their rims flat.
 * Curved shapes keep the adaptive meshing: the triangulation runs in picture space with an error
 * metric measured after wrapping (radial deviation, so chord sag counts against the same bound),
 * and the smooth inner wall gets its own sparse triangulation seeded with the outer boundary.
 * `widthMm` is the unrolled picture width measured on the inner (back) surface.
 */
import { IMAGE_FIELDS } from '../catalog/image-fields.ts';
import type { Heightmap } from '../heightmap.ts';
import { addBorder } from '../heightmap-ops/border.ts';
import { smoothForSlicer } from '../heightmap-ops/slicer-friendly.ts';
import { buildSurfaceSolid } from '../solidify/surface-solid.ts';
import type { ShapeMap } from '../solidify/surface-solid.ts';
import type { Triangulator } from '../triangulate/triangulator.ts';
import type { ErrorMetric } from '../triangulate/types.ts';
import type { FramePlacement } from './frame-text.ts';
import { WHITE_PLA_ATTENUATION_PER_MM } from './material.ts';
import type { SurfaceResult } from './relief.ts';
import { domeGeometry, domeMap, globeMap, squareToDisc, surfaceMetric } from './surface-maps.ts';
import { thicknessFromBrightness } from './thickness.ts';

export type LithophaneShape = 'flat' | 'arc' | 'cylinder' | 'heart' | 'dome' | 'globe' | 'nightlight';

export interface LithophaneOptions {
  shape: LithophaneShape;
  minThicknessMm: number;
  maxThicknessMm: number;
  /** Shape 'arc': the angle the picture spans; 'dome': the cap's angle from rim to rim. */
  arcDegrees: number;
  /** Shape 'globe': diameter of the opening at the bottom, for a light. */
  openingMm: number;
  /** A solid border around the picture (0 = none), as wide as this, at frameThicknessMm. */
  frameMm: number;
  frameThicknessMm: number;
  attenuationPerMm: number;
  curve: 'transmission' | 'linear';
  maxErrorMm: number;
  maxTriangles: number;
  /** Blur at one nozzle (0 = off); flat shapes also level islands and holes under (2 x nozzleMm)² in every layer. */
  nozzleMm: number;
}

// The job parameters' declared defaults (catalog/image-fields.ts), so a stage run alone agrees with a job.
export const LITHOPHANE_DEFAULTS: LithophaneOptions = {
  shape: IMAGE_FIELDS.shape.default,
  minThicknessMm: IMAGE_FIELDS.minThicknessMm.default,
  maxThicknessMm: IMAGE_FIELDS.maxThicknessMm.default,
  arcDegrees: IMAGE_FIELDS.arcDegrees.default,
  openingMm: IMAGE_FIELDS.openingMm.default,
  frameMm: IMAGE_FIELDS.frameMm.default,
  frameThicknessMm: IMAGE_FIELDS.frameThicknessMm.default,
  attenuationPerMm: WHITE_PLA_ATTENUATION_PER_MM,
  curve: 'transmission',
  maxErrorMm: IMAGE_FIELDS.maxErrorMm.default,
  maxTriangles: IMAGE_FIELDS.maxTriangles.default,
  nozzleMm: IMAGE_FIELDS.nozzleMm.default,
};

export interface LithophaneResult extends SurfaceResult {
  /** Thickness per sample in picture orientation (for the backlit preview). */
  thickness: Heightmap;
  /** Dome and globe: what shape-finish.ts needs to cut the rim flat (and close a globe's top). */
  curved?: CurvedFinish;
  /** Flat, arc and cylinder with a frame: where the frame band is, for frame text (frame-text.ts). */
  frame?: FramePlacement;
}

export interface CurvedFinish {
  /** Everything below this height is cut off, leaving a flat ring to stand on, mm. */
  cutZ: number;
  /** Globe: the plain cap over the pole, a shell between these radii above `fromLatitude`. */
  cap?: { innerRadius: number; outerRadius: number; fromLatitude: number };
}

/** A globe keeps the picture up to this latitude; a plain cap closes the pole above it. */
export const GLOBE_TOP_LATITUDE = (80 * Math.PI) / 180;
/** How far the globe's cap reaches down over the picture band, mm of arc (so the union overlaps). */
const GLOBE_CAP_OVERLAP_MM = 2;

/**
 * `map` must already be on the print grid: for 'cylinder', `pitchMm * map.width` is the
 * circumference (the first column is repeated internally to close the ring); otherwise
 * `pitchMm * (map.width - 1)` is the width.
 */
export function buildLithophane(
  map: Heightmap,
  pitchMm: number,
  triangulate: Triangulator,
  options: Partial<LithophaneOptions> = {},
): LithophaneResult {
  const opts = { ...LITHOPHANE_DEFAULTS, ...options };
  const globe = opts.shape === 'globe' ? globeBand(map, pitchMm, opts.openingMm) : undefined;
  const source = globe ? globe.map : map;
  const flat = opts.shape === 'flat' || opts.shape === 'heart' || opts.shape === 'nightlight';
  let grid: Heightmap = { width: source.width, height: source.height, values: thicknessFromBrightness(source, opts) };
  // Only a flat plate is sliced along its thickness, so only there are loops levelled (below, frame
  // included); curved shapes are cut across it, where a level of the thickness field is no layer. They
  // get the blur at one nozzle all the same, on the picture before its rim, bands or cap (issue 15): a
  // bead that wide cannot draw finer thickness detail along the wall, and unblurred photo noise kept
  // 255k triangles in Portrait_3's arc, 0.74x the full grid's slice time (37k triangles, ~0.27x blurred).
  const curvedSmoothing = flat ? undefined : smoothForSlicer(grid.values, grid.width, grid.height, pitchMm, { ...opts, levelLoops: false });
  if (curvedSmoothing) grid = { ...grid, values: curvedSmoothing.values };
  const frameSamples = Math.round(opts.frameMm / pitchMm);
  if (globe) {
    // The bottom frame band is laid over the picture (the band already ends at the opening); the
    // rows under the cap are plain so the cap meets a smooth wall.
    const capRows = Math.min(grid.height, Math.ceil(GLOBE_CAP_OVERLAP_MM / pitchMm) + 1);
    setRows(grid, 0, capRows, opts.maxThicknessMm);
    if (frameSamples > 0) setRows(grid, Math.max(0, grid.height - frameSamples), grid.height, opts.frameThicknessMm);
  } else if (opts.shape === 'dome') {
    // The rim is a ring of even width round the cap (a frame in the picture's rectangle would
    // thin out at the corners, where the rectangle meets the circle), at least as wide as the
    // flat cut at the rim reaches, so the cut never opens the thin picture.
    const capRadians = (opts.arcDegrees * Math.PI) / 180;
    const dome = domeGeometry((grid.width - 1) * pitchMm, capRadians);
    const rimMm = Math.max(opts.frameMm, domeRimMinimumMm(dome, Math.max(opts.frameThicknessMm, opts.maxThicknessMm)));
    domeRim(grid, 1 - rimMm / (dome.radius * dome.rimAngle), Math.max(opts.frameThicknessMm, opts.maxThicknessMm));
  } else if (frameSamples > 0) {
    // A cylinder's frame is a top and bottom band only: its sides meet each other.
    grid =
      opts.shape === 'cylinder'
        ? addBands(grid, frameSamples, opts.frameThicknessMm)
        : addBorder(grid, frameSamples, opts.frameThicknessMm);
  }
  const smoothing = flat ? smoothForSlicer(grid.values, grid.width, grid.height, pitchMm, opts) : curvedSmoothing;
  if (flat && smoothing) grid = { ...grid, values: smoothing.values };
  const thickness: Heightmap = grid;
  const periodic = opts.shape === 'cylinder' || opts.shape === 'globe';
  if (periodic) grid = repeatFirstColumn(grid);

  const { width: W, height: H, values: heights } = grid;
  const unrolledMm = (W - 1) * pitchMm;
  const bandMm = (H - 1) * pitchMm;
  const angle = opts.shape === 'cylinder' ? 2 * Math.PI : opts.shape === 'arc' ? (opts.arcDegrees * Math.PI) / 180 : 0;
  const radius = angle > 0 ? unrolledMm / angle : 0;
  let shapeMap: ShapeMap = angle > 0 ? wrapMap(radius, angle) : flatMap(unrolledMm, bandMm);
  let curved: CurvedFinish | undefined;
  if (opts.shape === 'dome') {
    const dome = domeGeometry(unrolledMm, (opts.arcDegrees * Math.PI) / 180);
    shapeMap = domeMap(unrolledMm, bandMm, dome);
    curved = { cutZ: rimTop(shapeMap, heights, W, H, pitchMm) };
  } else if (globe) {
    const geometry = { radius: unrolledMm / (2 * Math.PI), bottomLatitude: globe.bottomLatitude, topLatitude: globe.topLatitude };
    shapeMap = globeMap(unrolledMm, bandMm, geometry);
    // Cut where the inner edge of the opening is: the outer edge hangs lower, the cut leaves a flat ring.
    const innerEdge = new Float64Array(3);
    shapeMap(0, 0, 0, innerEdge);
    const capOverlap = GLOBE_CAP_OVERLAP_MM / geometry.radius;
    curved = {
      cutZ: innerEdge[2] + CUT_CLEARANCE_MM,
      // The cap sits inside the wall where they overlap (clear of both faces), so the union has no coincident faces.
      cap: {
        innerRadius: geometry.radius + CUT_CLEARANCE_MM,
        outerRadius: geometry.radius + opts.maxThicknessMm - CUT_CLEARANCE_MM,
        fromLatitude: globe.topLatitude - capOverlap,
      },
    };
  }
  const metric: ErrorMetric = curved
    ? surfaceMetric(shapeMap, W, H, pitchMm)
    : angle > 0
      ? { kind: 'cylinder', radius, radiansPerSample: pitchMm / radius }
      : { kind: 'height' };
  const bent = angle > 0 || curved !== undefined;

  const backBudgetShare = bent ? 0.15 : 0;
  const surfaceBudget = Math.max(2, Math.floor(opts.maxTriangles * (1 - backBudgetShare)) - 4 * (W + H));
  const front = triangulate(heights, W, H, {
    maxError: opts.maxErrorMm,
    maxTriangles: surfaceBudget,
    metric,
    periodicX: periodic,
  });
  const back = bent
    ? triangulate(new Float32Array(W * H), W, H, {
        maxError: opts.maxErrorMm,
        maxTriangles: Math.max(2, Math.floor(opts.maxTriangles * backBudgetShare)),
        metric,
        periodicX: periodic,
        seedPoints: boundaryPoints(front.points, W, H),
      })
    : 'fan';

  const mesh = buildSurfaceSolid({
    front,
    heights,
    gridWidth: W,
    gridHeight: H,
    pitchMm,
    back,
    periodic,
    map: shapeMap,
  });
  return {
    mesh,
    heights,
    gridWidth: W,
    gridHeight: H,
    achievedErrorMm: front.maxError,
    surfaceTriangles: front.triangles.length / 3,
    thickness,
    slicerSmoothing: smoothing?.report,
    curved,
    frame:
      frameSamples > 0 && (opts.shape === 'flat' || opts.shape === 'arc' || opts.shape === 'cylinder')
        ? {
            map: shapeMap,
            widthMm: unrolledMm,
            heightMm: bandMm,
            frameMm: frameSamples * pitchMm,
            frameThicknessMm: opts.frameThicknessMm,
            periodic,
            curved: angle > 0,
          }
        : undefined,
  };
}

/** Margin between a cut or a cap and the faces it must clear, mm. */
const CUT_CLEARANCE_MM = 0.05;

/** The highest point of a dome's rim wall (inner or outer edge): cutting there leaves a flat ring. */
function rimTop(map: ShapeMap, heights: Float32Array, W: number, H: number, pitchMm: number): number {
  const p = new Float64Array(3);
  let top = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x += y === 0 || y === H - 1 ? 1 : W - 1) {
      map(x * pitchMm, (H - 1 - y) * pitchMm, heights[y * W + x], p);
      top = Math.max(top, p[2]);
    }
  }
  return top + CUT_CLEARANCE_MM;
}

/**
 * The rows of an equirectangular picture (row 0 at latitude +90°, the last at -90°) a globe keeps:
 * from the opening's edge up to GLOBE_TOP_LATITUDE, with the latitudes of the rows kept.
 */
function globeBand(map: Heightmap, pitchMm: number, openingMm: number): { map: Heightmap; bottomLatitude: number; topLatitude: number } {
  const radius = (map.width * pitchMm) / (2 * Math.PI);
  const bottomWanted = -Math.acos(Math.min(1, openingMm / (2 * radius)));
  const latitudeOf = (row: number) => Math.PI / 2 - (Math.PI * row) / (map.height - 1);
  const first = Math.max(0, Math.ceil(((Math.PI / 2 - GLOBE_TOP_LATITUDE) / Math.PI) * (map.height - 1)));
  const last = Math.min(map.height - 1, Math.floor(((Math.PI / 2 - bottomWanted) / Math.PI) * (map.height - 1)));
  const rows = Math.max(2, last - first + 1);
  const values = map.values.slice(first * map.width, (first + rows) * map.width);
  return { map: { width: map.width, height: rows, values }, bottomLatitude: latitudeOf(first + rows - 1), topLatitude: latitudeOf(first) };
}

/** Mm of arc the flat cut at a dome's rim takes off its inside, plus a margin: its rim is at least this wide. */
function domeRimMinimumMm(dome: { radius: number; rimAngle: number }, thicknessMm: number): number {
  const sin = Math.sin(dome.rimAngle);
  return (thicknessMm * Math.max(0, Math.cos(dome.rimAngle))) / Math.max(sin, 1e-6) + 1;
}

/** Sets every sample whose disc radius (squareToDisc) is at least `fromRho` to `value`. */
function domeRim(map: Heightmap, fromRho: number, value: number): void {
  const { width: W, height: H, values } = map;
  for (let y = 0; y < H; y++) {
    const b = 1 - (2 * y) / (H - 1);
    for (let x = 0; x < W; x++) {
      const [dx, dy] = squareToDisc((2 * x) / (W - 1) - 1, b);
      if (Math.hypot(dx, dy) >= fromRho) values[y * W + x] = value;
    }
  }
}

function setRows(map: Heightmap, from: number, to: number, value: number): void {
  map.values.fill(value, from * map.width, to * map.width);
}

function flatMap(widthMm: number, heightMm: number): ShapeMap {
  return (u, v, h, out) => {
    out[0] = u - widthMm / 2;
    out[1] = v - heightMm / 2;
    out[2] = h;
  };
}

/** Unrolled (u, v, h) -> a cylinder standing on the bed, the picture's centre facing -y. */
function wrapMap(radius: number, angle: number): ShapeMap {
  return (u, v, h, out) => {
    const theta = u / radius - angle / 2;
    const r = radius + h;
    out[0] = r * Math.sin(theta);
    out[1] = -r * Math.cos(theta);
    out[2] = v;
  };
}

function repeatFirstColumn(map: Heightmap): Heightmap {
  const W = map.width + 1;
  const values = new Float32Array(W * map.height);
  for (let y = 0; y < map.height; y++) {
    values.set(map.values.subarray(y * map.width, (y + 1) * map.width), y * W);
    values[y * W + map.width] = map.values[y * map.width];
  }
  return { width: W, height: map.height, values };
}

function addBands(map: Heightmap, samples: number, value: number): Heightmap {
  const H = map.height + samples * 2;
  const values = new Float32Array(map.width * H).fill(value);
  values.set(map.values, samples * map.width);
  return { width: map.width, height: H, values };
}

function boundaryPoints(points: Uint32Array, W: number, H: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i],
      y = points[i + 1];
    if (x === 0 || y === 0 || x === W - 1 || y === H - 1) out.push(x, y);
  }
  return Uint32Array.from(out);
}
