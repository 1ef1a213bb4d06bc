/**
 * What a user can ask of a mesh job (repair or convert an uploaded 3D file), with defaults and
 * range checks; like params.ts, a closed vocabulary validated once for CLI, API and worker.
 */
import { rulesOf } from './catalog/fields.ts';
import { MESH_FIELDS } from './catalog/mesh-fields.ts';
import type { MESH_MODES, MESH_UNITS, ORIENTATIONS, UP_AXES } from './catalog/mesh-fields.ts';
import { PipelineError } from './errors.ts';
import { mergeFields } from './param-fields.ts';
import type { OutputFormat } from './params.ts';

export { MESH_MODES, MESH_UNITS, ORIENTATIONS, UP_AXES } from './catalog/mesh-fields.ts';
export type MeshMode = (typeof MESH_MODES)[number];

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

const RULES = rulesOf<MeshJobParams>(MESH_FIELDS);
/** The defaults of every parameter (from catalog/mesh-fields.ts, where each is declared once). */
export const MESH_JOB_DEFAULTS: MeshJobParams = RULES.defaults;

export function resolveMeshParams(input: Record<string, unknown>): MeshJobParams {
  const { merged: out, problems } = mergeFields(input, RULES);
  if (problems.length > 0) throw new PipelineError('invalid_parameters', `parameters: ${problems.join('; ')}`, 'parameters', { problems });
  const params = out as unknown as MeshJobParams;
  params.formats = [...new Set(params.formats)];
  return params;
}
