/** The audit_events table: one row per security event, kept for the account's life (src/services/audit.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AuditRow {
  userId: string | null;
  event: string;
  ip: string | null;
  /** Small JSON, never secrets. */
  details: string;
  createdAt: number;
}

export function auditRepository(db: Kysely<Database>) {
  return {
    append: async (row: AuditRow): Promise<void> => {
      await db
        .insertInto('audit_events')
        .values({ user_id: row.userId, event: row.event, ip: row.ip, details: row.details, created_at: row.createdAt })
        .execute();
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
