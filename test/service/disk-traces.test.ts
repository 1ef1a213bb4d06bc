/**
 * Deletion leaves no trace on disk, and what is on disk is the owner's alone: after an account is
 * deleted its e-mail and id appear in no byte of the database file or its WAL (secure_delete zeroes
 * freed content, a TRUNCATE checkpoint empties the WAL); stored files are 0600 in 0700 folders and
 * the database files 0600. The Node server makes DATA_DIR 0700 (tightening an existing one) and
 * listens on HOST when it is set.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { PASSWORD, SAME_ORIGIN, accountsApp, newKey, signUpWithAllCookies, uploadFile } from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';

let infra: TestInfra;
let app: AccountsApp;
beforeAll(async () => {
  infra = await createTestServices();
  app = accountsApp(infra.services);
});
afterAll(() => infra.close());

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** The database file and its companions (-wal, -shm), as bytes. */
async function databaseFiles(dir: string, prefix: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of await readdir(dir)) if (name.startsWith(prefix)) out.set(name, await readFile(join(dir, name)));
  return out;
}

describe('database', () => {
  it('after deletion the e-mail and the user id are in no byte of the database or its WAL', async () => {
    const email = 'trace.8f3k2@example.com';
    const { cookie, userId } = await signUpWithAllCookies(app, email);
    const browser = { cookie, origin: SAME_ORIGIN };
    expect((await uploadFile(app, browser)).status).toBe(201);
    await newKey(app, browser, { name: `key of ${email}` });
    const before = await databaseFiles(infra.dataDir, 'test.db');
    expect([...before.values()].some((bytes) => bytes.includes(email))).toBe(true);

    const res = await app.request('/api/v1/account', {
      method: 'DELETE',
      headers: { ...browser, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(res.status).toBe(204);

    const after = await databaseFiles(infra.dataDir, 'test.db');
    expect([...after.keys()]).toContain('test.db');
    for (const [name, bytes] of after) {
      expect(bytes.includes(email), `${email} in ${name}`).toBe(false);
      expect(bytes.includes(userId), `${userId} in ${name}`).toBe(false);
    }
  });

  it('the database and its WAL are 0600', async () => {
    for (const name of (await databaseFiles(infra.dataDir, 'test.db')).keys())
      expect(await mode(join(infra.dataDir, name)), name).toBe(0o600);
  });
});

describe('stored files', () => {
  it('are 0600 in 0700 folders', async () => {
    const { cookie, userId } = await signUpWithAllCookies(app, 'modes@example.com');
    expect((await uploadFile(app, { cookie, origin: SAME_ORIGIN })).status).toBe(201);
    const root = join(infra.dataDir, 'files');
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile());
    expect(files.some((f) => f.parentPath.includes(userId))).toBe(true);
    for (const f of files) expect(await mode(join(f.parentPath, f.name)), f.name).toBe(0o600);
    for (const d of entries.filter((e) => e.isDirectory())) expect(await mode(join(d.parentPath, d.name)), d.name).toBe(0o700);
    expect(await mode(root)).toBe(0o700);
  });
});

describe('the Node server', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'its-host-'));
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('makes DATA_DIR 0700 with a 0600 database and secret, and listens on HOST', async () => {
    const dataDir = join(parent, 'data');
    await mkdir(dataDir, { mode: 0o755 });
    const running = await startServer(
      { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', POOL_SIZE: '1', LOG_LEVEL: 'silent' },
      { shutdownGraceMs: 0 },
    );
    try {
      expect(running.address.address).toBe('127.0.0.1');
      expect(running.url).toBe(`http://127.0.0.1:${running.address.port}`);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect(await mode(dataDir)).toBe(0o700);
      expect(await mode(join(dataDir, 'files'))).toBe(0o700);
      expect(await mode(join(dataDir, 'secret'))).toBe(0o600);
      for (const name of (await databaseFiles(dataDir, 'image-to-stl.db')).keys())
        expect(await mode(join(dataDir, name)), name).toBe(0o600);
    } finally {
      await running.close();
    }
  });
});
