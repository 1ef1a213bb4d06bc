/**
 * Decides what an uploaded file is and whether we take it, WITHOUT decoding it: the kind and
 * format from its magic bytes, then the pixel limit from the image header (the codec reads only
 * the header) or the triangle limit from the mesh's declared counts. Decoding happens in the job.
 */
import { checkHeader } from '../pipeline/decode.ts';
import { PipelineError } from '../pipeline/errors.ts';
import type { ImageHeader } from '../pipeline/image.ts';
import { countMeshTriangles } from '../pipeline/import/count-triangles.ts';
import { ServiceError } from '../domain/errors.ts';
import { sniffContent } from './sniff-content.ts';
import type { SniffedContent } from './sniff-content.ts';
import type { UploadLimits } from './upload-limits.ts';

export type ReadImageHeader = (bytes: Uint8Array) => Promise<ImageHeader>;

export type UploadInspection = SniffedContent & { width: number | null; height: number | null; triangles: number | null };

export async function inspectUpload(bytes: Uint8Array, readImageHeader: ReadImageHeader, limits: UploadLimits): Promise<UploadInspection> {
  if (bytes.byteLength === 0) throw new ServiceError('file_empty', 'the file is empty');
  const sniffed = sniffContent(bytes);
  if (!sniffed) {
    throw new PipelineError(
      'unsupported_format',
      'upload: not a file we can read; send an image (PNG, JPEG, WebP, GIF, TIFF, AVIF, HEIC) or a 3D file (STL, OBJ, PLY, GLB, 3MF)',
      'upload',
    );
  }
  try {
    return await inspectSniffed(bytes, sniffed, readImageHeader, limits);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    // A reader tripping over malformed bytes (a RangeError in a DataView, say) is bad input, not our fault.
    const code = sniffed.kind === 'image' ? 'image_corrupt' : 'mesh_corrupt';
    throw new PipelineError(code, `upload: the ${sniffed.format.toUpperCase()} file is malformed`, 'upload');
  }
}

async function inspectSniffed(
  bytes: Uint8Array,
  sniffed: SniffedContent,
  readImageHeader: ReadImageHeader,
  limits: UploadLimits,
): Promise<UploadInspection> {
  if (sniffed.kind === 'image') {
    const header = await readImageHeader(bytes);
    checkHeader(header, { maxBytes: limits.maxBytes, maxPixels: limits.maxPixels, minSide: limits.minSide });
    return { ...sniffed, width: header.width, height: header.height, triangles: null };
  }
  const triangles = countMeshTriangles(bytes, sniffed.format, limits);
  return { ...sniffed, width: null, height: null, triangles };
}
