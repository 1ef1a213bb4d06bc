/** The CLI's 3D-file path: repair or convert, write the outputs and one summary line. */
import type { StagedProgress } from './progress.ts';
import { performance } from 'node:perf_hooks';
import { sharedManifold } from '../../wasm/manifold.ts';
import { sharedGlbDecoders } from '../node/mesh-decoders.ts';
import { resolveMeshParams } from '../pipeline/mesh-params.ts';
import { runMeshPipeline } from '../pipeline/run-mesh-pipeline.ts';
import type { CliRequest } from './args.ts';
import { writeOutputs } from './write-outputs.ts';

const MESH_PARAM_KEYS = ['mode', 'units', 'orient', 'upAxis', 'targetSizeMm', 'minWallMm', 'fillInnerShells', 'formats', 'previews'];

export async function runMeshCli(request: CliRequest, bytes: Uint8Array, progress: StagedProgress): Promise<number> {
  const input: Record<string, unknown> = { mode: 'repair' };
  for (const [key, value] of Object.entries(request.params)) {
    if (MESH_PARAM_KEYS.includes(key)) input[key] = value;
  }
  // One flag names the printer for both paths: image jobs call it buildPlateMm, mesh jobs buildVolumeMm.
  if (request.params.buildPlateMm !== undefined) input.buildVolumeMm = request.params.buildPlateMm;
  input.previews = Boolean(request.preview);
  const params = resolveMeshParams(input);
  const result = await runMeshPipeline(bytes, params, {
    manifold: await sharedManifold(),
    decoders: await sharedGlbDecoders(),
    clock: () => performance.now(),
    memory: () => process.memoryUsage.rss(),
    onProgress: (e) => progress.pipeline(e.stage, e.percent),
  });
  progress.writing();
  await writeOutputs(request, result);
  if (!request.quiet) {
    const r = result.report;
    const size = r.boundingBoxMm.size.map((v) => v.toFixed(1)).join(' x ');
    const fixed = r.repairs
      ? `; open edges ${r.before.openEdges} -> ${r.after.openEdges}, holes filled ${r.repairs.holesFilled}, flipped ${r.repairs.flippedFacesFixed}` +
        (r.before.selfIntersections > 0 ? `, self-intersections ${r.before.selfIntersections} -> ${r.after.selfIntersections}` : '')
      : '';
    process.stderr.write(
      `${r.mode} ${r.inputFormat}: ${r.triangles.toLocaleString('en')} triangles, ${size} mm, ${r.volumeMm3.toLocaleString('en')} mm3, ` +
        `${r.manifold ? 'watertight' : 'NOT watertight'}${fixed}, ${r.verdict.printable ? 'printable' : 'not printable'}, ${r.totalMs} ms\n`,
    );
    for (const reason of r.verdict.reasons) process.stderr.write(`verdict: ${reason}\n`);
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  }
  progress.done();
  return 0;
}
