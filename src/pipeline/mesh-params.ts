/**
 * What a user can ask of a mesh job (repair or convert an uploaded 3D file), with defaults and
 * range checks; like params.ts, a closed vocabulary validated once for CLI, API and worker.
 */
import { PipelineError } from './errors.ts';
import { listOf, mergeFields } from './param-fields.ts';
import type { Range } from './param-fields.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './params.ts';

export const MESH_MODES = ['repair', 'convert'] as const;
export type MeshMode = (typeof MESH_MODES)[number];
export const MESH_UNITS = ['mm', 'cm', 'm', 'in'] as const;
export const ORIENTATIONS = ['keep', 'flat-base'] as const;
export const UP_AXES = ['z', 'y'] as const;

export interface MeshJobParams {
  mode: MeshMode;
  /** The unit the file's coordinates are in. Default: what the file declares (3MF, our GLB), metres for other GLBs, mm otherwise. */
  units?: (typeof MESH_UNITS)[number];
  /** Scale uniformly so the longest side is this long (applied after units). */
  targetSizeMm?: number;
  /** Scale uniformly so the height (z after upAxis) is this long; wins over targetSizeMm. */
  targetHeightMm?: number;
  /**
   * The file's up axis: 'y' is turned to z (+90° about x) right after import. Default: what the
   * format declares (glTF: y, so every foreign GLB is turned upright; our own GLB and 3MF: z),
   * else z (STL, OBJ, PLY).
   */
  upAxis?: (typeof UP_AXES)[number];
  orient: (typeof ORIENTATIONS)[number];
  /** Put the part on the bed (min z = 0) centred at x = y = 0. Default: true for repair, false for convert. */
  placeOnBed?: boolean;
  buildVolumeMm: [number, number, number];
  /** Walls thinner than this at the 5th percentile make the verdict "not printable". */
  minWallMm: number;
  overhangDeg: number;
  fillHoles: boolean;
  /**
   * Rebuild a surface that still crosses itself after repair by a level set (sharp edges are
   * slightly bevelled, features under ~1/116 of the longest side are lost). Off: such a model is
   * returned with the crossings and a "not printable" verdict.
   */
  resolveSelfIntersections: boolean;
  /**
   * Remove sealed inner voids (closed shells inside another, wound inward) so the part prints
   * solid. Default off for uploads (a hollow part may be meant); AI jobs turn it on.
   */
  fillInnerShells: boolean;
  /** Repaired shells under this fraction of the largest shell's volume are dropped. */
  minPartFraction: number;
  /** Boundary weld distance as a fraction of the bounding-box diagonal. */
  weldTolerance: number;
  formats: OutputFormat[];
  previews: boolean;
}

export const MESH_JOB_DEFAULTS: MeshJobParams = {
  mode: 'repair',
  orient: 'keep',
  buildVolumeMm: [220, 220, 250],
  minWallMm: 0.4,
  overhangDeg: 45,
  fillHoles: true,
  resolveSelfIntersections: true,
  fillInnerShells: false,
  minPartFraction: 0.01,
  weldTolerance: 1e-3,
  formats: ['stl'],
  previews: true,
};

const RANGES: Partial<Record<keyof MeshJobParams, Range>> = {
  targetSizeMm: [0.1, 10_000],
  targetHeightMm: [0.1, 10_000],
  minWallMm: [0, 50],
  overhangDeg: [1, 89],
  minPartFraction: [0, 1],
  weldTolerance: [0, 0.05],
};
const ENUMS: Partial<Record<keyof MeshJobParams, readonly string[]>> = {
  mode: MESH_MODES,
  units: MESH_UNITS,
  orient: ORIENTATIONS,
  upAxis: UP_AXES,
};
const OPTIONAL = new Set(['units', 'targetSizeMm', 'targetHeightMm', 'upAxis', 'placeOnBed']);

export function resolveMeshParams(input: Record<string, unknown>): MeshJobParams {
  const { merged: out, problems } = mergeFields(input, {
    defaults: MESH_JOB_DEFAULTS,
    ranges: RANGES,
    enums: ENUMS,
    optional: OPTIONAL,
    custom: {
      formats: listOf('formats', OUTPUT_FORMATS),
      buildVolumeMm: (value) =>
        Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && v > 0 && v <= 10_000)
          ? undefined
          : 'buildVolumeMm must be three sizes in mm (x, y, z), each up to 10000',
      placeOnBed: (value) => (typeof value === 'boolean' ? undefined : 'placeOnBed must be a boolean'),
    },
  });
  if (problems.length > 0) throw new PipelineError('invalid_parameters', `parameters: ${problems.join('; ')}`, 'parameters', { problems });
  const params = out as unknown as MeshJobParams;
  params.formats = [...new Set(params.formats)];
  return params;
}
