#!/usr/bin/env node
// The CLI entry as it was before the move to Node 24 (bin/image-to-stl.js at af469b6^): Node 20
// with the tsx loader registered at startup. Only `npm run bench:cli` uses it, as the "before" figure.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
