/**
 * Job modes: the image modes are the pipeline's own list (one source), then mesh repair and
 * conversion, then the AI modes whose remote stage ends in a mesh repair.
 */
import { IMAGE_MODES } from '../pipeline/params.ts';

export const IMAGE_JOB_MODES = IMAGE_MODES;
export const MESH_JOB_MODES = ['repair', 'convert'] as const;
export const AI_JOB_MODES = ['ai-image', 'ai-text'] as const;
export type WorkerMode = (typeof IMAGE_JOB_MODES)[number] | (typeof MESH_JOB_MODES)[number];
export type AiJobMode = (typeof AI_JOB_MODES)[number];
/** What the runner hands an executor: a worker mode, or an AI mode (remote stage, then a worker repair). */
export type JobExecutionMode = WorkerMode | AiJobMode;
