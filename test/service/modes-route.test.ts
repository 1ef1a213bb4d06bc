/**
 * Issue 12: GET /api/v1/modes serves the one catalogue of modes, presets and fields the server
 * validates with (public, cacheable, in the OpenAPI document); issue 15.6: lamp shades are sized by
 * diameter, and a job is checked against the build volume (a warning when it fits only turned, 422
 * exceeds_build_plate when it fits no way round).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MODE_CATALOG } from '../../src/pipeline/catalog/modes.ts';
import { IMAGE_JOB_DEFAULTS, resolveImageParams } from '../../src/pipeline/params.ts';
import { MESH_JOB_DEFAULTS } from '../../src/pipeline/mesh-params.ts';
import { modesRoutes } from '../../src/routes/modes.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, insertUpload, jobsApp, plainPng, postJob, userIdOf } from './jobs-helpers.ts';
import type { TestApp } from './jobs-helpers.ts';
import { ScriptedExecutor } from './scripted-executor.ts';

let infra: TestInfra;
let app: TestApp;

beforeAll(async () => {
  infra = await createTestServices({ SIGNUP_GRANT_CREDITS: '50' });
  app = jobsApp(infra.services, new ScriptedExecutor(1)).app;
  app.route('/', modesRoutes());
});
afterAll(async () => {
  await infra.close();
});

type Catalog = typeof MODE_CATALOG;

describe('GET /api/v1/modes', () => {
  it('answers the catalogue without signing in, cacheable, with the defaults the server validates with', async () => {
    const res = await app.request('/api/v1/modes');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('public');
    const body = (await res.json()) as Catalog;
    const image = body.fields.image as Record<string, { default?: unknown; min?: number; max?: number; type: string }>;
    for (const [key, value] of Object.entries(IMAGE_JOB_DEFAULTS)) expect(image[key]?.default, key).toEqual(value);
    for (const [key, value] of Object.entries(MESH_JOB_DEFAULTS))
      expect((body.fields.mesh as Record<string, { default?: unknown }>)[key]?.default, key).toEqual(value);
    // Every preset offers only declared fields, and every mode is one the API accepts.
    for (const entry of body.modes)
      for (const preset of entry.presets)
        for (const f of preset.fields) expect(body.fields[entry.fieldSet], `${preset.id}.${f}`).toHaveProperty(f);
    expect(body.modes.map((m) => m.mode)).toEqual([
      'lithophane',
      'relief',
      'colour-relief',
      'colour-lithophane',
      'extrude',
      'text',
      'repair',
      'convert',
    ]);
    // Text: no picture; a preset per style, each style one the text fields accept.
    const text = body.modes.find((m) => m.mode === 'text')!;
    expect(text).toMatchObject({ input: 'text', fieldSet: 'text' });
    expect(text.presets.map((p) => p.fixed.textStyle)).toEqual(['nameplate', 'sign', 'keychain']);
    const styles = (body.fields.text as Record<string, { options?: Array<{ value: string }> }>).textStyle.options!.map((o) => o.value);
    for (const p of text.presets) expect(styles).toContain(p.fixed.textStyle);
    // The limits served are the ones enforced.
    expect(image.widthMm).toMatchObject({ type: 'number', min: 1, max: 1000 });
    expect(() => resolveImageParams({ widthMm: image.widthMm.max! + 1 })).toThrow(/widthMm must be a number from 1 to 1000/);
    const presets = body.modes.flatMap((m) => m.presets);
    // Keychains and cookie cutters start with thin strokes thickened to the nozzle (resolveImageParams agrees).
    expect(presets.find((p) => p.id === 'keychain')?.defaults).toEqual({ basePlateMm: 1.2, thickenToNozzle: true });
    expect(presets.find((p) => p.id === 'cookie-cutter')?.defaults).toEqual({ thickenToNozzle: true });
    expect(resolveImageParams({ mode: 'extrude', keychain: true }).thickenToNozzle).toBe(true);
    expect(presets.find((p) => p.id === 'relief')?.fields).toContain('outline');
    expect(image.backgroundColour).toMatchObject({ type: 'colour', default: '#ffffff' });
    const lamp = presets.find((p) => p.id === 'lithophane-cylinder')!;
    expect(lamp.defaults).toEqual({ diameterMm: 80 });
    expect(lamp.fields).toEqual(expect.arrayContaining(['diameterMm', 'frameMm']));
    expect(lamp.fields).not.toContain('widthMm');
    expect(presets.find((p) => p.id === 'lithophane-flat')?.fields).toContain('stand');
    expect(body.geometry).toMatchObject({ basePlateMarginMm: 2, keychainRingWidthMm: 2 });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, { get?: unknown }> };
    expect(doc.paths['/api/v1/modes']?.get).toBeDefined();
  });
});

describe('lamp shades and the build volume', () => {
  it('sizes a cylinder by its diameter: 80 mm by default, the circumference derived', () => {
    expect(resolveImageParams({ shape: 'cylinder' })).toMatchObject({ diameterMm: 80, widthMm: Math.PI * 80 });
    expect(resolveImageParams({ shape: 'cylinder', diameterMm: 120 }).widthMm).toBeCloseTo(376.99, 2);
    expect(resolveImageParams({ shape: 'cylinder', widthMm: 200 }).diameterMm).toBeUndefined();
    const resolved = resolveImageParams({ shape: 'cylinder', diameterMm: 50 });
    expect(resolveImageParams({ ...resolved })).toEqual(resolved);
    expect(() => resolveImageParams({ shape: 'cylinder', diameterMm: 80, widthMm: 100 })).toThrow(/one size/);
    expect(() => resolveImageParams({ shape: 'flat', diameterMm: 80 })).toThrow(/diameterMm/);
  });

  it('warns in the dry run when a lithophane fits only turned, refuses 422 exceeds_build_plate what fits no way round', async () => {
    const cookie = await signUp(app, 'lamp@example.com');
    const userId = await userIdOf(app, cookie);
    const picture = await insertUpload(infra.services, userId, await plainPng(400, 300));
    const dry = async (params: Record<string, unknown>) =>
      postJob(app, cookie, { mode: 'lithophane', uploadId: picture, params, dryRun: true });

    const fine = (await (await dry({ widthMm: 100 })).json()) as { estimate: { sizeMm: number[]; buildPlate: string; warnings: string[] } };
    expect(fine.estimate).toMatchObject({ sizeMm: [100, 75, 3.2], buildPlate: 'as-placed', warnings: [] });

    // 200 x 240 (portrait) is deeper than the 220 x 220 x 250 volume: it fits only turned (standing up).
    const portrait = await insertUpload(infra.services, userId, await plainPng(300, 360));
    const turned = await postJob(app, cookie, { mode: 'lithophane', uploadId: portrait, params: { widthMm: 200 }, dryRun: true });
    expect(turned.status).toBe(200);
    const turnedBody = (await turned.json()) as { estimate: { buildPlate: string; warnings: string[] } };
    expect(turnedBody.estimate.buildPlate).toBe('turned');
    expect(turnedBody.estimate.warnings[0]).toMatch(/does not fit the 220 × 220 × 250 mm build volume as placed; turn it/);

    // Issue 15.6: a 608 mm lithophane was accepted.
    const before = await balance(app, cookie);
    for (const dryRun of [true, false]) {
      const res = await postJob(app, cookie, { mode: 'lithophane', uploadId: picture, params: { widthMm: 608 }, dryRun });
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; message: string; details: { sizeMm: number[] } } };
      expect(error.code).toBe('exceeds_build_plate');
      expect(error.message).toMatch(/608 × 456 × 3.2 mm/);
    }
    expect(await balance(app, cookie)).toBe(before);
    // A bigger printer takes it; a lamp shade is checked round (80 mm inside + 2 x 3.2 mm walls).
    expect((await dry({ widthMm: 608, buildPlateMm: [700, 500, 100] })).status).toBe(200);
    const lamp = (await (await dry({ shape: 'cylinder' })).json()) as { estimate: { sizeMm: number[]; buildPlate: string } };
    expect(lamp.estimate.sizeMm.slice(0, 2)).toEqual([86.4, 86.4]);
    expect(lamp.estimate.buildPlate).toBe('as-placed');
  });
});
