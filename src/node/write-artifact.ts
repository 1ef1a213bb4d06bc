/** Writes an artifact to disk chunk by chunk: to a temporary name first, then renamed into place. */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Artifact } from '../pipeline/artifacts.ts';

export async function writeArtifactFile(artifact: Artifact, path: string): Promise<void> {
  const temporary = `${path}.${process.pid}.part`;
  const stream = createWriteStream(temporary);
  try {
    for (const chunk of artifact.chunks()) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
    await rename(temporary, path);
  } catch (error) {
    stream.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
}
