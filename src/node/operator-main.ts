/** `npm run operator -- …`: operator commands against the embedded database in DATA_DIR. */
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { createJsonLogger } from '../services/logger.ts';
import { OPERATOR_USAGE, parseOperatorArgs, runOperatorCommand } from '../services/operator.ts';
import { openSqlite } from './database.ts';

const config = loadConfig(process.env, { cores: 1 });
let command: ReturnType<typeof parseOperatorArgs>;
try {
  command = parseOperatorArgs(process.argv.slice(2));
} catch {
  process.stderr.write(`${OPERATOR_USAGE}\n`);
  process.exit(2);
}
const { db, sqlite, batch } = openSqlite(join(resolve(config.dataDir), 'image-to-stl.db'));
try {
  const result = await runOperatorCommand(
    { db, batch, clock: Date.now, logger: createJsonLogger('info', (l) => process.stderr.write(`${l}\n`)) },
    command,
  );
  process.stdout.write(`${result.message}\n`);
} catch (error) {
  process.stderr.write(`operator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
  if (sqlite.open) sqlite.close();
}
