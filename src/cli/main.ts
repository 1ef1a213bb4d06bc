/**
 * The offline CLI (a Node composition root). Nothing leaves the machine: the picture is read,
 * meshed and written locally.
 */
import { readFile, stat } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { isPipelineError } from '../pipeline/errors.ts';
import { resolveImageParams } from '../pipeline/params.ts';
import { runImagePipeline } from '../pipeline/run-pipeline.ts';
import { nodePipelineDeps } from '../node/pipeline-deps.ts';
import { writeArtifactFile } from '../node/write-artifact.ts';
import { IMAGE_LIMITS_DEFAULTS } from '../pipeline/image.ts';
import { MESH_ONLY_PARAMS, parseCli, UsageError } from './args.ts';
import { sniffMeshFormat } from '../pipeline/import/sniff.ts';
import { READ_MESH_DEFAULTS } from '../pipeline/import/read-mesh.ts';
import { runMeshCli } from './mesh-command.ts';
import { HELP } from './help.ts';
import { createProgressBar } from './progress.ts';

const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  let request;
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

  const progress = createProgressBar(process.stderr, !request.quiet && process.stderr.isTTY === true);
  try {
    const info = await stat(request.input).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`cannot read ${request.input}`);
    const maxBytes = Math.max(IMAGE_LIMITS_DEFAULTS.maxBytes, READ_MESH_DEFAULTS.maxBytes);
    if (info.size > maxBytes) throw new UsageError(`${request.input} is ${info.size} bytes; the limit is ${maxBytes}`);
    const bytes = new Uint8Array(await readFile(request.input));
    // A 3D file (by content, not name) goes to the mesh pipeline: repair by default.
    if (sniffMeshFormat(bytes) !== undefined) {
      const code = await runMeshCli(request, bytes, progress);
      progress.finish();
      return code;
    }
    const meshOnly = MESH_ONLY_PARAMS.filter((k) => request.params[k] !== undefined);
    if (meshOnly.length > 0) throw new UsageError(`${meshOnly.join(', ')} only apply to 3D-file input`);
    const params = resolveImageParams(request.params);
    const deps = await nodePipelineDeps({ onProgress: (e) => progress.update(e.stage, e.percent) });
    const result = await runImagePipeline(bytes, params, deps);
    progress.update('writing files', 99);
    const byName = new Map(result.artifacts.map((a) => [a.name, a]));
    for (const output of request.outputs) {
      const artifact = byName.get(output.format === '3mf' ? 'model.3mf' : `model.${output.format}`);
      if (artifact) await writeArtifactFile(artifact, output.path);
    }
    if (request.preview && byName.has('preview.png')) await writeArtifactFile(byName.get('preview.png')!, request.preview);
    if (request.backlit) {
      const backlit = byName.get('backlit.png');
      if (!backlit) throw new UsageError('--backlit is only made for lithophanes');
      await writeArtifactFile(backlit, request.backlit);
    }
    if (request.report) await writeFile(request.report, JSON.stringify(result.report, null, 2) + '\n');
    progress.finish();
    if (!request.quiet) {
      const r = result.report;
      const size = r.boundingBoxMm.size.map((v) => v.toFixed(1)).join(' x ');
      const error = r.achievedMaxErrorMm !== undefined ? `, max error ${r.achievedMaxErrorMm} mm` : '';
      process.stderr.write(`${r.mode}: ${r.triangles.toLocaleString('en')} triangles, ${size} mm, ${r.volumeMm3.toLocaleString('en')} mm3, watertight${error}, ${r.totalMs} ms\n`);
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
      return 1;
    }
    process.stderr.write(`image-to-stl: internal: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
