/**
 * What a database failure means to the layers above the repositories, whatever the engine said:
 * the adapter (src/repositories/database-errors.ts) reads SQLite's and D1's error texts and throws
 * these instead, so no service, route or runner matches error messages.
 */
import { ServiceError } from './errors.ts';

/** Seconds a client is told to wait when the database is busy. */
export const DATABASE_BUSY_RETRY_AFTER_S = 2;

/**
 * Another writer held the lock past the busy timeout. Transient: the API answers 503 with
 * Retry-After, the job runner retries its settling writes.
 */
export class DatabaseBusyError extends ServiceError {
  constructor(options: { cause?: unknown } = {}) {
    super('service_unavailable', 'the database is busy; try again shortly', undefined, DATABASE_BUSY_RETRY_AFTER_S);
    this.cause = options.cause;
  }
}

/** A write refused by a unique index: the row it names is already there. */
export class UniqueViolationError extends Error {
  override readonly name = 'UniqueViolationError';
  constructor(options: { cause?: unknown } = {}) {
    super('the row already exists (unique index)', options);
  }
}
