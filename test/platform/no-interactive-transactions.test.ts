/**
 * D1 has no interactive transactions, so services and repositories never open one: multi-row
 * changes go through AtomicBatch (src/repositories/atomic-batch.ts) or one conditional statement.
 * A `.transaction(` call there would work on SQLite and fail on D1 (whose dialect throws), so this
 * check fails the build instead. Migrations run on SQLite only and may keep theirs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src/services', 'src/repositories'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Code only: comments may explain why there is no transaction. */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('no interactive transactions outside migrations', () => {
  it('no `.transaction(` in src/services or src/repositories', () => {
    const offenders = ROOTS.flatMap(sourceFiles)
      .map((file) => ({ file, lines: withoutComments(readFileSync(file, 'utf8')).split('\n') }))
      .flatMap(({ file, lines }) =>
        lines.flatMap((line, i) => (/\.\s*transaction\s*\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders, 'use an AtomicBatch or one conditional statement (src/repositories/atomic-batch.ts)').toEqual([]);
  });

  it('catches one (the check itself works)', () => {
    const code = withoutComments('const r = await db\n  .transaction()\n  .execute(work); // db.transaction() in a comment is fine');
    expect(code.split('\n').some((line) => /\.\s*transaction\s*\(/.test(line))).toBe(true);
    expect(withoutComments('/** db.transaction() */ x // db.transaction()')).not.toMatch(/transaction\s*\(/);
  });
});
