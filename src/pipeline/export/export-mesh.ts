/** One format -> one artifact; shared by the image and mesh pipelines. */
import type { Artifact } from '../artifacts.ts';
import { bytesArtifact, CONTENT_TYPES } from '../artifacts.ts';
import { PipelineError } from '../errors.ts';
import type { Mesh } from '../mesh.ts';
import type { OutputFormat } from '../params.ts';
import { writeGlb } from './glb.ts';
import { writeObj } from './obj.ts';
import { stlByteLength, stlChunks } from './stl.ts';
import { writeThreeMf } from './threemf.ts';

export async function exportMesh(mesh: Mesh, format: OutputFormat): Promise<Artifact> {
  switch (format) {
    case 'stl':
      return {
        name: 'model.stl',
        contentType: CONTENT_TYPES.stl,
        byteLength: stlByteLength(mesh.indices.length / 3),
        chunks: () => stlChunks(mesh),
      };
    case '3mf':
      return bytesArtifact('model.3mf', CONTENT_TYPES['3mf'], writeThreeMf(mesh));
    case 'glb':
      return bytesArtifact('model.glb', CONTENT_TYPES.glb, await writeGlb(mesh));
    case 'obj':
      return bytesArtifact('model.obj', CONTENT_TYPES.obj, writeObj(mesh));
    default:
      throw new PipelineError('invalid_parameters', `export: unknown format ${String(format)}`, 'export');
  }
}
