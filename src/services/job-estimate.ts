/**
 * A job's work estimate at creation (src/pipeline/estimate.ts) from its mode, its resolved
 * parameters and what the upload row already knows (the picture's size, the file's triangles), and
 * the refusal of a job past the limits: a 422 before any credit moves, instead of a worker spending
 * half a minute and a gigabyte on a job that fails (issue 14).
 */
import type { Upload } from '../db/schema.ts';
import { ServiceError } from '../domain/errors.ts';
import { ESTIMATE_LIMITS_DEFAULTS, estimateImageJob, estimateMeshJob, exceededLimits } from '../pipeline/estimate.ts';
import type { EstimateLimits, LimitExcess, WorkEstimate } from '../pipeline/estimate.ts';
import type { ImageJobParams } from '../pipeline/params.ts';
import { MAX_GRID_SIDE } from '../pipeline/triangulate/greedy.ts';

export type { EstimateLimits, WorkEstimate };

/** A nameplate of 200 characters measured ~60k triangles; rounded up. */
const TEXT_SOLID_TRIANGLES = 100_000;

export type EstimateKind = 'image' | 'mesh' | 'ai' | 'text';

export function estimateJob(kind: EstimateKind, mode: string, params: Record<string, unknown>, upload?: Upload): WorkEstimate {
  if (kind === 'image') {
    const source = upload?.width && upload.height ? { width: upload.width, height: upload.height } : undefined;
    return estimateImageJob(params as unknown as ImageJobParams, source);
  }
  // A text solid is a few thousand triangles of 2D booleans and extrusions: a small conversion's work.
  if (kind === 'text') return estimateMeshJob('convert', TEXT_SOLID_TRIANGLES);
  // An AI job's pool work is the repair of what the provider returns, about targetPolycount triangles.
  if (kind === 'ai') return estimateMeshJob('repair', (params as { targetPolycount?: number }).targetPolycount);
  return estimateMeshJob(mode === 'convert' ? 'convert' : 'repair', upload?.triangles);
}

/** Throws 422 job_too_large naming every limit the estimate is past. */
export function refuseTooLarge(estimate: WorkEstimate, limits: EstimateLimits = ESTIMATE_LIMITS_DEFAULTS): void {
  const exceeded = exceededLimits(estimate, limits);
  if (exceeded.length === 0) return;
  throw new ServiceError(
    'job_too_large',
    `this job is too large to run here: ${exceeded.map(describe).join('; ')}. Use a coarser resolutionMm, a smaller widthMm, fewer maxTriangles or a smaller file`,
    { estimate, exceeded, limits: { ...limits, maxGridSide: MAX_GRID_SIDE } },
  );
}

/**
 * Throws 422 exceeds_build_plate when the model cannot fit the job's build volume any way round.
 * Only exact sizes are refused: an extrusion's size is an estimate until its outline is traced, so
 * it only gets the warning.
 */
export function refuseOffPlate(estimate: WorkEstimate, buildPlateMm?: readonly number[]): void {
  if (estimate.buildPlate !== 'no' || !estimate.sizeExact || !estimate.sizeMm) return;
  throw new ServiceError(
    'exceeds_build_plate',
    `${estimate.warnings?.[0] ?? 'the model does not fit the build volume'}: make it smaller, or give your printer's buildPlateMm`,
    { sizeMm: estimate.sizeMm, buildPlateMm },
  );
}

function describe(e: LimitExcess): string {
  if (e.limit === 'gridSamples') return `its grid would have ${e.value} samples, the limit is ${e.max}`;
  if (e.limit === 'gridSide') return `its grid would be ${e.value} samples a side, the limit is ${e.max}`;
  return `it would need about ${e.value} MB of memory, the limit is ${e.max} MB`;
}
