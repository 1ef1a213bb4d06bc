import { PipelineError } from '../errors.ts';
import type { Mesh } from '../mesh.ts';

/**
 * Every exporter writes whatever it is given, so a bad index or a NaN would become a file that a
 * slicer rejects far from the cause. One linear pass here turns that into a PipelineError that
 * names the exporter.
 */
export function assertExportableMesh(mesh: Mesh, operation: string): void {
  const { positions, indices } = mesh;
  if (positions.length % 3 !== 0 || indices.length % 3 !== 0) {
    throw new PipelineError('mesh_corrupt', `${operation}: positions and indices must come in threes`, 'export', {
      positions: positions.length,
      indices: indices.length,
    });
  }
  if (indices.length === 0) {
    throw new PipelineError('mesh_empty', `${operation}: the mesh has no triangles`, 'export');
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) {
      throw new PipelineError('mesh_corrupt', `${operation}: vertex ${Math.floor(i / 3)} is not finite`, 'export');
    }
  }
  const vertices = positions.length / 3;
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= vertices) {
      throw new PipelineError('mesh_corrupt', `${operation}: triangle ${Math.floor(i / 3)} points past the last vertex`, 'export', {
        index: indices[i],
        vertices,
      });
    }
  }
}
