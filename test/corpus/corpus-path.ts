/** ../shared/corpus beside the project: real-world inputs we may test with but never ship. */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusPresent = existsSync(CORPUS);

export function corpusFiles(folder: string): string[] {
  if (!corpusPresent) return [];
  return readdirSync(CORPUS + folder)
    .filter((f) => !f.startsWith('.'))
    .sort();
}
