/**
 * The audit log of security events: sign-in, API keys created or revoked, data export, account
 * deletion, billing changes, operator actions. One row each (kept for the account's life) and one
 * log line. Details are small JSON and never hold secrets.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { auditRepository } from '../repositories/audit.ts';
import type { Logger } from './logger.ts';

export type AuditEvent =
  | 'user.created'
  | 'auth.sign_in'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'account.export'
  | 'account.deleted'
  | 'billing.checkout'
  | 'billing.webhook'
  | 'operator.action';

export interface AuditLog {
  record(event: AuditEvent, entry: { userId?: string | null; ip?: string; details?: Record<string, unknown> }): Promise<void>;
}

export function createAuditLog(db: Kysely<Database>, logger: Logger, clock: () => number): AuditLog {
  const rows = auditRepository(db);
  return {
    async record(event, entry) {
      logger.info('audit', { event, userId: entry.userId ?? undefined, ...entry.details });
      await rows.append({
        userId: entry.userId ?? null,
        event,
        ip: entry.ip ?? null,
        details: JSON.stringify(entry.details ?? {}),
        createdAt: clock(),
      });
    },
  };
}
