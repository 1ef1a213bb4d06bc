/**
 * Job modes: the pipeline's own lists (src/pipeline/catalog, one source): the image modes, then
 * mesh repair and conversion, text solids, then the AI modes whose remote stage ends in a mesh repair.
 */
import { IMAGE_MODES } from '../pipeline/catalog/image-fields.ts';
import { MESH_MODES } from '../pipeline/catalog/mesh-fields.ts';

export const IMAGE_JOB_MODES = IMAGE_MODES;
export const MESH_JOB_MODES = MESH_MODES;
export const AI_JOB_MODES = ['ai-image', 'ai-text'] as const;
/** Typed text made into a solid (src/pipeline/run-text-pipeline.ts): no upload, or a font upload. */
export const TEXT_JOB_MODES = ['text'] as const;
export type WorkerMode = (typeof IMAGE_JOB_MODES)[number] | (typeof MESH_JOB_MODES)[number] | (typeof TEXT_JOB_MODES)[number];
export type AiJobMode = (typeof AI_JOB_MODES)[number];
/** What the runner hands an executor: a worker mode, or an AI mode (remote stage, then a worker repair). */
export type JobExecutionMode = WorkerMode | AiJobMode;
