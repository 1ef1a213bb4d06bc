/**
 * One build volume for every mode: image and text jobs defaulted to 250 × 210 × 210 while mesh jobs
 * defaulted to 220 × 220 × 250, so the same model could pass one mode's plate check and fail the
 * other's. Every mode, the CLI's --build-plate-mm help, GET /api/v1/modes (what the web create page
 * reads) and the README now name DEFAULT_BUILD_VOLUME_MM.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/cli/help.ts';
import { DEFAULT_BUILD_VOLUME_MM } from '../../src/pipeline/build-plate.ts';
import { MODE_CATALOG } from '../../src/pipeline/catalog/modes.ts';
import { MESH_JOB_DEFAULTS, resolveMeshParams } from '../../src/pipeline/mesh-params.ts';
import { IMAGE_JOB_DEFAULTS, resolveImageParams } from '../../src/pipeline/params.ts';
import { resolveTextParams } from '../../src/pipeline/run-text-pipeline.ts';

describe('the default build volume', () => {
  it('is the common 220 × 220 × 250 mm bed', () => {
    expect(DEFAULT_BUILD_VOLUME_MM).toEqual([220, 220, 250]);
  });

  it('is the same for image, text and mesh jobs', () => {
    expect(IMAGE_JOB_DEFAULTS.buildPlateMm).toEqual(DEFAULT_BUILD_VOLUME_MM);
    expect(resolveImageParams({ mode: 'relief' }).buildPlateMm).toEqual(DEFAULT_BUILD_VOLUME_MM);
    expect(resolveTextParams({}).buildPlateMm).toEqual(DEFAULT_BUILD_VOLUME_MM);
    expect(MESH_JOB_DEFAULTS.buildVolumeMm).toEqual(DEFAULT_BUILD_VOLUME_MM);
    expect(resolveMeshParams({ mode: 'repair' }).buildVolumeMm).toEqual(DEFAULT_BUILD_VOLUME_MM);
  });

  it('is what the catalogue (GET /api/v1/modes, the create page) offers in every field set', () => {
    const { image, text, mesh } = MODE_CATALOG.fields as Record<string, Record<string, { default?: unknown }>>;
    expect(image.buildPlateMm.default).toEqual(DEFAULT_BUILD_VOLUME_MM);
    expect(text.buildPlateMm.default).toEqual(DEFAULT_BUILD_VOLUME_MM);
    expect(mesh.buildVolumeMm.default).toEqual(DEFAULT_BUILD_VOLUME_MM);
  });

  it('is what --help and the README say', async () => {
    expect(HELP).toContain(`(default ${DEFAULT_BUILD_VOLUME_MM.join('x')})`);
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`default ${DEFAULT_BUILD_VOLUME_MM.join(' × ')}`);
    expect(readme).not.toContain('250 × 210 × 210');
  });
});
