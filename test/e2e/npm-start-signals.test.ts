/**
 * `npm start` as a user runs it: SIGTERM or SIGINT sent to npm stops the server too (it used to
 * keep running as an orphan: npm's `sh -c` did not pass the signal on), and the start line names
 * the Node version. Waits for log lines and process exits, not for fixed times.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './server-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start and signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to npm stops the server process (no orphan)`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'its-signal-'));
      dirs.push(dataDir);
      const port = await freePort();
      const npm = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        // BASE_URL: vitest (vite) sets it to '/' in process.env.
        env: {
          ...process.env,
          PORT: String(port),
          DATA_DIR: dataDir,
          BASE_URL: `http://localhost:${port}`,
          POOL_SIZE: '1',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      npm.stdout!.on('data', (d) => (log += d));
      npm.stderr!.on('data', (d) => (log += d));
      const npmExit = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
      await until(() => log.includes('"listening"') || npm.exitCode !== null, 'the listening line');
      const line = JSON.parse(log.split('\n').find((l) => l.includes('"listening"'))!) as { node: string; pid: number };
      expect(line.node).toMatch(/^v2[4-9]\./);
      const serverPid = line.pid;
      expect(serverPid).not.toBe(npm.pid);
      expect(alive(serverPid)).toBe(true);

      npm.kill(signal);
      await npmExit;
      await until(() => !alive(serverPid), `server pid ${serverPid} to exit`, 30_000);
      expect(log).toContain('shutting down');
    });
  }
});
