/**
 * The pipeline's closed vocabulary of error codes (manifold's habit): every failure it raises is one
 * of these, with the stage that raised it. Codes only: src/domain/errors.ts adds them to the service's
 * one list and src/http/error-status.ts gives each its HTTP status; the CLI prints them as one line.
 */
export const PIPELINE_ERROR_CODES = [
  // input
  'unsupported_format',
  'image_corrupt',
  'image_too_large',
  'image_empty',
  'image_too_small',
  'file_too_large',
  'mesh_corrupt',
  'mesh_empty',
  'too_many_triangles',
  'invalid_parameters',
  /** A font (bundled name or uploaded file) that cannot be read as TrueType. */
  'font_corrupt',
  // geometry
  'not_manifold',
  'nothing_to_extrude',
  'geometry_failed',
  /** Repair could not make a closed solid; the message says why (soup, nothing encloses a volume...). */
  'repair_failed',
  // runtime
  'out_of_memory',
  'timeout',
  /** The server's storage was full while the results were saved (nothing of them was kept). */
  'storage_full',
  'cancelled',
  'internal',
] as const;

export type PipelineErrorCode = (typeof PIPELINE_ERROR_CODES)[number];

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  readonly code: PipelineErrorCode;
  readonly stage?: string;
  readonly details?: Record<string, unknown>;
  constructor(code: PipelineErrorCode, message: string, stage?: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.stage = stage;
    this.details = details;
  }

  toJSON(): { code: PipelineErrorCode; message: string; stage?: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, stage: this.stage, details: this.details };
  }
}

export function isPipelineError(error: unknown): error is PipelineError {
  return error instanceof PipelineError;
}
