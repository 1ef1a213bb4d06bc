/**
 * A closed vocabulary of error codes (manifold's habit): every failure a user can see maps to one
 * of these, with the stage that raised it. Routes and the CLI turn them into JSON or one line.
 */
export const ERROR_CODES = {
  // input
  unsupported_format: 415,
  image_corrupt: 422,
  image_too_large: 413,
  image_empty: 422,
  image_too_small: 422,
  file_too_large: 413,
  mesh_corrupt: 422,
  mesh_empty: 422,
  too_many_triangles: 413,
  invalid_parameters: 400,
  // geometry
  not_manifold: 422,
  nothing_to_extrude: 422,
  geometry_failed: 422,
  /** Repair could not make a closed solid; the message says why (soup, nothing encloses a volume...). */
  repair_failed: 422,
  // runtime
  out_of_memory: 503,
  timeout: 503,
  /** The server's storage was full while the results were saved (nothing of them was kept). */
  storage_full: 503,
  cancelled: 409,
  internal: 500,
  // AI generation (the remote part of ai-image / ai-text jobs)
  /** The provider could not make a model (its task failed, expired or answered an error). */
  provider_failed: 502,
  /** The provider refused the prompt or image (content policy). */
  content_refused: 422,
  /** The provider did not finish within the AI job time limit. */
  provider_timeout: 504,
  /** The provider is unreachable, over its limits or refused our credentials. */
  provider_unavailable: 503,
  /** The provider's result could not be fetched safely (host, size, redirect or timeout rules). */
  result_rejected: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  readonly code: ErrorCode;
  readonly stage?: string;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, stage?: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.stage = stage;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; stage?: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, stage: this.stage, details: this.details };
  }
}

export function isPipelineError(error: unknown): error is PipelineError {
  return error instanceof PipelineError;
}
