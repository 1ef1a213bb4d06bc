/**
 * Where a lithophane's picture goes on the doubly curved shapes (dome, globe), as ShapeMaps:
 * (u, v) along the picture in mm and h the thickness above the inner surface -> xyz in mm. Both
 * are `inner point + h * outward normal`, so surfaceMetric can hand the triangulator each sample's
 * 3D point and the error bound holds after bending, chord sag included (as the cylinder metric does).
 *
 *  - dome: a spherical cap, convex side up. The picture rectangle goes onto the unit disc by the
 *    elliptical grid mapping (Fong 2015, "Analytical methods for squaring the disc": x√(1 - y²/2),
 *    y√(1 - x²/2)), which sends the rectangle's edge onto the circle, so the rim is one latitude and
 *    can be cut flat; then the disc onto the cap by the azimuthal equidistant projection, so the
 *    picture's middle row and column keep their length: the cap spans `angle` radians across, and
 *    `widthMm` is that arc on the inner surface (radius widthMm / angle, as for an arc lithophane).
 *    A non-square picture is stretched to the circle (the job warns).
 *  - globe: an equirectangular picture (longitude across, latitude down) on a sphere whose inner
 *    circumference is the picture's width, between the latitudes it keeps (an opening for a light
 *    at the bottom; the pole itself, where a picture row shrinks to a point, is closed by a plain cap).
 */
import type { ShapeMap } from '../solidify/surface-solid.ts';
import type { SurfaceMetric } from '../triangulate/types.ts';

export interface DomeGeometry {
  /** Inner sphere radius, mm. */
  radius: number;
  /** Polar angle of the rim (half the cap's angle), radians. */
  rimAngle: number;
}

export function domeGeometry(widthMm: number, capRadians: number): DomeGeometry {
  return { radius: widthMm / capRadians, rimAngle: capRadians / 2 };
}

/** The elliptical grid mapping: a point of the square [-1, 1]² to the unit disc. */
export function squareToDisc(a: number, b: number): [number, number] {
  return [a * Math.sqrt(1 - (b * b) / 2), b * Math.sqrt(1 - (a * a) / 2)];
}

/** The dome over a picture `widthMm` × `heightMm` (u, v from 0); the inner rim sits at z = 0. */
export function domeMap(widthMm: number, heightMm: number, dome: DomeGeometry): ShapeMap {
  const { radius, rimAngle } = dome;
  const drop = radius * Math.cos(rimAngle);
  return (u, v, h, out) => {
    const a = Math.min(1, Math.max(-1, (2 * u) / widthMm - 1));
    const b = Math.min(1, Math.max(-1, (2 * v) / heightMm - 1));
    const [dx, dy] = squareToDisc(a, b);
    const rho = Math.hypot(dx, dy);
    const theta = rho * rimAngle;
    // sin(θ)/ρ, which tends to rimAngle at the top.
    const s = rho > 1e-12 ? Math.sin(theta) / rho : rimAngle;
    const r = radius + h;
    out[0] = r * dx * s;
    out[1] = r * dy * s;
    out[2] = r * Math.cos(theta) - drop;
  };
}

export interface GlobeGeometry {
  /** Inner sphere radius, mm. */
  radius: number;
  /** Latitudes (radians, -π/2..π/2) of the kept band's bottom and top rows. */
  bottomLatitude: number;
  topLatitude: number;
}

/**
 * The globe over a band `circumferenceMm` wide (u, periodic) and `bandHeightMm` high (v from the
 * bottom latitude to the top one). The picture's middle column faces -y; the centre is at z = 0.
 */
export function globeMap(circumferenceMm: number, bandHeightMm: number, globe: GlobeGeometry): ShapeMap {
  const { radius, bottomLatitude, topLatitude } = globe;
  return (u, v, h, out) => {
    const longitude = (2 * Math.PI * u) / circumferenceMm - Math.PI;
    const latitude = bottomLatitude + ((topLatitude - bottomLatitude) * v) / bandHeightMm;
    const r = radius + h;
    const c = Math.cos(latitude);
    out[0] = r * c * Math.sin(longitude);
    out[1] = -r * c * Math.cos(longitude);
    out[2] = r * Math.sin(latitude);
  };
}

/**
 * Each grid sample's inner point and unit step (map(u, v, 1) - map(u, v, 0)) for the triangulator's
 * surface metric. Row 0 is the top of the picture (v = (H - 1 - y) * pitch), as in surface-solid.ts.
 */
export function surfaceMetric(map: ShapeMap, width: number, height: number, pitchMm: number): SurfaceMetric {
  const base = new Float32Array(width * height * 3);
  const normal = new Float32Array(width * height * 3);
  const inner = new Float64Array(3);
  const outer = new Float64Array(3);
  for (let y = 0; y < height; y++) {
    const v = (height - 1 - y) * pitchMm;
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      map(x * pitchMm, v, 0, inner);
      map(x * pitchMm, v, 1, outer);
      for (let k = 0; k < 3; k++) {
        base[i + k] = inner[k];
        normal[i + k] = outer[k] - inner[k];
      }
    }
  }
  return { kind: 'surface', base, normal };
}
