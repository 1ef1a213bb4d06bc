/**
 * Typed text -> printable solid: check the parameters, build the text solid (text/text-solid.ts),
 * validate with manifold-3d, check the build plate, export each format, render a preview.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import type { Artifact } from './artifacts.ts';
import { bytesArtifact, CONTENT_TYPES } from './artifacts.ts';
import { plateWarning } from './build-plate.ts';
import { rulesOf } from './catalog/fields.ts';
import { TEXT_FIELDS } from './catalog/text-fields.ts';
import { PipelineError } from './errors.ts';
import { exportMesh } from './export/export-mesh.ts';
import type { Mesh } from './mesh.ts';
import { mergeFields } from './param-fields.ts';
import type { OutputFormat } from './params.ts';
import { encodePng } from './preview/png.ts';
import { renderPreview } from './preview/render.ts';
import { MAX_TEXT_CHARACTERS } from './text/layout.ts';
import { buildTextModel } from './text/text-model.ts';
import type { TextShapeParams } from './text/text-model.ts';
import type { TextStyle } from './text/text-solid.ts';

export interface TextJobParams extends TextShapeParams {
  buildPlateMm: [number, number, number];
  formats: OutputFormat[];
  previews: boolean;
}

const RULES = rulesOf<TextJobParams>(TEXT_FIELDS);

/** A text job over the API: the typed text travels in its parameters beside the fields. */
export interface TextJobRequest extends TextJobParams {
  text: string;
}

/** Checks the text (not blank, at most MAX_TEXT_CHARACTERS) and resolves the fields; 400 invalid_parameters otherwise. */
export function resolveTextJobParams(input: Record<string, unknown>): TextJobRequest {
  const { text, ...fields } = input;
  if (typeof text !== 'string' || text.trim() === '')
    throw new PipelineError('invalid_parameters', 'parameters: text must be a non-empty string', 'parameters', {
      problems: ['text is empty'],
    });
  const characters = [...text].length;
  if (characters > MAX_TEXT_CHARACTERS)
    throw new PipelineError(
      'invalid_parameters',
      `parameters: text has at most ${MAX_TEXT_CHARACTERS} characters (got ${characters})`,
      'parameters',
      {
        problems: [`text is longer than ${MAX_TEXT_CHARACTERS} characters`],
      },
    );
  return { ...resolveTextParams(fields), text };
}

export function resolveTextParams(input: Record<string, unknown>): TextJobParams {
  const { merged, problems } = mergeFields(input, RULES);
  if (problems.length > 0) throw new PipelineError('invalid_parameters', `parameters: ${problems.join('; ')}`, 'parameters', { problems });
  const params = merged as unknown as TextJobParams;
  params.formats = [...new Set(params.formats)];
  return params;
}

export interface TextReport {
  mode: 'text';
  textStyle: TextStyle;
  manifold: boolean;
  triangles: number;
  volumeMm3: number;
  parts: number;
  sizeMm: [number, number, number];
  warnings: string[];
}

export async function runTextPipeline(
  text: string,
  fontBytes: Uint8Array,
  params: TextJobParams,
  wasm: ManifoldToplevel,
): Promise<{ mesh: Mesh; artifacts: Artifact[]; report: TextReport }> {
  const { mesh, check, sizeMm, parts } = buildTextModel(text, fontBytes, params, wasm);
  const warnings: string[] = [];
  if (parts > 1) warnings.push(`the model is ${parts} separate pieces`);
  const offPlate = plateWarning(sizeMm, params.buildPlateMm);
  if (offPlate) warnings.push(offPlate);
  const artifacts: Artifact[] = [];
  for (const format of params.formats) artifacts.push(await exportMesh(mesh, format));
  if (params.previews) {
    artifacts.push(
      bytesArtifact('preview.png', CONTENT_TYPES.png, encodePng(renderPreview(mesh, { creaseAngleDeg: 0 }), { filter: 'none' })),
    );
  }
  const report: TextReport = {
    mode: 'text',
    textStyle: params.textStyle,
    manifold: check.manifold,
    triangles: check.triangles,
    volumeMm3: Math.round(check.volumeMm3 * 100) / 100,
    parts,
    sizeMm,
    warnings,
  };
  return { mesh, artifacts, report };
}
