/**
 * What a user can ask of an AI job (ai-image, ai-text), with defaults and range checks, and the
 * mesh-pipeline parameters the repair stage runs with afterwards. Texture is off by default: a
 * print does not need it and it costs more at every provider.
 */
import { PipelineError } from '../../pipeline/errors.ts';
import type { MeshJobParams } from '../../pipeline/mesh-params.ts';
import { resolveMeshParams } from '../../pipeline/mesh-params.ts';
import { isPlainObject } from '../../pipeline/param-fields.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../../pipeline/params.ts';

export const AI_SIZE_AXES = ['longest', 'height'] as const;

export interface AiJobParams {
  mode: 'ai-image' | 'ai-text';
  /** Polygon budget asked of the provider. */
  targetPolycount: number;
  /** Size of the printed part in mm, along `sizeAxis`. */
  sizeMm: number;
  sizeAxis: (typeof AI_SIZE_AXES)[number];
  texture: boolean;
  /**
   * Keep sealed voids inside the result. Off (default): generators serve thin hollow shells, and
   * the repair fills what they enclose so a ball prints as a ball, not a hollow sphere.
   */
  keepInnerShells: boolean;
  /** ai-text: what the model should not look like. */
  negativePrompt?: string;
  /** ai-image: extra views (upload ids): left, back, right for Tripo's multiview; any angle for Meshy. */
  views?: string[];
  formats: OutputFormat[];
  previews: boolean;
}

export const AI_JOB_DEFAULTS: Omit<AiJobParams, 'mode'> = {
  targetPolycount: 30_000,
  sizeMm: 80,
  sizeAxis: 'longest',
  texture: false,
  keepInnerShells: false,
  formats: ['stl', '3mf', 'glb'],
  previews: true,
};

export const MAX_EXTRA_VIEWS = 3;

export function resolveAiParams(input: Record<string, unknown>): AiJobParams {
  const problems: string[] = [];
  if (!isPlainObject(input)) problems.push('parameters must be a plain object of names and values');
  const mode = input.mode;
  if (mode !== 'ai-image' && mode !== 'ai-text')
    throw new PipelineError('invalid_parameters', 'parameters: mode must be ai-image or ai-text', 'parameters');
  const out: AiJobParams = { mode, ...AI_JOB_DEFAULTS };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'mode') continue;
    switch (key) {
      case 'targetPolycount':
        if (!Number.isInteger(value) || (value as number) < 1000 || (value as number) > 300_000)
          problems.push('targetPolycount must be a whole number from 1000 to 300000');
        else out.targetPolycount = value as number;
        break;
      case 'sizeMm':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 5 || value > 1000)
          problems.push('sizeMm must be a number from 5 to 1000');
        else out.sizeMm = value;
        break;
      case 'sizeAxis':
        if (!(AI_SIZE_AXES as readonly unknown[]).includes(value)) problems.push(`sizeAxis must be one of ${AI_SIZE_AXES.join(', ')}`);
        else out.sizeAxis = value as AiJobParams['sizeAxis'];
        break;
      case 'texture':
      case 'keepInnerShells':
      case 'previews':
        if (typeof value !== 'boolean') problems.push(`${key} must be a boolean`);
        else out[key] = value;
        break;
      case 'negativePrompt':
        if (mode !== 'ai-text') problems.push('negativePrompt applies to ai-text only');
        else if (typeof value !== 'string' || value.length > 255) problems.push('negativePrompt must be text of at most 255 characters');
        else if (value.trim()) out.negativePrompt = value;
        break;
      case 'views':
        if (mode !== 'ai-image') problems.push('views applies to ai-image only');
        else if (
          !Array.isArray(value) ||
          value.length > MAX_EXTRA_VIEWS ||
          !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 100)
        ) {
          problems.push(`views must be a list of up to ${MAX_EXTRA_VIEWS} upload ids`);
        } else if (value.length > 0) out.views = [...(value as string[])];
        break;
      case 'formats':
        if (!Array.isArray(value) || value.length === 0 || !value.every((f) => (OUTPUT_FORMATS as readonly unknown[]).includes(f)))
          problems.push(`formats must be a non-empty list of ${OUTPUT_FORMATS.join(', ')}`);
        else out.formats = [...new Set(value as OutputFormat[])];
        break;
      default:
        problems.push(`unknown parameter "${key}"`);
    }
  }
  if (problems.length > 0) throw new PipelineError('invalid_parameters', `parameters: ${problems.join('; ')}`, 'parameters', { problems });
  return out;
}

/** The repair run on the provider's GLB: metres and Y-up as glTF says, scaled to the asked size, sealed voids filled unless kept. */
export function repairParamsFor(params: AiJobParams): MeshJobParams {
  return resolveMeshParams({
    mode: 'repair',
    upAxis: 'y',
    fillInnerShells: !params.keepInnerShells,
    ...(params.sizeAxis === 'height' ? { targetHeightMm: params.sizeMm } : { targetSizeMm: params.sizeMm }),
    formats: params.formats,
    previews: params.previews,
  });
}
