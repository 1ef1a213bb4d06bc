/** Adapter from orientFlatBase to the report's orientation entry (rounded for JSON). */
import type { Mesh } from '../mesh.ts';
import type { MeshReport } from '../mesh-report.ts';
import { orientFlatBase } from './flat-base.ts';

export function flatBaseStage(mesh: Mesh): { mesh: Mesh; orientation: NonNullable<MeshReport['orientation']> } {
  const flat = orientFlatBase(mesh);
  return {
    mesh: flat.mesh,
    orientation: {
      baseNormal: flat.baseNormal.map((v) => Math.round(v * 1e4) / 1e4),
      baseAreaMm2: Math.round(flat.baseAreaMm2 * 100) / 100,
      rotated: flat.rotated,
    },
  };
}
