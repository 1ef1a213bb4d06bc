/**
 * Lithophane frame text over the API (issue 15): /modes serves the free-text field from the one
 * catalogue (and the OpenAPI document knows the type), a dry run prices it with the frame it
 * adds, and text where there is no frame band, too long or in letters the font lacks is a 400
 * invalid_parameters before any credit moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('frame text over the API', () => {
  it('/modes offers a text field with its length on the framed lithophanes only; the OpenAPI document knows the type', async () => {
    const body = (await (await app.request('/api/v1/modes')).json()) as {
      modes: Array<{ presets: Array<{ id: string; fields: string[] }> }>;
      fields: { image: Record<string, { type: string; maxLength?: number }> };
    };
    expect(body.fields.image.frameText).toMatchObject({ type: 'text', maxLength: 60 });
    const presets = body.modes.flatMap((m) => m.presets);
    const offering = presets.filter((p) => p.fields.includes('frameText')).map((p) => p.id);
    expect(offering).toEqual(['lithophane-flat', 'lithophane-arc', 'lithophane-cylinder']);
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
    };
    expect(doc.components.schemas.ModeField.properties.type.enum).toContain('text');
    expect(doc.components.schemas.ModeField.properties).toHaveProperty('maxLength');
  });

  it('a dry run prices a flat lithophane with its text and the frame added for it', async () => {
    const cookie = await signUp(app, 'frame@example.com');
    const picture = await insertUpload(infra.services, await userIdOf(app, cookie), await plainPng(400, 300));
    const res = await postJob(app, cookie, {
      mode: 'lithophane',
      uploadId: picture,
      params: { widthMm: 100, frameText: 'Family 2026' },
      dryRun: true,
    });
    expect(res.status).toBe(200);
    const { estimate } = (await res.json()) as { estimate: { sizeMm: number[] } };
    // 100 x 75 mm picture in a 10 mm frame.
    expect(estimate.sizeMm.slice(0, 2)).toEqual([120, 95]);
  });

  it('refuses 400 invalid_parameters: no frame band, overlong, a letter the font lacks; nothing is charged', async () => {
    const cookie = await signUp(app, 'frame-refused@example.com');
    const picture = await insertUpload(infra.services, await userIdOf(app, cookie), await plainPng(400, 300));
    const before = await balance(app, cookie);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ shape: 'heart', frameText: 'Ada' }, /not on a heart lithophane/],
      [{ shape: 'dome', frameText: 'Ada' }, /not on a dome lithophane/],
      [{ frameText: 'x'.repeat(61) }, /frameText has at most 60 characters/],
      [{ frameText: 'Tea 🍵' }, /no letter for "🍵"/],
      [{ frameText: 'Ada', frameTextSide: 'left' }, /frameTextSide must be one of bottom, top/],
    ];
    for (const [params, message] of cases)
      for (const dryRun of [true, false]) {
        const res = await postJob(app, cookie, { mode: 'lithophane', uploadId: picture, params, dryRun });
        expect(res.status, JSON.stringify(params)).toBe(400);
        const { error } = (await res.json()) as { error: { code: string; message: string } };
        expect(error.code).toBe('invalid_parameters');
        expect(error.message).toMatch(message);
      }
    const relief = await postJob(app, cookie, { mode: 'relief', uploadId: picture, params: { frameText: 'Ada' } });
    expect(relief.status).toBe(400);
    expect(await balance(app, cookie)).toBe(before);
  });
});
