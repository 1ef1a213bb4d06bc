/**
 * Limits every reader checks BEFORE allocating for what a file claims (a header count, counted
 * face lines, a zip's declared sizes), so a 200-byte file claiming 2^31 triangles is refused in
 * microseconds instead of taking the worker down.
 */
import { PipelineError } from '../errors.ts';

export interface ImportLimits {
  /** Size of the uploaded file in bytes. */
  maxBytes: number;
  /** Triangles after triangulating polygons and expanding instances. */
  maxTriangles: number;
}

export const IMPORT_LIMITS_DEFAULTS: Readonly<ImportLimits> = {
  maxBytes: 256 * 1024 * 1024,
  // manifold needs ~1 GB per 1M triangles inside a 4 GB WASM heap (DESIGN.md).
  maxTriangles: 2_000_000,
};

export function checkFileSize(byteLength: number, limits: ImportLimits, operation: string): void {
  if (byteLength > limits.maxBytes) {
    throw new PipelineError('file_too_large', `${operation}: the file is ${byteLength} bytes, the limit is ${limits.maxBytes}`, 'import', {
      bytes: byteLength,
      maxBytes: limits.maxBytes,
    });
  }
  if (byteLength === 0) throw new PipelineError('mesh_empty', `${operation}: the file is empty`, 'import');
}

export function checkTriangleCount(triangles: number, limits: ImportLimits, operation: string): void {
  if (triangles > limits.maxTriangles) {
    throw new PipelineError(
      'too_many_triangles',
      `${operation}: the file has ${triangles} triangles, the limit is ${limits.maxTriangles}`,
      'import',
      {
        triangles,
        maxTriangles: limits.maxTriangles,
      },
    );
  }
}

export function corrupt(operation: string, message: string, details?: Record<string, unknown>): PipelineError {
  return new PipelineError('mesh_corrupt', `${operation}: ${message}`, 'import', details);
}

export function empty(operation: string, message: string): PipelineError {
  return new PipelineError('mesh_empty', `${operation}: ${message}`, 'import');
}
