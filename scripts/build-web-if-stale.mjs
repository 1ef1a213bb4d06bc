#!/usr/bin/env node
/**
 * `npm start`'s pre-step: builds the web app and the widget only when their inputs changed since
 * the last build. Inputs are hashed by content (paths and bytes of web/ outside the dist folders,
 * of src/pipeline and src/fonts, which the text preview bundles, and the lockfile), not by
 * modification time, so a fresh clone, a `git checkout` or an edited source always rebuilds and
 * an unchanged tree starts at once (a build is about 15 s here).
 * The hash is stamped into each dist folder after a successful build.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const TARGETS = [
  { name: 'web app', script: 'build:web', dist: join(root, 'web/dist') },
  { name: 'widget', script: 'build:widget', dist: join(root, 'web/widget/dist') },
];
const STAMP = '.build-stamp';

function inputsHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile()) {
        hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
      }
    }
  };
  walk(join(root, 'web'));
  // The text preview's worker bundles the pure pipeline and the bundled font (web/app/text).
  walk(join(root, 'src/pipeline'));
  walk(join(root, 'src/fonts'));
  for (const file of ['package-lock.json', 'package.json']) {
    if (existsSync(join(root, file))) hash.update(file).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

const wanted = inputsHash();
const force = process.argv.includes('--force');
for (const target of TARGETS) {
  const stampPath = join(target.dist, STAMP);
  const current = existsSync(stampPath) && statSync(stampPath).isFile() ? readFileSync(stampPath, 'utf8').trim() : '';
  if (!force && current === wanted) {
    console.log(`${target.name}: up to date (${relative(root, target.dist)})`);
    continue;
  }
  console.log(`${target.name}: building…`);
  execFileSync('npm', ['run', '--silent', target.script], { cwd: root, stdio: 'inherit' });
  writeFileSync(stampPath, `${wanted}\n`);
}
