/**
 * The prepared-statement cache in front of better-sqlite3: the same SQL text reuses one compiled
 * statement, the least recently used text is dropped past the bound, and a reused statement still
 * sees schema changes (SQLite recompiles it) and new rows.
 */
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/node/database.ts';

describe('statement cache', () => {
  it('reuses one statement per SQL text and drops the least recently used past the bound', () => {
    const sqlite = new Sqlite(':memory:');
    const cached = withStatementCache(sqlite, 2);
    const a = cached.prepare('select 1 as v');
    expect(cached.prepare('select 1 as v')).toBe(a);
    const b = cached.prepare('select 2 as v');
    cached.prepare('select 1 as v'); // a is now the most recent
    cached.prepare('select 3 as v'); // evicts b, not a
    expect(cached.prepare('select 1 as v')).toBe(a);
    expect(cached.prepare('select 2 as v')).not.toBe(b);
    cached.close();
    expect(sqlite.open).toBe(false);
  });

  it('a reused statement sees new rows and survives a schema change', () => {
    const sqlite = new Sqlite(':memory:');
    const cached = withStatementCache(sqlite, 10);
    sqlite.exec('create table t (id integer primary key, name text)');
    const select = 'select * from t order by id';
    expect(cached.prepare(select).all([])).toEqual([]);
    cached.prepare('insert into t (name) values (?)').run(['a']);
    expect(cached.prepare(select).all([])).toEqual([{ id: 1, name: 'a' }]);
    sqlite.exec("alter table t add column colour text default 'red'");
    expect(cached.prepare(select).all([])).toEqual([{ id: 1, name: 'a', colour: 'red' }]);
    cached.close();
  });
});
