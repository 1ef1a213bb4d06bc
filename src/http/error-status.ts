/**
 * The HTTP status of every error code: the one place statuses live. A Record over the closed
 * union, so a new code does not compile until it has a status here.
 */
import type { ErrorCode } from '../domain/errors.ts';

export const HTTP_STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  // pipeline: input
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
  font_corrupt: 400,
  // pipeline: geometry
  not_manifold: 422,
  nothing_to_extrude: 422,
  geometry_failed: 422,
  repair_failed: 422,
  // pipeline: runtime
  out_of_memory: 503,
  timeout: 503,
  storage_full: 503,
  cancelled: 409,
  internal: 500,
  // services and HTTP
  unauthorized: 401,
  forbidden: 403,
  cross_origin_request: 403,
  insufficient_scope: 403,
  not_found: 404,
  invalid_request: 400,
  insufficient_credits: 402,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  upload_not_ready: 409,
  upload_kind_mismatch: 422,
  file_empty: 422,
  rate_limited: 429,
  provider_not_configured: 503,
  service_unavailable: 503,
  billing_not_configured: 503,
  no_billing_account: 409,
  account_flagged: 403,
  webhook_signature_invalid: 400,
  invalid_signature: 403,
  invalid_password: 403,
  confirmation_required: 403,
  active_subscription: 409,
  not_shared: 404,
  nothing_to_preview: 422,
  payment_provider_error: 502,
  job_too_large: 422,
  image_url_rejected: 422,
  image_url_unreachable: 422,
  queue_full: 429,
  exceeds_build_plate: 422,
  invalid_credentials: 401,
  email_taken: 422,
  // AI providers
  provider_failed: 502,
  content_refused: 422,
  provider_timeout: 504,
  provider_unavailable: 503,
  result_rejected: 502,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_OF[code];
}
