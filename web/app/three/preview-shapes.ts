/**
 * Where a sample of the shaped lithophanes (heart, dome, globe, night-light box) sits in the live
 * preview: the picture's grid (u across, v down, both 0..1, t the thickness) mapped onto the shape's
 * surface, so the preview shows the right outline and curvature. The pipeline's own meshes
 * (src/pipeline/modes) differ in detail (a heart's rim, the globe's opening band, the box's lid);
 * the server's model is what gets printed.
 */
export type Vec3 = [number, number, number];

export const SHAPED = ['heart', 'dome', 'globe', 'nightlight'] as const;
export type Shaped = (typeof SHAPED)[number];

export interface ShapeSize {
  /** Width across (heart, dome, box side), mm. */
  widthMm: number;
  /** Height of the picture, mm (heart, box walls). */
  heightMm: number;
  /** Globe diameter, mm. */
  diameterMm: number;
  /** Dome cap angle, degrees. */
  arcDegrees: number;
}

/** Whether the shape's grid closes on itself across u (the seam column is not repeated). */
export const closesAcross = (shape: Shaped) => shape === 'globe' || shape === 'nightlight';

export function shapedPoint(shape: Shaped, s: ShapeSize, u: number, v: number, t: number): Vec3 {
  if (shape === 'heart') {
    // Each row squeezed to the heart's width there: the outline is the heart's.
    const y = 0.5 - v;
    return [(u - 0.5) * s.widthMm * heartHalfWidth(v) * 2, y * s.heightMm, t];
  }
  if (shape === 'dome') {
    // The square picture on a spherical cap: distance from the centre becomes the polar angle.
    const half = (Math.min(Math.max(s.arcDegrees, 10), 180) * Math.PI) / 180 / 2;
    const radius = s.widthMm / 2 / Math.sin(half);
    const x = u - 0.5;
    const y = 0.5 - v;
    const phi = Math.min(1, Math.hypot(x, y) * 2) * half;
    const az = Math.atan2(y, x);
    const r = radius + t;
    return [r * Math.sin(phi) * Math.cos(az), r * Math.sin(phi) * Math.sin(az), r * Math.cos(phi)];
  }
  if (shape === 'globe') {
    // Equirectangular: u is longitude, v latitude from the top down to the opening at the bottom.
    const r = s.diameterMm / 2 + t;
    const lon = u * Math.PI * 2;
    const polar = 0.02 + v * (Math.PI * 0.85);
    return [r * Math.sin(polar) * Math.cos(lon), r * Math.sin(polar) * Math.sin(lon), r * Math.cos(polar)];
  }
  // Night-light box: u runs once round the four walls, t outwards.
  const side = s.widthMm;
  const along = u * 4;
  const wall = Math.min(3, Math.floor(along));
  const f = (along - wall - 0.5) * side;
  const out = side / 2 + t;
  const z = (1 - v) * s.heightMm;
  if (wall === 0) return [f, -out, z];
  if (wall === 1) return [out, f, z];
  if (wall === 2) return [-f, out, z];
  return [-out, -f, z];
}

/** Half the heart's width at row v (0 top, 1 the point), as a fraction of its full width. */
function heartHalfWidth(v: number): number {
  // (x² + y² - 1)³ = x² y³, y from 1.25 (top of the lobes) to -1 (the point): the widest x per row.
  const y = 1.25 - v * 2.25;
  let widest = 0;
  for (let x = 0; x <= 1.2; x += 0.01) if ((x * x + y * y - 1) ** 3 - x * x * y ** 3 <= 0) widest = x;
  return Math.max(0.02, widest / 1.14 / 2);
}
