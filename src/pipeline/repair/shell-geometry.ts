/**
 * Per-shell measurements the outward, small-part and union steps share: signed volume, area,
 * bounding box, and the generalised winding number of a point (Jacobson et al. 2013: the sum of
 * the signed solid angles of the triangles over 4π; ~1 inside a closed outward shell, ~0 outside,
 * robust to small cracks). Winding queries are O(faces), so they are only made per shell.
 */
import type { Mesh } from '../mesh.ts';

export interface ShellGeometry {
  faces: Uint32Array;
  volume: number;
  area: number;
  min: [number, number, number];
  max: [number, number, number];
}

export function measureShell(mesh: Mesh, faces: Uint32Array): ShellGeometry {
  const p = mesh.positions,
    t = mesh.indices;
  let volume = 0,
    area = 0;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const f of faces) {
    const a = t[f * 3] * 3,
      b = t[f * 3 + 1] * 3,
      c = t[f * 3 + 2] * 3;
    const ax = p[a],
      ay = p[a + 1],
      az = p[a + 2];
    const bx = p[b],
      by = p[b + 1],
      bz = p[b + 2];
    const cx = p[c],
      cy = p[c + 1],
      cz = p[c + 2];
    volume += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    const ux = bx - ax,
      uy = by - ay,
      uz = bz - az,
      vx = cx - ax,
      vy = cy - ay,
      vz = cz - az;
    area += Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
    for (let k = 0; k < 3; k++) {
      const lo = Math.min(p[a + k], p[b + k], p[c + k]),
        hi = Math.max(p[a + k], p[b + k], p[c + k]);
      if (lo < min[k]) min[k] = lo;
      if (hi > max[k]) max[k] = hi;
    }
  }
  return { faces, volume: volume / 6, area, min, max };
}

export function boxContains(shell: ShellGeometry, q: readonly number[]): boolean {
  return (
    q[0] >= shell.min[0] &&
    q[0] <= shell.max[0] &&
    q[1] >= shell.min[1] &&
    q[1] <= shell.max[1] &&
    q[2] >= shell.min[2] &&
    q[2] <= shell.max[2]
  );
}

export function boxesOverlap(a: ShellGeometry, b: ShellGeometry): boolean {
  for (let k = 0; k < 3; k++) if (a.max[k] < b.min[k] || b.max[k] < a.min[k]) return false;
  return true;
}

/** Generalised winding number of q with respect to the given faces. */
export function windingNumber(mesh: Mesh, faces: Uint32Array, q: readonly number[]): number {
  const p = mesh.positions,
    t = mesh.indices;
  let total = 0;
  for (const f of faces) {
    const a = t[f * 3] * 3,
      b = t[f * 3 + 1] * 3,
      c = t[f * 3 + 2] * 3;
    const ax = p[a] - q[0],
      ay = p[a + 1] - q[1],
      az = p[a + 2] - q[2];
    const bx = p[b] - q[0],
      by = p[b + 1] - q[1],
      bz = p[b + 2] - q[2];
    const cx = p[c] - q[0],
      cy = p[c + 1] - q[1],
      cz = p[c + 2] - q[2];
    const la = Math.hypot(ax, ay, az),
      lb = Math.hypot(bx, by, bz),
      lc = Math.hypot(cx, cy, cz);
    const det = ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    const dot = la * lb * lc + (ax * bx + ay * by + az * bz) * lc + (bx * cx + by * cy + bz * cz) * la + (cx * ax + cy * ay + cz * az) * lb;
    total += 2 * Math.atan2(det, dot);
  }
  return total / (4 * Math.PI);
}

/** A point just inside face f's shell side: its centroid moved a hair against the face normal. */
export function probeBehindFace(mesh: Mesh, f: number, distance: number): [number, number, number] {
  const p = mesh.positions,
    t = mesh.indices;
  const a = t[f * 3] * 3,
    b = t[f * 3 + 1] * 3,
    c = t[f * 3 + 2] * 3;
  const ux = p[b] - p[a],
    uy = p[b + 1] - p[a + 1],
    uz = p[b + 2] - p[a + 2];
  const vx = p[c] - p[a],
    vy = p[c + 1] - p[a + 1],
    vz = p[c + 2] - p[a + 2];
  const nx = uy * vz - uz * vy,
    ny = uz * vx - ux * vz,
    nz = ux * vy - uy * vx;
  const len = Math.hypot(nx, ny, nz) || 1;
  return [
    (p[a] + p[b] + p[c]) / 3 - (nx / len) * distance,
    (p[a + 1] + p[b + 1] + p[c + 1]) / 3 - (ny / len) * distance,
    (p[a + 2] + p[b + 2] + p[c + 2]) / 3 - (nz / len) * distance,
  ];
}
