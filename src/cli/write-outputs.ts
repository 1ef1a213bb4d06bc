/**
 * What every CLI path (picture, 3D file, text) writes once its pipeline is done: each `-o` model
 * file, the `--preview` picture and the `--report` JSON. A path's own files (a lithophane's backlit
 * view, a colour relief's swap sheet) are written by `extras`, before the report, from the same
 * artifacts by name.
 */
import { writeFile } from 'node:fs/promises';
import { writeArtifactFile } from '../node/write-artifact.ts';
import type { Artifact } from '../pipeline/artifacts.ts';
import type { CliRequest } from './args.ts';

export type ArtifactsByName = ReadonlyMap<string, Artifact>;

export async function writeOutputs(
  request: Pick<CliRequest, 'outputs' | 'preview' | 'report'>,
  result: { artifacts: readonly Artifact[]; report: unknown },
  extras?: (byName: ArtifactsByName) => Promise<void>,
): Promise<void> {
  const byName: ArtifactsByName = new Map(result.artifacts.map((a) => [a.name, a]));
  for (const output of request.outputs) {
    const model = byName.get(`model.${output.format}`);
    if (model) await writeArtifactFile(model, output.path);
  }
  const preview = byName.get('preview.png');
  if (request.preview && preview) await writeArtifactFile(preview, request.preview);
  await extras?.(byName);
  if (request.report) await writeFile(request.report, `${JSON.stringify(result.report, null, 2)}\n`);
}
