import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';

/**
 * Rows belong to someone who exists: uploads, jobs, API keys and shares reference better-auth's
 * `user` (ON DELETE CASCADE), job events and artifacts reference their job. With
 * `PRAGMA foreign_keys=ON` (src/node/database.ts) an insert for a deleted user fails, so a request
 * racing an account deletion cannot leave an orphan row behind.
 *
 * Left without a foreign key on purpose: credit_entries, billing_accounts and audit_events outlive
 * the user under a pseudonym (billing law, security history), and credit_balances follows the
 * ledger's ids.
 *
 * SQLite cannot add a constraint to a table, so each table is rebuilt (the procedure of
 * https://sqlite.org/lang_altertable.html#otheralter): foreign keys off, a copy made from the
 * table's own CREATE statement plus the constraint (so columns other migrations added are kept),
 * rows copied except orphans left by the old bug, indexes re-created, a foreign_key_check, all in
 * one transaction. Needs better-auth's tables first (migrateAll runs its migrations before ours).
 */
const TABLES: Array<{ table: string; references: Array<{ column: string; parent: string }> }> = [
  { table: 'uploads', references: [{ column: 'user_id', parent: 'user' }] },
  { table: 'jobs', references: [{ column: 'user_id', parent: 'user' }] },
  { table: 'job_events', references: [{ column: 'job_id', parent: 'jobs' }] },
  { table: 'artifacts', references: [{ column: 'job_id', parent: 'jobs' }] },
  { table: 'api_keys', references: [{ column: 'user_id', parent: 'user' }] },
  { table: 'shares', references: [{ column: 'user_id', parent: 'user' }] },
];

const constraint = (column: string, parent: string) => `, FOREIGN KEY ("${column}") REFERENCES "${parent}" ("id") ON DELETE CASCADE`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await withoutForeignKeys(db, async (trx) => {
    for (const { table, references } of TABLES) {
      await rebuild(trx, table, (create) => create.replace(/\)\s*$/, `${references.map((r) => constraint(r.column, r.parent)).join('')})`));
    }
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await withoutForeignKeys(db, async (trx) => {
    for (const { table, references } of [...TABLES].reverse()) {
      await rebuild(trx, table, (create) => references.reduce((text, r) => text.replace(constraint(r.column, r.parent), ''), create));
    }
  });
}

/** Runs `work` in one transaction with foreign keys off (they cannot change inside one), then checks them. */
async function withoutForeignKeys(db: Kysely<unknown>, work: (trx: Transaction<unknown>) => Promise<void>): Promise<void> {
  const before = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db);
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await work(trx);
      const broken = await sql`PRAGMA foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`foreign keys: ${broken.rows.length} rows still point nowhere`);
    });
  } finally {
    if (before.rows[0]?.foreign_keys) await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

/**
 * Re-creates `table` from its CREATE statement changed by `edit`, with its indexes and the rows
 * whose every foreign key finds its parent (the rest are orphans of deleted users or jobs).
 */
async function rebuild(trx: Transaction<unknown>, table: string, edit: (create: string) => string): Promise<void> {
  const schema = await sql<{ type: string; sql: string | null }>`
    SELECT type, sql FROM sqlite_master WHERE tbl_name = ${table} AND type IN ('table', 'index', 'trigger')`.execute(trx);
  const create = schema.rows.find((r) => r.type === 'table')?.sql;
  if (!create) throw new Error(`foreign keys: no table ${table}`);
  const temporary = `${table}__rebuild`;
  const renamed = edit(create).replace(/^CREATE TABLE\s+("?)[\w]+\1/i, `CREATE TABLE "${temporary}"`);
  await sql.raw(renamed).execute(trx);
  const parents = await sql<{ from: string; table: string; to: string | null }>`
    SELECT "from", "table", "to" FROM pragma_foreign_key_list(${temporary})`.execute(trx);
  const keep = parents.rows.map((fk) => `"${fk.from}" IN (SELECT "${fk.to ?? 'id'}" FROM "${fk.table}")`);
  const where = keep.length > 0 ? ` WHERE ${keep.join(' AND ')}` : '';
  await sql.raw(`INSERT INTO "${temporary}" SELECT * FROM "${table}"${where}`).execute(trx);
  await sql.raw(`DROP TABLE "${table}"`).execute(trx);
  await sql.raw(`ALTER TABLE "${temporary}" RENAME TO "${table}"`).execute(trx);
  // Automatic indexes (sql is null) come back with the constraints; the named ones are re-made.
  for (const row of schema.rows) if (row.type !== 'table' && row.sql) await sql.raw(row.sql).execute(trx);
}
