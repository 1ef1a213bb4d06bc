/**
 * What a user can ask of an image job, with defaults and range checks. The same object comes from
 * the CLI flags, the HTTP API and the worker protocol, so it is validated here, once.
 */
import { PipelineError } from './errors.ts';
import { listOf, mergeFields } from './param-fields.ts';
import type { Range } from './param-fields.ts';

export const IMAGE_MODES = ['relief', 'lithophane', 'extrude'] as const;
export type ImageMode = (typeof IMAGE_MODES)[number];
export const SHAPES = ['flat', 'arc', 'cylinder'] as const;
export const OUTPUT_FORMATS = ['stl', '3mf', 'glb', 'obj'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const KEYCHAIN_POSITIONS = ['top', 'bottom', 'left', 'right', 'top-left', 'top-right'] as const;

export interface ImageJobParams {
  mode: ImageMode;
  shape: (typeof SHAPES)[number];
  /** X size in mm (for arc and cylinder lithophanes: the unrolled picture width). */
  widthMm: number;
  /** Alternative to widthMm: the picture's height in mm; width follows the aspect ratio. */
  heightMm?: number;
  /** Distance between height samples. 0.2 mm suits a 0.4 mm nozzle. */
  resolutionMm: number;
  maxErrorMm: number;
  maxTriangles: number;
  invert: boolean;
  autoLevel: boolean;
  gamma: number;
  /** Gaussian denoise, sigma in samples (0 = off). The default 0.5 (0.1 mm at 0.2 mm pitch) is below
   *  what a 0.4 mm nozzle can print, yet halves the triangles sensor noise would otherwise demand. */
  denoise: number;
  /** Relief and flat lithophane: islands and holes smaller than nozzleMm² are levelled in every layer
   *  (heightmap-ops/slicer-friendly.ts), so the slicer is not slowed by specks it cannot print. 0 = off. */
  nozzleMm: number;
  // relief
  minHeightMm: number;
  maxHeightMm: number;
  baseMm: number;
  // lithophane
  minThicknessMm: number;
  maxThicknessMm: number;
  arcDegrees: number;
  frameMm: number;
  frameThicknessMm: number;
  stand: boolean;
  // extrude
  extrudeHeightMm: number;
  basePlateMm: number;
  threshold: number;
  keychain: boolean;
  keychainHoleMm: number;
  keychainPosition: (typeof KEYCHAIN_POSITIONS)[number];
  cookieCutter: boolean;
  cutterWallMm: number;
  cutterHeightMm: number;
  // outputs
  formats: OutputFormat[];
  previews: boolean;
}

export const IMAGE_JOB_DEFAULTS: ImageJobParams = {
  mode: 'lithophane',
  shape: 'flat',
  widthMm: 100,
  resolutionMm: 0.2,
  maxErrorMm: 0.05,
  maxTriangles: 400_000,
  invert: false,
  autoLevel: false,
  gamma: 1,
  denoise: 0.5,
  nozzleMm: 0.4,
  minHeightMm: 0,
  maxHeightMm: 3,
  baseMm: 1.5,
  minThicknessMm: 0.8,
  maxThicknessMm: 3.2,
  arcDegrees: 120,
  frameMm: 0,
  frameThicknessMm: 4,
  stand: false,
  extrudeHeightMm: 3,
  basePlateMm: 0,
  threshold: 0.5,
  keychain: false,
  keychainHoleMm: 4,
  keychainPosition: 'top',
  cookieCutter: false,
  cutterWallMm: 0.8,
  cutterHeightMm: 12,
  formats: ['stl'],
  previews: true,
};

const RANGES: Partial<Record<keyof ImageJobParams, Range>> = {
  widthMm: [1, 1000],
  heightMm: [1, 1000],
  resolutionMm: [0.02, 5],
  maxErrorMm: [0.001, 5],
  maxTriangles: [100, 5_000_000],
  gamma: [0.1, 10],
  denoise: [0, 20],
  nozzleMm: [0, 2],
  minHeightMm: [0, 100],
  maxHeightMm: [0, 100],
  baseMm: [0.2, 100],
  minThicknessMm: [0.2, 20],
  maxThicknessMm: [0.3, 30],
  arcDegrees: [10, 359],
  frameMm: [0, 100],
  frameThicknessMm: [0.3, 30],
  extrudeHeightMm: [0.2, 100],
  basePlateMm: [0, 50],
  threshold: [0, 1],
  keychainHoleMm: [1, 20],
  cutterWallMm: [0.3, 5],
  cutterHeightMm: [2, 100],
};

const ENUMS: Partial<Record<keyof ImageJobParams, readonly string[]>> = {
  mode: IMAGE_MODES,
  shape: SHAPES,
  keychainPosition: KEYCHAIN_POSITIONS,
};

/** A keychain's base plate when none is asked for, mm: two 0.2 mm layers' worth of stiffness and more. */
export const KEYCHAIN_BASE_PLATE_MM = 1.2;

/** Merges `input` over the defaults and checks every field; unknown fields are rejected. */
export function resolveImageParams(input: Record<string, unknown>): ImageJobParams {
  const { merged: out, problems } = mergeFields(input, {
    defaults: IMAGE_JOB_DEFAULTS,
    ranges: RANGES,
    enums: ENUMS,
    optional: new Set(['heightMm']),
    integers: new Set<keyof ImageJobParams>(['maxTriangles']),
    custom: { formats: listOf('formats', OUTPUT_FORMATS) },
  });
  const params = out as unknown as ImageJobParams;
  if (params.mode === 'relief' && params.maxHeightMm < params.minHeightMm) problems.push('maxHeightMm must not be below minHeightMm');
  if (params.mode === 'lithophane' && params.maxThicknessMm <= params.minThicknessMm)
    problems.push('maxThicknessMm must exceed minThicknessMm');
  if (params.stand && params.shape !== 'flat') problems.push('a stand is only made for flat lithophanes');
  if (problems.length > 0) {
    throw new PipelineError('invalid_parameters', `parameters: ${problems.join('; ')}`, 'parameters', { problems });
  }
  // Print-first: a keychain is one piece. Unless the caller sets a plate (0 included), letters that
  // do not touch are joined by one, instead of coming out as loose pieces on a ring.
  if (params.mode === 'extrude' && params.keychain && !params.cookieCutter && input.basePlateMm === undefined) {
    params.basePlateMm = KEYCHAIN_BASE_PLATE_MM;
  }
  params.formats = [...new Set(params.formats)];
  return params;
}
