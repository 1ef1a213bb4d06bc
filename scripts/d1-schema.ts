/** Writes the D1 schema file (wrangler migrations) from the migrations: npm run db:d1-schema. */
import { writeFileSync } from 'node:fs';
import { D1_SCHEMA_FILE, renderD1Schema } from '../src/node/d1-schema.ts';

writeFileSync(D1_SCHEMA_FILE, await renderD1Schema());
console.log(`wrote ${D1_SCHEMA_FILE}`);
