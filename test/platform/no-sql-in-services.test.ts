/**
 * Services hold rules, repositories hold SQL (issue 12): a service asks a repository by intention
 * (`apiKeys.revokeWithDescendants`, `credits.balanceIs`) and never builds a query itself, not even
 * a compiled statement for an AtomicBatch. This check fails the build when Kysely query building or
 * an `sql` template shows up in src/services or src/app.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src/services', 'src/app.ts'];

/** Query builders, raw `sql` templates (typed or not) and the `sql.join`/`sql.ref`/… helpers. */
const SQL_BUILDING =
  /\.\s*(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\s*\(|\bsql\s*(<[^`]*>)?\s*`|\bsql\.\w+\s*\(/;

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return /\.ts$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name)));
}

/** Code only (comments may name a table or a statement); block comments keep their lines, so line numbers stay true. */
const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, '')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('no SQL in services or the app', () => {
  it('no query building or `sql` templates in src/services or src/app.ts', () => {
    const offenders = ROOTS.flatMap(sourceFiles)
      .map((file) => ({ file, lines: withoutComments(readFileSync(file, 'utf8')).split('\n') }))
      .flatMap(({ file, lines }) => lines.flatMap((line, i) => (SQL_BUILDING.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders, 'move the query into a repository (src/repositories) behind an intention-named function').toEqual([]);
  });

  it('catches them (the check itself works)', () => {
    const caught = [
      "await db.selectFrom('user').select('id')",
      "db\n  .updateTable('jobs')".split('\n')[1],
      "trx.insertInto('audit_events')",
      "db.deleteFrom('jobs')",
      'const held = sql`EXISTS (SELECT 1)`;',
      'await sql<{ id: string }>`UPDATE api_keys`.execute(db)',
      'sql.join(parts, sql` AND `)',
      'db.selectNoFrom([x]).compile()',
    ];
    for (const line of caught) expect(SQL_BUILDING.test(line), line).toBe(true);
    for (const line of ['const sqlite = open(path);', 'apiKeys.revokeWithDescendants(userId, id, now)', 'insertIntoCache(x)'])
      expect(SQL_BUILDING.test(line), line).toBe(false);
    expect(withoutComments("/** db.selectFrom('user') */ x // sql`1`")).not.toMatch(SQL_BUILDING);
  });
});
