/**
 * Issue 15, text: in the browser against the real server and its worker pool, a signed-in user
 * picks the nameplate, types a name (no file), sees the price and makes it, and the job's STL
 * downloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, newPage, startHarness, signUp } from './browser.ts';
import type { WebHarness } from './browser.ts';

let h: WebHarness;
let page: Page;
let errors: string[];

beforeAll(async () => {
  h = await startHarness();
  ({ page, errors } = await newPage(h, DESKTOP));
  await signUp(page, 'Name Maker', 'names');
});

afterAll(async () => {
  await h?.close();
});

describe('the text mode on the create page', () => {
  it('makes a nameplate from typed text with no file, and the STL downloads', async () => {
    await page.goto('/create');
    const text = page.getByTestId('text-input');
    expect(await text.isVisible()).toBe(false);
    await page.getByLabel(/Nameplate/).check();
    expect(await text.isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Text width (mm)', exact: true }).inputValue()).toBe('80');
    await text.fill('Ada');
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/credits? ·/);
    await page.getByRole('button', { name: /Make it \(/ }).click();
    await page.waitForURL(/\/jobs\/job_/);
    const jobId = /job_[^/?#]+/.exec(page.url())![0];
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');
    const stl = await page.request.get(`/api/v1/jobs/${jobId}/artifacts/model.stl`);
    expect(stl.status()).toBe(200);
    expect((await stl.body()).byteLength).toBeGreaterThan(84);
    expect(errors).toEqual([]);
  });
});
