/**
 * The project runs on Node 24 LTS with TypeScript stripped natively: these fail if a script runs
 * on an older Node (e.g. the system Node 20 instead of node_modules/.bin/node) or through a
 * runtime transpiler again.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

describe('runtime', () => {
  it('is Node 24 or later', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('loads better-sqlite3 under this Node', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    expect((db.prepare('select sqlite_version() as v').get() as { v: string }).v).toMatch(/^3\./);
    db.close();
  });

  it('runs the CLI without a TypeScript loader', () => {
    const run = spawnSync(process.execPath, ['bin/image-to-stl.js', '--version'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('has no tsx among the runtime dependencies', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
  });
});
