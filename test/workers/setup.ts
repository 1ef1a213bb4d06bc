/** Before each workerd test file: the D1 schema from the generated wrangler migration files. */
import { applyD1Migrations, env } from 'cloudflare:test';
import type { D1Migration } from 'cloudflare:test';

const { DB, D1_MIGRATIONS } = env as { DB: unknown; D1_MIGRATIONS: D1Migration[] };
await applyD1Migrations(DB, D1_MIGRATIONS);
