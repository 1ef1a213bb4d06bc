/**
 * What an upload may be: bytes (checked while the body streams in), pixels (from the image
 * header, before any decode), triangles (from the mesh's declared counts, before any parse).
 */
import { IMAGE_LIMITS_DEFAULTS } from '../pipeline/image.ts';
import { COUNT_TRIANGLES_DEFAULTS } from '../pipeline/import/count-triangles.ts';
import { ServiceError } from '../domain/errors.ts';

export interface UploadLimits {
  maxBytes: number;
  maxPixels: number;
  minSide: number;
  maxTriangles: number;
  /** 3MF: the declared unpacked size of its model parts (zip-bomb guard). */
  maxUncompressedBytes: number;
}

export function uploadLimits(maxBytes: number): UploadLimits {
  return {
    maxBytes,
    maxPixels: IMAGE_LIMITS_DEFAULTS.maxPixels,
    minSide: IMAGE_LIMITS_DEFAULTS.minSide,
    maxTriangles: COUNT_TRIANGLES_DEFAULTS.maxTriangles,
    maxUncompressedBytes: COUNT_TRIANGLES_DEFAULTS.maxUncompressedBytes,
  };
}

export function fileTooLarge(maxBytes: number): ServiceError {
  return new ServiceError('file_too_large', `the file is larger than the ${maxBytes}-byte limit`, { maxBytes });
}
