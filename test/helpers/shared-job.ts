/**
 * A succeeded job with real files for the share tests: the logo fixture through the real image
 * pipeline (extrude, STL + GLB + preview PNG), stored and recorded the way the job runner does.
 */
import { readFile } from 'node:fs/promises';
import type { Services } from '../../src/compose.ts';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';
import type { SolidReport } from '../../src/pipeline/report.ts';
import { seedFinishedJob } from './seed-finished-job.ts';
import type { JobStatus } from '../../src/db/schema.ts';

export interface SeededJob {
  id: string;
  report: SolidReport;
}

export interface SeedOptions {
  /** A file in fixtures/. */
  fixture: string;
  /** Image job parameters (formats default to STL + GLB, with previews). */
  params: Record<string, unknown>;
}

const LOGO: SeedOptions = { fixture: 'logo-holes.png', params: { mode: 'extrude', widthMm: 60 } };
const made = new Map<string, Promise<Awaited<ReturnType<typeof runImagePipeline>>>>();

/** The pipeline runs once per fixture and parameters; each call stores a fresh copy under a new job id. */
export async function seedLogoJob(
  services: Pick<Services, 'db' | 'storage'>,
  userId: string,
  status: JobStatus = 'succeeded',
): Promise<SeededJob> {
  return seedImageJob(services, userId, LOGO, status);
}

export async function seedImageJob(
  services: Pick<Services, 'db' | 'storage'>,
  userId: string,
  options: SeedOptions,
  status: JobStatus = 'succeeded',
): Promise<SeededJob> {
  const cacheKey = JSON.stringify(options);
  let pending = made.get(cacheKey);
  if (!pending) {
    pending = (async () => {
      const bytes = new Uint8Array(await readFile(new URL(`../../fixtures/${options.fixture}`, import.meta.url)));
      const params = resolveImageParams({ formats: ['stl', 'glb'], previews: true, ...options.params });
      return runImagePipeline(bytes, params, await nodePipelineDeps());
    })();
    made.set(cacheKey, pending);
  }
  const mode = String(options.params.mode);
  const { artifacts, report } = await pending;
  const id = await seedFinishedJob(services, userId, mode, artifacts, {
    status,
    result: status === 'succeeded' ? JSON.stringify(report) : null,
  });
  return { id, report };
}
