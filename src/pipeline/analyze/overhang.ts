/**
 * Overhang area: faces whose outward normal points down more than the threshold from the
 * horizontal (45° by default, the usual FDM rule: n.z < -sin 45°), excluding faces lying on the
 * bed (every corner within a hair of the lowest z), which the bed supports.
 */
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';

export interface OverhangOptions {
  thresholdDeg: number;
}

export const OVERHANG_DEFAULTS: Readonly<OverhangOptions> = { thresholdDeg: 45 };

export interface OverhangMeasure {
  thresholdDeg: number;
  areaMm2: number;
  /** Overhang area over total surface area. */
  fraction: number;
  /** Area of faces lying flat on the bed (left out of the overhang; the report's bed contact is the first layer, bed-contact.ts). */
  flatOnBedMm2: number;
}

export function measureOverhang(mesh: Mesh, options: Partial<OverhangOptions> = {}): OverhangMeasure {
  const { thresholdDeg } = { ...OVERHANG_DEFAULTS, ...options };
  const p = mesh.positions,
    t = mesh.indices;
  const box = boundingBox(mesh);
  const bedZ = box.min[2] + Math.max(1e-4, (box.max[2] - box.min[2]) * 1e-6);
  const limit = -Math.sin((thresholdDeg * Math.PI) / 180);
  let areaMm2 = 0,
    total = 0,
    flatOnBedMm2 = 0;
  for (let f = 0; f < t.length / 3; f++) {
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
    const double = Math.hypot(nx, ny, nz);
    if (double === 0) continue;
    const area = double / 2;
    total += area;
    if (nz / double >= limit) continue;
    if (p[a + 2] <= bedZ && p[b + 2] <= bedZ && p[c + 2] <= bedZ) flatOnBedMm2 += area;
    else areaMm2 += area;
  }
  return { thresholdDeg, areaMm2, fraction: total > 0 ? areaMm2 / total : 0, flatOnBedMm2 };
}
