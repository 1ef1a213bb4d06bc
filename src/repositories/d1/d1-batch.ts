/** AtomicBatch on D1: `D1Database.batch()` runs its statements as one transaction, all or none. */
import type { QueryResult } from 'kysely';
import type { AtomicBatch } from '../atomic-batch.ts';
import type { D1DatabaseLike } from './d1-types.ts';

export function d1Batch(database: D1DatabaseLike): AtomicBatch {
  return {
    async run(queries) {
      if (queries.length === 0) return [];
      const results = await database.batch(queries.map((q) => database.prepare(q.sql).bind(...q.parameters)));
      return results.map(
        (r): QueryResult<Record<string, unknown>> => ({
          rows: (r.results ?? []) as Record<string, unknown>[],
          numAffectedRows: r.meta.changes !== undefined ? BigInt(r.meta.changes) : undefined,
        }),
      );
    },
  };
}
