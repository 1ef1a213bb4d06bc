/**
 * Contract of the surface triangulators (adaptive greedy insertion and the full-grid baseline).
 *
 * Input is a grid of heights in millimetres, row-major, `width * height` samples; vertices are
 * placed on sample positions only, so they are returned as integer grid coordinates.
 */
export interface SurfaceTriangulation {
  /** x, y per vertex, integer grid coordinates (0..width-1, 0..height-1). */
  points: Uint32Array;
  /** Three indices into `points` per triangle, all with the same orientation. */
  triangles: Uint32Array;
  /** Achieved maximum deviation between the mesh and the samples, in the metric's unit (mm). */
  maxError: number;
}

/**
 * How deviation is measured. `height` is |z_mesh - z_sample|. `cylinder` measures the radial
 * deviation after wrapping the grid onto a cylinder of `radius` mm (x -> angle, height -> radial
 * offset), so chords of curved lithophanes stay within the bound too.
 */
export type ErrorMetric = { kind: 'height' } | { kind: 'cylinder'; radius: number; radiansPerSample: number } | SurfaceMetric;

/**
 * Any shape whose points move along a fixed direction as the height grows (a dome, a globe): the
 * sample (x, y) of height h sits at `base + h * normal` (xyz per sample, row-major, mm). The error
 * is the 3D distance between the interpolated triangle and that point, as for the cylinder.
 */
export interface SurfaceMetric {
  kind: 'surface';
  base: Float32Array;
  normal: Float32Array;
}

export interface TriangulateOptions {
  /** Stop once every sample is within this distance of the mesh (mm). */
  maxError: number;
  /** Stop before the triangle count would exceed this. */
  maxTriangles: number;
  metric: ErrorMetric;
  /** Mirror every insertion on column 0 onto column width-1 and back (closed cylinders weld there). */
  periodicX: boolean;
  /** x, y pairs inserted before refinement starts. */
  seedPoints?: Uint32Array;
  /** Height metric: flip edges towards the level lines afterwards (contour-flips.ts), within maxError. */
  alignContours?: boolean;
}

export const TRIANGULATE_DEFAULTS: TriangulateOptions = {
  maxError: 0.05,
  maxTriangles: Number.POSITIVE_INFINITY,
  metric: { kind: 'height' },
  periodicX: false,
};
