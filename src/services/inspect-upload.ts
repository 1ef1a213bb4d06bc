/**
 * Decides what an uploaded file is and whether we take it, WITHOUT decoding it: the kind and
 * format from its magic bytes, then the pixel limit from the image header (the codec reads only
 * the header) or the triangle limit from the mesh's declared counts; a font is read whole (it is small). Decoding happens in the job.
 *
 * Counting a mesh can be real work (a 3MF whose model part inflates to 384 MB, a 50 MB OBJ), so it
 * is done by the CountMeshTriangles the service is given: the Node server hands it a thread of its
 * own (src/node/mesh-inspector.ts), never the event loop that answers HTTP.
 */
import { checkHeader } from '../pipeline/decode.ts';
import { PipelineError } from '../pipeline/errors.ts';
import type { ImageHeader } from '../pipeline/image.ts';
import { countMeshTriangles } from '../pipeline/import/count-triangles.ts';
import type { CountTrianglesOptions } from '../pipeline/import/count-triangles.ts';
import type { MeshFormat } from '../pipeline/import/sniff.ts';
import { ServiceError } from '../domain/errors.ts';
import { sniffContent } from './sniff-content.ts';
import type { SniffedContent } from './sniff-content.ts';
import { fileTooLarge } from './upload-limits.ts';
import type { UploadLimits } from './upload-limits.ts';
import { readTrueType } from '../pipeline/text/truetype.ts';

/** A text job's own font may be this large (Noto Sans Bold is 0.5 MB; CJK fonts, far larger, are not for nameplates). */
export const MAX_FONT_UPLOAD_BYTES = 2 * 1024 * 1024;

export type ReadImageHeader = (bytes: Uint8Array) => Promise<ImageHeader>;

/** countMeshTriangles somewhere: throws its PipelineErrors (too_many_triangles, mesh_corrupt...) as they are. */
export type CountMeshTriangles = (bytes: Uint8Array, format: MeshFormat, limits: CountTrianglesOptions) => Promise<number>;

/** On the calling thread: for runtimes without threads, and tests that are not about where it runs. */
export const countTrianglesHere: CountMeshTriangles = async (bytes, format, limits) => countMeshTriangles(bytes, format, limits);

/** How the file's contents are read: the image codec's header reader and the triangle counter. */
export interface UploadInspectors {
  readImageHeader: ReadImageHeader;
  countTriangles: CountMeshTriangles;
}

export type UploadInspection = SniffedContent & { width: number | null; height: number | null; triangles: number | null };

export async function inspectUpload(bytes: Uint8Array, inspectors: UploadInspectors, limits: UploadLimits): Promise<UploadInspection> {
  if (bytes.byteLength === 0) throw new ServiceError('file_empty', 'the file is empty');
  const sniffed = sniffContent(bytes);
  if (!sniffed) {
    throw new PipelineError(
      'unsupported_format',
      'upload: not a file we can read; send an image (PNG, JPEG, WebP, GIF, TIFF, AVIF, HEIC) a 3D file (STL, OBJ, PLY, GLB, 3MF) or a TrueType font (TTF)',
      'upload',
    );
  }
  try {
    return await inspectSniffed(bytes, sniffed, inspectors, limits);
  } catch (error) {
    if (error instanceof PipelineError || error instanceof ServiceError) throw error;
    // A reader tripping over malformed bytes (a RangeError in a DataView, say) is bad input, not our fault.
    const code = sniffed.kind === 'image' ? 'image_corrupt' : sniffed.kind === 'font' ? 'font_corrupt' : 'mesh_corrupt';
    throw new PipelineError(code, `upload: the ${sniffed.format.toUpperCase()} file is malformed`, 'upload');
  }
}

async function inspectSniffed(
  bytes: Uint8Array,
  sniffed: SniffedContent,
  inspectors: UploadInspectors,
  limits: UploadLimits,
): Promise<UploadInspection> {
  if (sniffed.kind === 'font') {
    // Read whole now (a few ms for 2 MB) so a broken font is a 400 font_corrupt at upload, not a failed job.
    if (bytes.byteLength > MAX_FONT_UPLOAD_BYTES) throw fileTooLarge(MAX_FONT_UPLOAD_BYTES);
    readTrueType(bytes);
    return { ...sniffed, width: null, height: null, triangles: null };
  }
  if (sniffed.kind === 'image') {
    const header = await inspectors.readImageHeader(bytes);
    checkHeader(header, { maxBytes: limits.maxBytes, maxPixels: limits.maxPixels, minSide: limits.minSide });
    return { ...sniffed, width: header.width, height: header.height, triangles: null };
  }
  const triangles = await inspectors.countTriangles(bytes, sniffed.format, {
    maxBytes: limits.maxBytes,
    maxTriangles: limits.maxTriangles,
    maxUncompressedBytes: limits.maxUncompressedBytes,
  });
  return { ...sniffed, width: null, height: null, triangles };
}
