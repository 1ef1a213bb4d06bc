/** Adapter from orientFlatBase to the report's orientation entry (rounded for JSON). */
import type { ManifoldToplevel } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';
import type { MeshReport } from '../mesh-report.ts';
import { orientFlatBase } from './flat-base.ts';

export function flatBaseStage(mesh: Mesh, wasm: ManifoldToplevel): { mesh: Mesh; orientation: NonNullable<MeshReport['orientation']> } {
  const flat = orientFlatBase(mesh, wasm);
  return {
    mesh: flat.mesh,
    orientation: {
      baseNormal: flat.baseNormal.map((v) => Math.round(v * 1e4) / 1e4),
      baseAreaMm2: Math.round(flat.contact.areaMm2 * 100) / 100,
      rotated: flat.rotated,
      stable: flat.stable,
    },
  };
}
