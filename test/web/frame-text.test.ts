/**
 * Issue 15, text on a lithophane's frame, in the browser against the real server and its worker
 * pool: a signed-in user uploads a photo (the shipped MIT example photo), types frame text on the flat
 * lithophane, sees the preview grow the frame it needs and say what the print gets, makes it, and
 * the job's STL is one watertight solid with the letters engraved into the bottom band.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { countParts } from '../../src/pipeline/analyze/count-parts.ts';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { boundingBox } from '../../src/pipeline/mesh.ts';
import { weldExact } from '../../src/pipeline/repair/weld-exact.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';
import { DESKTOP, distinctColours, newPage, startHarness, signUp } from './browser.ts';
import type { WebHarness } from './browser.ts';

// The shipped MIT photo (from the corpus's Landscape_6): no ../shared needed.
const PHOTO = new URL('../../web/app/examples/cylinder-photo.jpg', import.meta.url).pathname;

let h: WebHarness;
let page: Page;
let errors: string[];

beforeAll(async () => {
  h = await startHarness();
  ({ page, errors } = await newPage(h, DESKTOP));
  await signUp(page, 'Frame Maker', 'frame');
});

afterAll(async () => {
  await h?.close();
});

describe('frame text on the create page', () => {
  it('types text on a flat lithophane’s frame; the job’s STL is one solid with the letters in the band', async () => {
    await page.goto('/create');
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain('Uploaded cylinder-photo.jpg');
    await page.getByLabel(/Flat lithophane/).check();
    const dims = page.locator('.dims').first();
    const widthShown = async () => Number(((await dims.getAttribute('data-size-mm')) ?? '').split(',')[0]);
    await expect.poll(widthShown, { timeout: 20_000 }).toBeCloseTo(100, 0);
    await page.getByLabel('Text on the frame').fill('Family 2026');
    // The server adds a 10 mm frame for the text; the preview shows it, and says what the print gets.
    await expect.poll(widthShown, { timeout: 20_000 }).toBeCloseTo(120, 0);
    expect(await page.getByRole('spinbutton', { name: 'Frame width (mm)', exact: true }).inputValue()).toBe('10');
    await expect.poll(() => page.getByTestId('frame-text-note').textContent()).toMatch(/“Family 2026” is engraved 1 mm on the bottom/);
    expect(await distinctColours(page.getByTestId('preview').locator('canvas'))).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
    await page.getByRole('button', { name: /Make it \(/ }).click();
    await page.waitForURL(/\/jobs\/job_/);
    const jobId = /job_[^/?#]+/.exec(page.url())![0];
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');

    const report = (await (await page.request.get(`/api/v1/jobs/${jobId}/artifacts/report.json`)).json()) as {
      manifold: boolean;
      parts: number;
      frameText?: { letterMm: number; style: string };
    };
    expect(report).toMatchObject({ manifold: true, parts: 1, frameText: { style: 'engraved' } });
    expect(report.frameText!.letterMm).toBeGreaterThanOrEqual(4);
    const stl = await page.request.get(`/api/v1/jobs/${jobId}/artifacts/model.stl`);
    expect(stl.status()).toBe(200);
    const mesh = weldExact(readStl(new Uint8Array(await stl.body())).mesh).mesh;
    expect(countParts(mesh)).toBe(1);
    expect(countEdgeDefects(mesh)).toEqual({ open: 0, overused: 0 });
    // Height probe in the bottom band: the engraving's floor (4 - 1 = 3 mm) is there, inside the band
    // and under the picture's width, where a plain frame has only its 4 mm top.
    const box = boundingBox(mesh);
    const { positions: p } = mesh;
    const middle = (box.min[0] + box.max[0]) / 2;
    let floor = 0;
    for (let i = 0; i < p.length; i += 3) {
      const inBand = p[i + 1] > box.min[1] + 1 && p[i + 1] < box.min[1] + 9 && Math.abs(p[i] - middle) < 50;
      if (inBand && Math.abs(p[i + 2] - 3) < 0.01) floor++;
    }
    expect(floor).toBeGreaterThan(50);
    expect(errors).toEqual([]);
  });
});
