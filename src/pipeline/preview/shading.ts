/**
 * Per-corner Lambert shading for the preview rasteriser.
 *
 * Method: a three-term rig (ambient + a soft key light from the upper left + a weak fill from the
 * right) plus a sky term (0.5 + 0.5·nz) so that upward faces separate from walls. Lights are fixed
 * relative to the camera, so every azimuth gets the same studio look.
 * Smooth vs flat: each corner takes the area-weighted vertex normal when it is within the crease
 * angle of the face normal, otherwise the face normal. That keeps a cube's edges sharp even when
 * its corners share vertices (manifold-3d output does), while spheres and reliefs shade smoothly,
 * without building vertex-face adjacency (one O(n) pass, no per-triangle allocation).
 * Two-sided: a triangle facing away from the camera is shaded with flipped normals, so open or
 * inside-out imports still read as surfaces instead of black holes.
 */
import type { OrbitCamera, Vec3 } from './camera.ts';

export interface LightRig {
  ambient: number;
  /** Key light strength and direction in camera terms: [right, up, towards the eye]. */
  key: number;
  keyDirection: Vec3;
  fill: number;
  fillDirection: Vec3;
  /** Hemisphere light from +Z. */
  sky: number;
}

// Tuned so a box reads in three tones (top ≈ 1.0, front ≈ 0.7, right side ≈ 0.45 of the base colour)
// while a 10° tilt on a relief still changes the shade by ~12%, enough to see bumps.
export const LIGHT_RIG_DEFAULTS: LightRig = {
  ambient: 0.26,
  key: 0.72,
  keyDirection: [-0.7, 0.6, 0.5],
  fill: 0.12,
  fillDirection: [0.6, 0, 0.8],
  sky: 0.14,
};

/** Area-weighted unit normals per vertex (zero for vertices no valid triangle uses). */
export function vertexNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const normals = new Float32Array(positions.length);
  const p = positions;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t] * 3,
      b = indices[t + 1] * 3,
      c = indices[t + 2] * 3;
    const e1x = p[b] - p[a],
      e1y = p[b + 1] - p[a + 1],
      e1z = p[b + 2] - p[a + 2];
    const e2x = p[c] - p[a],
      e2y = p[c + 1] - p[a + 1],
      e2z = p[c + 2] - p[a + 2];
    const nx = e1y * e2z - e1z * e2y,
      ny = e1z * e2x - e1x * e2z,
      nz = e1x * e2y - e1y * e2x;
    // Non-finite (corrupt or out-of-range index) triangles would poison their neighbours.
    if (!Number.isFinite(nx + ny + nz)) continue;
    normals[a] += nx;
    normals[a + 1] += ny;
    normals[a + 2] += nz;
    normals[b] += nx;
    normals[b + 1] += ny;
    normals[b + 2] += nz;
    normals[c] += nx;
    normals[c + 1] += ny;
    normals[c + 2] += nz;
  }
  for (let i = 0; i < normals.length; i += 3) {
    const len = Math.sqrt(normals[i] * normals[i] + normals[i + 1] * normals[i + 1] + normals[i + 2] * normals[i + 2]);
    if (len > 0) {
      normals[i] /= len;
      normals[i + 1] /= len;
      normals[i + 2] /= len;
    }
  }
  return normals;
}

/** World-space unit vector from camera-relative [right, up, towards eye] weights. */
function lightInWorld(cam: OrbitCamera, d: Vec3): Vec3 {
  const x = d[0] * cam.right[0] + d[1] * cam.up[0] - d[2] * cam.forward[0];
  const y = d[0] * cam.right[1] + d[1] * cam.up[1] - d[2] * cam.forward[1];
  const z = d[0] * cam.right[2] + d[1] * cam.up[2] - d[2] * cam.forward[2];
  const len = Math.hypot(x, y, z) || 1;
  return [x / len, y / len, z / len];
}

/** Light intensity per triangle corner (three per triangle), 1 ≈ fully lit base colour. */
export function cornerShades(
  positions: Float32Array,
  indices: Uint32Array,
  normals: Float32Array,
  cam: OrbitCamera,
  rig: LightRig,
  creaseAngleDeg: number,
): Float32Array {
  const out = new Float32Array(indices.length);
  const [kx, ky, kz] = lightInWorld(cam, rig.keyDirection);
  const [lx, ly, lz] = lightInWorld(cam, rig.fillDirection);
  const [fx, fy, fz] = cam.forward;
  const { ambient, key, fill, sky } = rig;
  const creaseCos = Math.cos((creaseAngleDeg * Math.PI) / 180);
  const shade = (nx: number, ny: number, nz: number): number => {
    const dk = nx * kx + ny * ky + nz * kz;
    const dl = nx * lx + ny * ly + nz * lz;
    return ambient + (dk > 0 ? key * dk : 0) + (dl > 0 ? fill * dl : 0) + sky * (0.5 + 0.5 * nz);
  };
  // Smooth corners are the common case: light each vertex once, both ways round (halves the cost at 1M triangles).
  const vertexCount = normals.length / 3;
  const front = new Float32Array(vertexCount);
  const back = new Float32Array(vertexCount);
  for (let v = 0, i = 0; v < vertexCount; v++, i += 3) {
    front[v] = shade(normals[i], normals[i + 1], normals[i + 2]);
    back[v] = shade(-normals[i], -normals[i + 1], -normals[i + 2]);
  }
  const p = positions;
  for (let t = 0; t < indices.length; t += 3) {
    const ia = indices[t],
      ib = indices[t + 1],
      ic = indices[t + 2];
    const a = ia * 3,
      b = ib * 3,
      c = ic * 3;
    const e1x = p[b] - p[a],
      e1y = p[b + 1] - p[a + 1],
      e1z = p[b + 2] - p[a + 2];
    const e2x = p[c] - p[a],
      e2y = p[c + 1] - p[a + 1],
      e2z = p[c + 2] - p[a + 2];
    const cx = e1y * e2z - e1z * e2y,
      cy = e1z * e2x - e1x * e2z,
      cz = e1x * e2y - e1y * e2x;
    const len = Math.sqrt(cx * cx + cy * cy + cz * cz);
    if (!(len > 0) || len === Infinity) continue; // degenerate or NaN: the rasteriser skips it too
    // Crease test against the unnormalised face normal: compare with creaseCos · |n|.
    const limit = creaseCos * len;
    const facingAway = cx * fx + cy * fy + cz * fz > 0;
    const lit = facingAway ? back : front;
    const smoothA = normals[a] * cx + normals[a + 1] * cy + normals[a + 2] * cz >= limit;
    const smoothB = normals[b] * cx + normals[b + 1] * cy + normals[b + 2] * cz >= limit;
    const smoothC = normals[c] * cx + normals[c + 1] * cy + normals[c + 2] * cz >= limit;
    if (smoothA && smoothB && smoothC) {
      out[t] = lit[ia];
      out[t + 1] = lit[ib];
      out[t + 2] = lit[ic];
      continue;
    }
    const sign = facingAway ? -1 / len : 1 / len;
    const flat = shade(cx * sign, cy * sign, cz * sign);
    out[t] = smoothA ? lit[ia] : flat;
    out[t + 1] = smoothB ? lit[ib] : flat;
    out[t + 2] = smoothC ? lit[ic] : flat;
  }
  return out;
}
