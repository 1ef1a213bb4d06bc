/** The one JSON error shape users see: { error: { code, message, details? } }. */
import { httpStatusOf } from './error-status.ts';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isPipelineError } from '../pipeline/errors.ts';
import { ServiceError } from '../domain/errors.ts';
import type { Logger } from '../services/logger.ts';
import type { AppEnv } from './env.ts';

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: details ? { code, message, details } : { code, message } };
}

export function sendError(
  c: Context,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
  retryAfter?: number,
) {
  if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
  return c.json(errorBody(code, message, details), status as ContentfulStatusCode);
}

/** app.onError: known errors keep their code and status; anything else is a logged 500 without a stack. */
export function errorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context<AppEnv>) {
    if (error instanceof ServiceError)
      return sendError(c, httpStatusOf(error.code), error.code, error.message, error.details, error.retryAfter);
    if (isPipelineError(error)) return sendError(c, httpStatusOf(error.code), error.code, error.message, error.details);
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Hono's HTTPException (e.g. body limit) and similar.
      return sendError(c, status, status === 413 ? 'payload_too_large' : 'invalid_request', error.message || 'bad request');
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      return sendError(c, 503, 'service_unavailable', 'storage is full; try again later', undefined, 60);
    }
    logger.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, error: error.message, stack: error.stack });
    return sendError(c, 500, 'internal', 'something went wrong on our side; it has been logged');
  };
}
