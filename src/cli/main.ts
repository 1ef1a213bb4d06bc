/**
 * The offline CLI (a Node composition root). Nothing leaves the machine: the picture is read,
 * meshed and written locally. Help and version answer from the argument parser alone; the
 * pipeline is imported only when there is work (see run-command.ts).
 */
import { parseCli, UsageError } from './args.ts';
import { HELP } from './help.ts';

const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  let request: ReturnType<typeof parseCli>;
  try {
    request = parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`image-to-stl: ${error.message} (see --help)\n`);
      return 2;
    }
    throw error;
  }
  if (request === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (request === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { runCommand } = await import('./run-command.ts');
  return runCommand(request);
}
