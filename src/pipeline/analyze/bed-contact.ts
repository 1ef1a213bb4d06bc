/**
 * Bed contact: what the first layer prints. A slicer cuts the first layer at half its height
 * (PrusaSlicer and Cura slice each layer at its middle), so the footprint is the model's section
 * `sectionHeightMm` above its lowest point, and it extrudes nothing where that section is
 * narrower than a line ("no extrusions in the first layer" for a part standing on a point or an
 * edge). Faces lying exactly flat are not needed: a ball prints on the disc its bottom squashes
 * into (a 40 mm radius: 25 mm² at 0.1 mm), a scanned base a hair out of level prints whole.
 *
 * Method: for a closed, outward mesh the section by a plane is a set of closed loops, one segment
 * per face that crosses the plane. Each segment runs along down x n (the face normal turned a
 * quarter about the plane normal), so every loop winds the same way round the material and the
 * loop areas (shoelace, as (p x q) . down / 2, relative to a point near the model against
 * float cancellation) add up to the section's area without assembling the loops; holes subtract.
 * One pass over the faces. Width is 2 x area / perimeter: a strip's width, a disc's radius, the
 * inradius of a triangle: the narrow measure that decides whether a line fits.
 * Measured (December 2026): a 20 mm cube on a face 400 mm², 10 mm wide; on an edge 4 mm², 0.2 mm
 * wide (PrusaSlicer: "no extrusions in the first layer"); on a corner 0.026 mm², 0.07 mm wide;
 * a 40 mm radius ball (9,024 triangles) 24 mm², 2.8 mm wide. A part thinner than two section
 * heights is cut through its middle.
 */
import type { Mesh } from '../mesh.ts';

export interface BedContactOptions {
  /** Height of the section above the lowest point: half a 0.2 mm first layer. */
  sectionHeightMm: number;
}

export const BED_CONTACT_DEFAULTS: Readonly<BedContactOptions> = { sectionHeightMm: 0.1 };

export interface BedContact {
  /** Area of the section (mm²). */
  areaMm2: number;
  /** 2 x area / perimeter (mm). */
  widthMm: number;
  /** Length of the section's outline (mm). */
  perimeterMm: number;
}

/** The footprint of the mesh standing on the bed in direction `down` (a unit vector; (0, 0, -1) for the bed as placed). */
export function measureBedContact(mesh: Mesh, down: readonly number[] = [0, 0, -1], options: Partial<BedContactOptions> = {}): BedContact {
  const { sectionHeightMm } = { ...BED_CONTACT_DEFAULTS, ...options };
  const p = mesh.positions,
    t = mesh.indices;
  const [dx, dy, dz] = down;
  const vertices = p.length / 3;
  if (vertices === 0) return { areaMm2: 0, widthMm: 0, perimeterMm: 0 };
  // Distances along `down` above the section plane (positive: in the slab next to the bed).
  let support = -Infinity,
    top = Infinity;
  for (let i = 0; i < p.length; i += 3) {
    const along = p[i] * dx + p[i + 1] * dy + p[i + 2] * dz;
    support = Math.max(support, along);
    top = Math.min(top, along);
  }
  // A part thinner than two section heights (a 0.05 mm plate) is cut through its middle.
  const plane = support - Math.min(sectionHeightMm, (support - top) / 2);
  const depth = new Float64Array(vertices);
  for (let v = 0; v < vertices; v++) depth[v] = p[v * 3] * dx + p[v * 3 + 1] * dy + p[v * 3 + 2] * dz - plane;
  // A reference point on the plane near the model keeps the shoelace terms small.
  const ox = p[0] - depth[0] * dx,
    oy = p[1] - depth[0] * dy,
    oz = p[2] - depth[0] * dz;

  let twiceArea = 0,
    perimeter = 0;
  const crossing = [0, 0, 0, 0, 0, 0];
  for (let f = 0; f < t.length; f += 3) {
    const a = t[f],
      b = t[f + 1],
      c = t[f + 2];
    const above = (depth[a] > 0 ? 1 : 0) + (depth[b] > 0 ? 1 : 0) + (depth[c] > 0 ? 1 : 0);
    if (above === 0 || above === 3) continue;
    // The two points where the face's edges cross the plane.
    let found = 0;
    for (const [i, j] of [
      [a, b],
      [b, c],
      [c, a],
    ]) {
      if (depth[i] > 0 === depth[j] > 0) continue;
      const r = depth[i] / (depth[i] - depth[j]);
      crossing[found * 3] = p[i * 3] + (p[j * 3] - p[i * 3]) * r - ox;
      crossing[found * 3 + 1] = p[i * 3 + 1] + (p[j * 3 + 1] - p[i * 3 + 1]) * r - oy;
      crossing[found * 3 + 2] = p[i * 3 + 2] + (p[j * 3 + 2] - p[i * 3 + 2]) * r - oz;
      found++;
    }
    if (found !== 2) continue;
    // Face normal (unnormalised) and the segment's direction down x n.
    const ux = p[b * 3] - p[a * 3],
      uy = p[b * 3 + 1] - p[a * 3 + 1],
      uz = p[b * 3 + 2] - p[a * 3 + 2];
    const vx = p[c * 3] - p[a * 3],
      vy = p[c * 3 + 1] - p[a * 3 + 1],
      vz = p[c * 3 + 2] - p[a * 3 + 2];
    const nx = uy * vz - uz * vy,
      ny = uz * vx - ux * vz,
      nz = ux * vy - uy * vx;
    const sx = dy * nz - dz * ny,
      sy = dz * nx - dx * nz,
      sz = dx * ny - dy * nx;
    let [px, py, pz, qx, qy, qz] = crossing;
    if ((qx - px) * sx + (qy - py) * sy + (qz - pz) * sz < 0) [px, py, pz, qx, qy, qz] = [qx, qy, qz, px, py, pz];
    twiceArea += (py * qz - pz * qy) * dx + (pz * qx - px * qz) * dy + (px * qy - py * qx) * dz;
    perimeter += Math.hypot(qx - px, qy - py, qz - pz);
  }
  const areaMm2 = Math.abs(twiceArea) / 2;
  return { areaMm2, widthMm: perimeter > 0 ? (2 * areaMm2) / perimeter : 0, perimeterMm: perimeter };
}
