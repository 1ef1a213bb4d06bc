/**
 * The upload inspector's thread entry (src/node/mesh-inspector.ts): bytes, format and limits in,
 * countMeshTriangles, the count out — or its PipelineError as data (a class does not survive the
 * trip between threads). Any other error is thrown: the caller calls the file malformed.
 */
import { setPriority } from 'node:os';
import type { InspectReply, InspectTask } from '../src/node/mesh-inspector.ts';
import { isPipelineError } from '../src/pipeline/errors.ts';
import { countMeshTriangles } from '../src/pipeline/import/count-triangles.ts';

// Like the mesh workers: on Linux this renices only this thread, so HTTP keeps its core.
try {
  setPriority(10);
} catch {
  // Not permitted or not supported here: run at normal priority.
}

export default function inspectWorker(task: InspectTask): InspectReply {
  try {
    return { ok: true, triangles: countMeshTriangles(new Uint8Array(task.bytes), task.format, task.limits) };
  } catch (error) {
    if (!isPipelineError(error)) throw error;
    return { ok: false, error: { code: error.code, message: error.message, stage: error.stage, details: error.details } };
  }
}
