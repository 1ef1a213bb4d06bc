/** The CLI's text path: typed text in the bundled (or a given) font -> nameplate, sign or keychain. */
import { sharedManifold } from '../../wasm/manifold.ts';
import { readFontFile } from '../node/fonts.ts';
import { TEXT_FIELDS } from '../pipeline/catalog/text-fields.ts';
import { resolveTextParams, runTextPipeline } from '../pipeline/run-text-pipeline.ts';
import type { CliRequest } from './args.ts';
import { UsageError } from './args.ts';
import { writeOutputs } from './write-outputs.ts';

export async function runTextCli(request: CliRequest): Promise<number> {
  const input: Record<string, unknown> = {};
  const other: string[] = [];
  for (const [key, value] of Object.entries(request.params)) {
    if (key in TEXT_FIELDS) input[key] = value;
    else other.push(key);
  }
  if (other.length > 0) throw new UsageError(`${other.join(', ')} do not apply to --text`);
  const params = resolveTextParams(input);
  const font = await readFontFile(request.font).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw new UsageError(`cannot read ${request.font}`);
    throw error;
  });
  const result = await runTextPipeline(request.text ?? '', font, params, await sharedManifold());
  await writeOutputs(request, result);
  if (!request.quiet) {
    const r = result.report;
    process.stderr.write(
      `text ${r.textStyle}: ${r.triangles.toLocaleString('en')} triangles, ${r.sizeMm.map((s) => s.toFixed(1)).join(' x ')} mm, ${r.volumeMm3.toLocaleString('en')} mm3, watertight\n`,
    );
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  }
  return 0;
}
