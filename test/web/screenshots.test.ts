/**
 * Screenshots of the maker's pages and of every lithophane shape the catalogue offers, at phone
 * and desktop width, made from a photo the project may ship (web/app/examples: MIT licence, see
 * its LICENSE). `npm run screenshots` writes them to docs/screenshots/ (UPDATE_SCREENSHOTS=1);
 * as part of `npm run test:web` they go to a temp folder and only the checks run: each page
 * renders without errors, its 3D view is drawn, nothing scrolls sideways, each PNG is < 300 KB.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, distinctColours, newPage, PHONE, saveScreenshot, startHarness } from './browser.ts';
import type { WebHarness } from './browser.ts';

const PHOTO = new URL('../../web/app/examples/cylinder-photo.jpg', import.meta.url).pathname;
const VIEWPORTS = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

let h: WebHarness;
let context: BrowserContext;
let shapes: Array<{ id: string; title: string }> = [];

beforeAll(async () => {
  h = await startHarness();
  const modes = (await (await fetch(`${h.url}/api/v1/modes`)).json()) as {
    modes: Array<{ mode: string; presets: Array<{ id: string; title: string }> }>;
  };
  shapes = modes.modes.filter((m) => m.mode === 'lithophane').flatMap((m) => m.presets);
  const opened = await newPage(h, DESKTOP);
  context = opened.context;
  await opened.page.goto('/sign-up');
  await opened.page.getByLabel('Name').fill('Ada Maker');
  await opened.page.getByLabel('Email').fill(`shots-${Date.now()}@example.com`);
  await opened.page.getByLabel('Password').fill('correct horse battery');
  await opened.page.getByRole('button', { name: 'Create account' }).click();
  await opened.page.waitForURL(/\/create/);
  await opened.page.close();
});
afterAll(async () => {
  await h?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} scrolls sideways`).toBe(true);
  const saved = await saveScreenshot(page, name);
  expect(saved.bytes, `${name}.png size`).toBeLessThan(300_000);
}

async function uploadPhoto(page: Page): Promise<void> {
  await page.goto('/create');
  await page.getByTestId('file-input').setInputFiles(PHOTO);
  await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain('Uploaded cylinder-photo.jpg');
}

describe('screenshots (npm run screenshots)', () => {
  it('landing page, signed out', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors, context: anonymous } = await newPage(h, viewport);
      await page.goto('/');
      const images = page.getByTestId('examples').locator('img');
      await expect
        .poll(() => images.evaluateAll((all: HTMLImageElement[]) => all.slice(0, 3).every((i) => i.complete && i.naturalWidth > 0)), {
          timeout: 20_000,
        })
        .toBe(true);
      await shot(page, `landing-${label}`);
      expect(errors).toEqual([]);
      await anonymous.close();
    }
  });

  it('create page with the crop', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await uploadPhoto(page);
      await page.getByTestId('crop-aspect').selectOption({ label: 'Square 1:1' });
      await page.getByTestId('crop-straighten').fill('4');
      await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toMatch(/Uploaded .*?(\d+) × \1 px/);
      await expect.poll(() => distinctColours(page.getByTestId('preview').locator('canvas')), { timeout: 30_000 }).toBeGreaterThan(100);
      await page.getByTestId('cropper').scrollIntoViewIfNeeded();
      await shot(page, `create-crop-${label}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('every lithophane shape', async () => {
    expect(shapes.map((s) => s.id)).toEqual(expect.arrayContaining(['lithophane-flat', 'lithophane-arc', 'lithophane-cylinder']));
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await uploadPhoto(page);
      for (const shape of shapes) {
        await page.locator(`#choice-${shape.id}`).check();
        const preview = page.getByTestId('preview').locator('canvas');
        await expect.poll(() => distinctColours(preview), { timeout: 30_000 }).toBeGreaterThan(100);
        await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·|does not fit/);
        await page.locator('.preview-card').scrollIntoViewIfNeeded();
        await shot(page, `shape-${shape.id.replace(/^lithophane-/, '')}-${label}`);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('account: profile and support', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await page.goto('/account');
      await expect.poll(() => page.getByLabel('Your name').inputValue()).toBe('Ada Maker');
      await shot(page, `account-profile-${label}`);
      if (label === 'desktop') {
        await page.getByLabel('Subject').fill('Lamp too dark');
        await page.getByLabel('Message').fill('My cylinder lithophane prints too thick. What should I change?');
        await page.getByRole('button', { name: 'Send to support' }).click();
        await expect.poll(() => page.getByTestId('support-list').textContent()).toContain('Lamp too dark');
      }
      await page.locator('#support-heading').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, -20));
      await shot(page, `support-${label}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('text preview: a nameplate as it is typed', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await page.goto('/create');
      await page.locator('#choice-text-nameplate').check();
      await page.getByTestId('text-input').fill('Ada Lovelace\n1815');
      await expect.poll(() => page.locator('.dims').first().getAttribute('data-size-mm'), { timeout: 30_000 }).toBeTruthy();
      await expect.poll(() => page.getByTestId('preview').getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
      await expect.poll(() => distinctColours(page.getByTestId('preview').locator('canvas')), { timeout: 30_000 }).toBeGreaterThan(100);
      await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
      await page.locator('.preview-card').scrollIntoViewIfNeeded();
      await shot(page, `text-nameplate-${label}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
