/**
 * The CLI's work, after the arguments are parsed: read the input, run the image or mesh pipeline
 * with Node codecs, write the outputs. Loaded only when there is work to do, so `--help` and
 * `--version` do not pay for sharp, manifold-3d and the pipeline (about 0.3 s of CPU).
 */
import { readFile, stat } from 'node:fs/promises';
import { isPipelineError } from '../pipeline/errors.ts';
import { resolveImageParams } from '../pipeline/params.ts';
import { runImagePipeline } from '../pipeline/run-pipeline.ts';
import { nodePipelineDeps } from '../node/pipeline-deps.ts';
import { writeArtifactFile } from '../node/write-artifact.ts';
import { IMAGE_LIMITS_DEFAULTS } from '../pipeline/image.ts';
import type { CliRequest } from './args.ts';
import { MESH_ONLY_PARAMS, UsageError } from './args.ts';
import { sniffMeshFormat } from '../pipeline/import/sniff.ts';
import { READ_MESH_DEFAULTS } from '../pipeline/import/read-mesh.ts';
import { runMeshCli } from './mesh-command.ts';
import { writeOutputs } from './write-outputs.ts';
import { createProgressBar, createStagedProgress } from './progress.ts';

/** Runs one parsed request; the exit status: 0 done, 1 the input or the pipeline failed, 2 usage. */
export async function runCommand(request: CliRequest): Promise<number> {
  const progress = createProgressBar(process.stderr, !request.quiet && process.stderr.isTTY === true);
  const stages = createStagedProgress(progress);
  try {
    if (request.text !== undefined) {
      const { runTextCli } = await import('./text-command.ts');
      const code = await runTextCli(request);
      progress.finish();
      return code;
    }
    const info = await stat(request.input).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`cannot read ${request.input}`);
    const maxBytes = Math.max(IMAGE_LIMITS_DEFAULTS.maxBytes, READ_MESH_DEFAULTS.maxBytes);
    if (info.size > maxBytes) throw new UsageError(`${request.input} is ${info.size} bytes; the limit is ${maxBytes}`);
    const bytes = new Uint8Array(await readFile(request.input));
    // A 3D file (by content, not name) goes to the mesh pipeline: repair by default.
    if (sniffMeshFormat(bytes) !== undefined) {
      const code = await runMeshCli(request, bytes, stages);
      progress.finish();
      return code;
    }
    const meshOnly = MESH_ONLY_PARAMS.filter((k) => request.params[k] !== undefined);
    if (meshOnly.length > 0) throw new UsageError(`${meshOnly.join(', ')} only apply to 3D-file input`);
    const params = resolveImageParams(request.params);
    if (request.backlit && params.mode !== 'lithophane') throw new UsageError(`--backlit is only made for lithophanes, not ${params.mode}`);
    const deps = await nodePipelineDeps({ onProgress: (e) => stages.pipeline(e.stage, e.percent) });
    const result = await runImagePipeline(bytes, params, deps);
    stages.writing();
    await writeOutputs(request, result, async (byName) => {
      if (request.backlit) {
        const backlit = byName.get('backlit.png');
        if (!backlit) throw new UsageError('--backlit is only made for lithophanes');
        await writeArtifactFile(backlit, request.backlit);
      }
      for (const [path, name] of [
        [request.colourPreview, 'colour.png'],
        [request.swapSheet, 'swap-sheet.json'],
      ] as const) {
        if (!path) continue;
        const artifact = byName.get(name);
        if (!artifact) throw new UsageError(`--${name === 'colour.png' ? 'colour-preview' : 'swap-sheet'} is only made for colour reliefs`);
        await writeArtifactFile(artifact, path);
        // The sheet's picture goes beside its JSON: swaps.json -> swaps.png.
        const picture = byName.get('swap-sheet.png');
        if (name === 'swap-sheet.json' && picture) await writeArtifactFile(picture, path.replace(/(\.json)?$/i, '.png'));
      }
    });
    stages.done();
    progress.finish();
    if (!request.quiet) {
      const r = result.report;
      const size = r.boundingBoxMm.size.map((v) => v.toFixed(1)).join(' x ');
      const error = r.achievedMaxErrorMm !== undefined ? `, max error ${r.achievedMaxErrorMm} mm` : '';
      process.stderr.write(
        `${r.mode}: ${r.triangles.toLocaleString('en')} triangles, ${size} mm, ${r.volumeMm3.toLocaleString('en')} mm3, watertight${error}, ${r.printability.printable ? 'printable' : 'not printable'}, ${r.totalMs} ms\n`,
      );
      for (const reason of r.printability.reasons) process.stderr.write(`verdict: ${reason}\n`);
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    }
    return 0;
  } catch (error) {
    progress.finish();
    if (error instanceof UsageError) {
      process.stderr.write(`image-to-stl: ${error.message}\n`);
      return 2;
    }
    if (isPipelineError(error)) {
      process.stderr.write(`image-to-stl: ${error.code}: ${error.message}\n`);
      // A parameter out of range is a bad command (2), like an unknown flag; anything else is the input (1).
      return error.code === 'invalid_parameters' ? 2 : 1;
    }
    process.stderr.write(`image-to-stl: internal: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
