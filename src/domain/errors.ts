/**
 * The one closed list of error codes a user can see, and the error services raise with them. Each
 * code means one thing; the HTTP status that fits it lives in src/http/error-status.ts, so nothing
 * below the HTTP layer knows about statuses. The pipeline's own codes come from the pipeline (it
 * imports nothing of ours); the AI codes are what a provider's remote stage can end in.
 */
import { PIPELINE_ERROR_CODES } from '../pipeline/errors.ts';

/** Raised by the services and the HTTP layer. */
export const SERVICE_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  /** A cookie-authenticated state change sent from a page that is not ours (Origin / Sec-Fetch-Site). */
  'cross_origin_request',
  /** The API key is valid but was not given the scope this request needs. */
  'insufficient_scope',
  'not_found',
  'invalid_request',
  'insufficient_credits',
  'conflict',
  'idempotency_conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'upload_not_ready',
  'upload_kind_mismatch',
  'file_empty',
  'rate_limited',
  'provider_not_configured',
  'service_unavailable',
  'billing_not_configured',
  'no_billing_account',
  'account_flagged',
  'webhook_signature_invalid',
  /** A signed download link that is tampered with, expired, or for another file. */
  'invalid_signature',
  'invalid_password',
  'confirmation_required',
  'active_subscription',
  'not_shared',
  'nothing_to_preview',
  /** Creem did not answer or refused a checkout or portal request. */
  'payment_provider_error',
  /** The job's work estimate is past a limit (grid samples, grid side, memory): it would not finish here. */
  'job_too_large',
  /** The user's queued work is past the per-user cap; Retry-After says when there should be room. */
  'queue_full',
  /** The model would not fit the job's build volume (buildPlateMm) any way round. */
  'exceeds_build_plate',
  /** An image URL we will not fetch: not http(s), credentials in it, or it (or a redirect) leads to a private address. */
  'image_url_rejected',
  /** An image URL that could not be fetched: the server answered an error, or did not answer in time. */
  'image_url_unreachable',
  /** Sign-in with an email and password that do not match an account. */
  'invalid_credentials',
  /** Sign-up with an email that already has an account. */
  'email_taken',
] as const;

/** How the remote part of an ai-image or ai-text job can end. */
export const AI_ERROR_CODES = [
  /** The provider could not make a model (its task failed, expired or answered an error). */
  'provider_failed',
  /** The provider refused the prompt or image (content policy). */
  'content_refused',
  /** The provider did not finish within the AI job time limit. */
  'provider_timeout',
  /** The provider is unreachable, over its limits or refused our credentials. */
  'provider_unavailable',
  /** The provider's result could not be fetched safely (host, size, redirect or timeout rules). */
  'result_rejected',
] as const;

export const ERROR_CODES = [...PIPELINE_ERROR_CODES, ...SERVICE_ERROR_CODES, ...AI_ERROR_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];
export type AiErrorCode = (typeof AI_ERROR_CODES)[number];

/** Why a job failed, as stored on the job and sent to its owner (never a stack). */
export interface JobFailure {
  code: ErrorCode;
  message: string;
  stage?: string;
}

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, retryAfter?: number) {
    super(message);
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  static of(code: ErrorCode, message: string, details?: Record<string, unknown>): ServiceError {
    return new ServiceError(code, message, details);
  }
}

export function notFound(what: string): ServiceError {
  return ServiceError.of('not_found', `${what} was not found`);
}
