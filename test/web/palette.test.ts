/**
 * Issue 17 in the browser: the colour relief's palette picker on the create page. Filaments from
 * GET /api/v1/modes appear with their colours; toggling one changes the stack strip (the colours
 * the relief can show) and the job's parameters; the live 3D preview is as thin as a colour
 * relief (base + relief, 2.4 mm by default).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, newPage, startHarness } from './browser.ts';
import type { WebHarness } from './browser.ts';

const PHOTO = new URL('../../fixtures/photo.jpg', import.meta.url).pathname;

let h: WebHarness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  ({ page } = await newPage(h, DESKTOP));
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Palette Maker');
  await page.getByLabel('Email').fill(`palette-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/create/);
});

afterAll(async () => {
  await h?.close();
});

describe('colour relief palette picker', () => {
  it('toggles filaments, redraws the stack strip and previews a thin relief', async () => {
    await page.goto('/create');
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain('Uploaded photo.jpg');
    await page.getByLabel(/Colour relief/).check();
    const palette = page.getByTestId('palette');
    await expect.poll(() => palette.count()).toBe(1);
    const red = palette.getByRole('button', { name: 'Red PLA' });
    expect(await red.getAttribute('aria-pressed')).toBe('false');
    const strip = page.getByTestId('palette-strip');
    const before = await strip.getAttribute('aria-label');
    expect(before).toContain('Black PLA');
    await red.click();
    expect(await red.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => strip.getAttribute('aria-label')).toContain('Red PLA');
    const z = async () => Number(((await page.locator('.dims').first().getAttribute('data-size-mm')) ?? '').split(',')[2]);
    await expect.poll(z, { timeout: 20_000 }).toBeCloseTo(2.4, 1);
  });
});
