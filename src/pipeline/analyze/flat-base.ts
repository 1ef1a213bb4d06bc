/**
 * orient: 'flat-base' — the rotation that puts the most surface flat on the bed.
 *
 * Candidates: the normals of the largest faces, grouped (normals quantised to ~1°, areas summed
 * per group, the 64 heaviest groups kept), plus the six axis directions. A flat base is always
 * a face of the convex hull, and hull faces large enough to matter show up among the heaviest
 * normal groups, so no hull is built. For each candidate d, the base area is the area of faces
 * facing d (within ~1°) whose corners all lie on the support plane max(v·d). The winner is
 * rotated to point down (-z); ties keep the current orientation.
 */
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';
import { faceNormals } from '../face-normals.ts';

const MAX_CANDIDATES = 64;
const COS_TOLERANCE = Math.cos((1 * Math.PI) / 180);

export interface FlatBaseResult {
  mesh: Mesh;
  /** The direction that now points down, in the input's frame. */
  baseNormal: [number, number, number];
  baseAreaMm2: number;
  rotated: boolean;
}

export function orientFlatBase(mesh: Mesh): FlatBaseResult {
  const p = mesh.positions,
    t = mesh.indices;
  const faces = t.length / 3;
  const { normals, areas } = faceNormals(mesh);
  const groups = new Map<string, { n: [number, number, number]; area: number }>();
  for (let f = 0; f < faces; f++) {
    const area = areas[f];
    if (area === 0) continue;
    const nx = normals[f * 3],
      ny = normals[f * 3 + 1],
      nz = normals[f * 3 + 2];
    const key = `${Math.round(nx * 60)},${Math.round(ny * 60)},${Math.round(nz * 60)}`;
    const group = groups.get(key);
    if (group) {
      group.area += area;
      group.n[0] += nx * area;
      group.n[1] += ny * area;
      group.n[2] += nz * area;
    } else {
      groups.set(key, { n: [nx * area, ny * area, nz * area], area });
    }
  }
  const candidates: [number, number, number][] = [
    [0, 0, -1],
    [0, 0, 1],
    [1, 0, 0],
    [-1, 0, 0],
    [0, 1, 0],
    [0, -1, 0],
  ];
  for (const group of [...groups.values()].sort((x, y) => y.area - x.area).slice(0, MAX_CANDIDATES)) {
    const len = Math.hypot(...group.n);
    if (len > 0) candidates.push([group.n[0] / len, group.n[1] / len, group.n[2] / len]);
  }
  const box = boundingBox(mesh);
  const eps = Math.max(1e-4, Math.hypot(box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]) * 1e-5);
  let best = candidates[0];
  let bestArea = baseArea(p, t, normals, areas, best, eps);
  for (const d of candidates.slice(1)) {
    const area = baseArea(p, t, normals, areas, d, eps);
    if (area > bestArea * (1 + 1e-6)) {
      best = d;
      bestArea = area;
    }
  }
  if (best === candidates[0]) return { mesh, baseNormal: best, baseAreaMm2: bestArea, rotated: false };
  return { mesh: rotateToDown(mesh, best), baseNormal: best, baseAreaMm2: bestArea, rotated: true };
}

function baseArea(p: Float32Array, t: Uint32Array, normals: Float64Array, areas: Float64Array, d: readonly number[], eps: number): number {
  let support = -Infinity;
  for (let v = 0; v < p.length; v += 3) support = Math.max(support, p[v] * d[0] + p[v + 1] * d[1] + p[v + 2] * d[2]);
  let area = 0;
  for (let f = 0; f < areas.length; f++) {
    if (normals[f * 3] * d[0] + normals[f * 3 + 1] * d[1] + normals[f * 3 + 2] * d[2] < COS_TOLERANCE) continue;
    let onPlane = true;
    for (let k = 0; k < 3 && onPlane; k++) {
      const v = t[f * 3 + k] * 3;
      onPlane = p[v] * d[0] + p[v + 1] * d[1] + p[v + 2] * d[2] >= support - eps;
    }
    if (onPlane) area += areas[f];
  }
  return area;
}

/** Rotation (Rodrigues) taking unit vector d to (0, 0, -1). */
function rotateToDown(mesh: Mesh, d: readonly number[]): Mesh {
  const target = [0, 0, -1];
  const axis = [d[1] * target[2] - d[2] * target[1], d[2] * target[0] - d[0] * target[2], d[0] * target[1] - d[1] * target[0]];
  const sin = Math.hypot(axis[0], axis[1], axis[2]);
  const cos = d[0] * target[0] + d[1] * target[1] + d[2] * target[2];
  let k: number[];
  if (sin < 1e-12)
    k = cos > 0 ? [0, 0, 1] : [1, 0, 0]; // identity, or a half turn about x
  else k = axis.map((a) => a / sin);
  const angle = Math.atan2(sin, cos);
  const c = Math.cos(angle),
    s = Math.sin(angle),
    C = 1 - c;
  const [x, y, z] = k;
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
  const src = mesh.positions;
  const positions = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const px = src[i],
      py = src[i + 1],
      pz = src[i + 2];
    positions[i] = m[0] * px + m[1] * py + m[2] * pz;
    positions[i + 1] = m[3] * px + m[4] * py + m[5] * pz;
    positions[i + 2] = m[6] * px + m[7] * py + m[8] * pz;
  }
  return { positions, indices: mesh.indices };
}
