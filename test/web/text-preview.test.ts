/**
 * Issue 15, text preview: in the browser against the real server and its worker pool, typing text
 * for a nameplate or a text keychain shows a live 3D preview (the server's text pipeline run in a Web
 * Worker), its size readout follows the text and the fields, and the made part's STL has the size
 * and piece count the preview stated, within 1% on each axis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, distinctColours, newPage, startHarness, signUp } from './browser.ts';
import type { WebHarness } from './browser.ts';

let h: WebHarness;
let page: Page;
let errors: string[];

beforeAll(async () => {
  h = await startHarness();
  ({ page, errors } = await newPage(h, DESKTOP));
  await signUp(page, 'Text Previewer', 'text-preview');
});

afterAll(async () => {
  await h?.close();
});

interface Readout {
  size: number[];
  parts: number;
  text: string;
}

/** The preview's readout once the worker has answered the newest text and fields. */
async function settledReadout(): Promise<Readout> {
  await expect.poll(() => page.getByTestId('preview').getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  const dims = page.locator('.dims').first();
  return {
    size: ((await dims.getAttribute('data-size-mm')) ?? '').split(',').filter(Boolean).map(Number),
    parts: Number(await dims.getAttribute('data-parts')),
    text: (await dims.textContent()) ?? '',
  };
}

/** Bounding-box size of a binary STL, mm. */
function stlSize(bytes: Buffer): number[] {
  const count = bytes.readUInt32LE(80);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let t = 0; t < count; t++) {
    for (let v = 0; v < 3; v++) {
      for (let axis = 0; axis < 3; axis++) {
        const value = bytes.readFloatLE(84 + 50 * t + 12 + 12 * v + 4 * axis);
        min[axis] = Math.min(min[axis], value);
        max[axis] = Math.max(max[axis], value);
      }
    }
  }
  return max.map((m, axis) => m - min[axis]);
}

/** Makes what the page shows and checks the STL and report against the preview's readout. */
async function makeAndCompare(preview: Readout): Promise<{ made: number[]; parts: number }> {
  await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/credits? ·/);
  await page.getByRole('button', { name: /Make it \(/ }).click();
  await page.waitForURL(/\/jobs\/job_/);
  const jobId = /job_[^/?#]+/.exec(page.url())![0];
  await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');
  // A text job's report is its result (size to 0.01 mm and piece count), beside the STL.
  const { job } = (await (await page.request.get(`/api/v1/jobs/${jobId}`)).json()) as {
    job: { result: { sizeMm: number[]; parts: number } };
  };
  const report = job.result;
  const stl = await page.request.get(`/api/v1/jobs/${jobId}/artifacts/model.stl`);
  expect(stl.status()).toBe(200);
  const made = stlSize(await stl.body());
  console.info(
    `text preview ${preview.size.join(' × ')} mm, ${preview.parts} part(s); made (STL) ${made.map((m) => m.toFixed(2)).join(' × ')} mm, ${report.parts} part(s)`,
  );
  expect(report.parts).toBe(preview.parts);
  for (let axis = 0; axis < 3; axis++) {
    for (const [source, size] of [
      ['STL', made[axis]],
      ['report', report.sizeMm[axis]],
    ] as const) {
      const off = Math.abs(preview.size[axis] - size) / size;
      expect(off, `axis ${axis}: preview ${preview.size[axis]} mm, ${source} ${size} mm`).toBeLessThan(0.01);
    }
  }
  return { made, parts: report.parts };
}

const PHOTO = new URL('../../fixtures/photo.jpg', import.meta.url).pathname;

describe('the text preview on the create page', () => {
  it('shows a nameplate as it is typed, follows the width, and is made at the size it showed', async () => {
    await page.goto('/create');
    await page.getByLabel(/Nameplate/).check();
    await expect.poll(() => page.locator('.dims').first().textContent()).toMatch(/Type some text/);
    const text = page.getByTestId('text-input');
    await text.fill('Ada');
    const short = await settledReadout();
    expect(short.text).toMatch(/1 piece/);
    // 80 mm of text plus a 3 mm margin and a 1.5 mm border each side; plate 2 mm + letters 1.6 mm.
    expect(short.size[0]).toBeGreaterThan(80);
    expect(short.size[0]).toBeLessThan(80 + 2 * 4.5 + 0.5);
    expect(short.size[2]).toBeCloseTo(3.6, 2);
    const canvas = page.getByTestId('preview').locator('canvas');
    await expect.poll(() => distinctColours(canvas), { timeout: 20_000 }).toBeGreaterThan(50);
    // The lithophane's 3D/Backlit switch belongs to lithophanes only.
    expect(await page.getByRole('group', { name: 'Preview view' }).isVisible()).toBe(false);

    // Longer text at the same width: the letters get smaller, so the plate gets shallower.
    await text.fill('Ada Lovelace');
    const long = await settledReadout();
    expect(long.size[1]).toBeLessThan(short.size[1] * 0.7);
    // The widest line is still 80 mm of advance widths; only the outer letters' side bearings differ.
    expect(Math.abs(long.size[0] - short.size[0])).toBeLessThan(5);

    // Wider text: 40 mm more across.
    await page.getByRole('spinbutton', { name: 'Text width (mm)', exact: true }).fill('120');
    const wide = await settledReadout();
    expect(wide.size[0] - long.size[0]).toBeGreaterThan(38);
    expect(wide.size[0] - long.size[0]).toBeLessThan(42);

    const made = await makeAndCompare(wide);
    expect(made.parts).toBe(1);
    expect(errors).toEqual([]);
  });

  it('previews a text keychain with its ring, at the size and piece count it is made', async () => {
    await page.goto('/create');
    await page.locator('#choice-text-keychain').check();
    await page.getByTestId('text-input').fill('Max');
    const first = await settledReadout();
    expect(first.parts).toBe(1);
    // 50 mm of text; the ring (4 mm hole in 2 mm of material) sits on the left by default, beyond the 3 mm margin.
    expect(first.size[0]).toBeGreaterThan(50 + 3 + 4 + 2);
    await page.getByLabel('Ring position').selectOption('top');
    const top = await settledReadout();
    expect(top.size[0]).toBeLessThan(first.size[0]);
    expect(top.size[1]).toBeGreaterThan(first.size[1]);
    const made = await makeAndCompare(top);
    expect(made.parts).toBe(1);
    expect(errors).toEqual([]);
  });

  it('shows a colour relief like the shape previews: same viewer and readout, no backlit switch', async () => {
    await page.goto('/create');
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain('Uploaded photo.jpg');
    const toggle = page.getByRole('group', { name: 'Preview view' });
    await page.locator('#choice-lithophane-flat').check();
    await expect.poll(() => toggle.isVisible(), { timeout: 20_000 }).toBe(true);
    await page.locator('#choice-colour-relief').check();
    await expect.poll(() => toggle.isVisible(), { timeout: 20_000 }).toBe(false);
    await expect
      .poll(() => page.locator('.dims').first().textContent(), { timeout: 20_000 })
      .toMatch(/About .* \(width × depth × height\)/);
    expect(await page.getByTestId('preview').locator('canvas').count()).toBe(1);

    // Text needs no file: after a picture the text choices stay open, and preview in the same viewer.
    const nameplate = page.locator('#choice-text-nameplate');
    expect(await nameplate.isDisabled()).toBe(false);
    await nameplate.check();
    await page.getByTestId('text-input').fill('Hi');
    const readout = await settledReadout();
    expect(readout.text).toMatch(/About .* \(width × depth × height\), 1 piece/);
    expect(await page.getByTestId('preview').locator('canvas').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
