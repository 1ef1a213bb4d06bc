/**
 * A Kysely dialect over a D1 binding: SQLite's compiler, adapter and introspector with a driver
 * that sends each compiled query through `prepare().bind().all()`.
 *
 * D1 has no interactive transactions (a Worker cannot hold a connection open across awaits), so
 * `db.transaction()` throws here on purpose: multi-row changes are one conditional statement or
 * one batch (`AtomicBatch`, src/repositories/atomic-batch.ts), atomic on SQLite and D1 alike. Migrations need no transaction on SQLite
 * (Kysely's SqliteAdapter does not wrap DDL), so the same Migrator runs on D1.
 */
import { type CompiledQuery, SqliteAdapter, SqliteQueryCompiler } from 'kysely';
import type { DatabaseConnection, DatabaseIntrospector, Dialect, Driver, QueryResult, TableMetadata } from 'kysely';
import { classifyErrors } from '../database-errors.ts';
import type { D1DatabaseLike } from './d1-types.ts';

export function d1Dialect(database: D1DatabaseLike): Dialect {
  return classifyErrors({
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => d1Driver(database),
    createIntrospector: () => d1Introspector(database),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  });
}

function d1Driver(database: D1DatabaseLike): Driver {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const result = await database
        .prepare(query.sql)
        .bind(...query.parameters)
        .all<R>();
      const changes = result.meta.changes;
      const lastRowId = result.meta.last_row_id;
      return {
        rows: result.results ?? [],
        numAffectedRows: changes !== undefined ? BigInt(changes) : undefined,
        insertId: lastRowId !== undefined && changes ? BigInt(lastRowId) : undefined,
      };
    },
    streamQuery() {
      throw new Error('d1: streaming queries are not supported');
    },
  };
  return {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      throw new Error('d1: no interactive transactions; use one conditional statement or a batch');
    },
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
}

/**
 * Tables and their columns. SQLite's own introspector joins `pragma_table_info()` inside one
 * query, which D1 refuses ("not authorized"); selecting from `pragma_table_info(?)` one table at a
 * time is allowed, so the columns come in one batch. better-auth checks its tables' columns at
 * start-up through this, and the Migrator needs the table names.
 */
function d1Introspector(database: D1DatabaseLike): DatabaseIntrospector {
  const getTables = async (): Promise<TableMetadata[]> => {
    const tables = await database
      .prepare(
        "select name, type, sql from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%' and name not like '_cf_%' order by name",
      )
      .all<{ name: string; type: string; sql: string | null }>();
    const list = tables.results ?? [];
    if (list.length === 0) return [];
    const columns = await database.batch<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>(
      list.map((t) => database.prepare('select * from pragma_table_info(?)').bind(t.name)),
    );
    return list.map((table, i) => {
      const autoIncrement = /autoincrement/i.test(table.sql ?? '');
      return {
        name: table.name,
        isView: table.type === 'view',
        columns: (columns[i]?.results ?? []).map((c) => ({
          name: c.name,
          dataType: c.type,
          isNullable: !c.notnull,
          isAutoIncrementing: autoIncrement && c.pk > 0 && /^integer$/i.test(c.type),
          hasDefaultValue: c.dflt_value != null,
        })),
      };
    });
  };
  return { getSchemas: async () => [], getTables, getMetadata: async () => ({ tables: await getTables() }) };
}
