/**
 * One entry for every mesh reader: the format is sniffed from the bytes (sniff.ts), then the
 * reader for it runs with the shared limits. Decoders that need WASM set-up (Draco, meshopt for
 * compressed GLBs) come in from the host, so the pipeline stays free of IO and init.
 */
import { PipelineError } from '../errors.ts';
import { readGlb, type GlbDecoders } from './glb.ts';
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, type ImportLimits } from './limits.ts';
import { readObj } from './obj.ts';
import { readPly } from './ply.ts';
import { sniffMeshFormat, type MeshFormat } from './sniff.ts';
import { readStl } from './stl.ts';
import { readThreeMf, READ_THREEMF_DEFAULTS } from './threemf.ts';

export interface ReadMeshOptions extends ImportLimits {
  maxUncompressedBytes: number;
  decoders?: GlbDecoders;
}

export const READ_MESH_DEFAULTS: Readonly<ReadMeshOptions> = {
  ...IMPORT_LIMITS_DEFAULTS,
  maxUncompressedBytes: READ_THREEMF_DEFAULTS.maxUncompressedBytes,
};

export async function readMesh(bytes: Uint8Array, options: Partial<ReadMeshOptions> = {}): Promise<ImportedMesh & { format: MeshFormat }> {
  const o = { ...READ_MESH_DEFAULTS, ...options };
  checkFileSize(bytes.length, o, 'readMesh');
  const format = sniffMeshFormat(bytes);
  switch (format) {
    case 'stl':
      return { format, ...readStl(bytes, o) };
    case 'obj':
      return { format, ...readObj(bytes, o) };
    case 'ply':
      return { format, ...readPly(bytes, o) };
    case 'glb':
      return { format, ...(await readGlb(bytes, o)) };
    case '3mf':
      return { format, ...readThreeMf(bytes, o) };
    default:
      throw new PipelineError(
        'unsupported_format',
        'readMesh: not a mesh file we can read (STL, OBJ, PLY, GLB or 3MF, by content)',
        'import',
      );
  }
}
