/**
 * Screenshots of the maker's pages and of every lithophane shape the catalogue offers, at phone
 * and desktop width, made from a photo the project may ship (web/app/examples: MIT licence, see
 * its LICENSE): the landing page, the create page signed out and with the crop, every shape, frames
 * and stands, the keychain, the colour relief's palette, a made lithophane's result page with its
 * downloads, history with thumbnails, the share page and the embed page, the account's profile
 * with an avatar (cut from the same photo) and the support form. docs/screenshots/README.md lists
 * them. `npm run screenshots` writes them to docs/screenshots/ (UPDATE_SCREENSHOTS=1);
 * as part of `npm run test:web` they go to a temp folder and only the checks run: each page
 * renders without errors, its 3D view is drawn, nothing scrolls sideways, each PNG is < 300 KB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
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
let tempDir = '';

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'screenshots-'));
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
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} scrolls sideways`).toBe(true);
  const saved = await saveScreenshot(page, name);
  expect(saved.bytes, `${name}.png size`).toBeLessThan(300_000);
}

/** Scrolls the live preview into view (below the form on a phone) and waits until it is drawn. */
async function previewDrawn(page: Page): Promise<void> {
  await expect.poll(() => distinctColours(page.getByTestId('preview').locator('canvas')), { timeout: 30_000 }).toBeGreaterThan(100);
  await page.locator('.preview-card').scrollIntoViewIfNeeded();
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

  it('create page signed out: the photo previewed in the browser, an account asked for to make it', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors, context: anonymous } = await newPage(h, viewport);
      await page.goto('/create');
      await page.getByTestId('file-input').setInputFiles(PHOTO);
      await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain('Previewing cylinder-photo.jpg');
      await previewDrawn(page);
      await shot(page, `create-signed-out-${label}`);
      expect(errors).toEqual([]);
      await anonymous.close();
    }
  });

  it('frames and stands: a framed flat plate in its foot, a lamp shade with rings', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await uploadPhoto(page);
      await page.locator('#choice-lithophane-flat').check();
      await page.getByRole('spinbutton', { name: 'Frame width (mm)', exact: true }).fill('5');
      await page.getByLabel('Stand it upright in a foot').check();
      await expect.poll(() => page.locator('.dims').first().textContent(), { timeout: 20_000 }).toMatch(/About 120(\.0)? mm ×/); // 100 mm plate, 5 mm frame, a foot 10 mm wider
      await previewDrawn(page);
      await shot(page, `shape-flat-frame-stand-${label}`);
      await page.locator('#choice-lithophane-cylinder').check();
      await page.getByRole('spinbutton', { name: 'Frame width (mm)', exact: true }).fill('6');
      await previewDrawn(page);
      await shot(page, `shape-cylinder-rings-${label}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('keychain and the colour relief palette', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await uploadPhoto(page);
      await page.locator('#choice-keychain').check();
      await expect.poll(() => page.locator('.dims').first().textContent(), { timeout: 20_000 }).toMatch(/piece/);
      await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
      await previewDrawn(page);
      await shot(page, `create-keychain-${label}`);
      await page.locator('#choice-colour-relief').check();
      await page.getByTestId('palette').waitFor();
      await expect.poll(() => distinctColours(page.getByTestId('palette-strip')), { timeout: 20_000 }).toBeGreaterThan(2);
      // Priced like every other choice (it once answered "mode colour-relief has no price").
      await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
      await page.getByTestId('palette').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, 120));
      await shot(page, `colour-relief-palette-${label}`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('a made lithophane: result with its downloads, history with thumbnails, the share page and the embed page', async () => {
    const made = await newPage(h, DESKTOP, context);
    await uploadPhoto(made.page);
    await made.page.locator('#choice-lithophane-flat').check();
    await made.page.getByRole('spinbutton', { name: 'Width (mm)', exact: true }).fill('80');
    await expect.poll(() => made.page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
    await made.page.getByRole('button', { name: /Make it \(/ }).click();
    await made.page.waitForURL(/\/jobs\/job_/);
    await expect.poll(() => made.page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');
    const jobPath = new URL(made.page.url()).pathname;
    await made.page.getByRole('button', { name: 'Share this model' }).click();
    const shareUrl = (await made.page.getByTestId('share-url').getAttribute('href'))!;
    const embedUrl = /src="([^"]+)"/.exec(await made.page.getByTestId('share-iframe').inputValue())![1];
    expect(made.errors).toEqual([]);
    await made.page.close();

    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await page.goto(jobPath);
      await page.locator('[data-testid=result-viewer][data-loaded=true]').waitFor({ timeout: 60_000 });
      await expect
        .poll(() => distinctColours(page.locator('[data-testid=result-viewer] canvas')), { timeout: 30_000 })
        .toBeGreaterThan(100);
      for (const name of ['model.stl', 'model.3mf', 'model.glb']) await page.getByTestId(`download-${name}`).waitFor();
      // On a phone the downloads are under the model: show them.
      if (label === 'phone') await page.locator('#downloads-heading').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, `result-${label}`);

      await page.goto('/history');
      const thumb = page.getByTestId('job-thumb').first();
      await expect
        .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 })
        .toBeGreaterThan(0);
      await shot(page, `history-${label}`);
      expect(errors).toEqual([]);
      await page.close();

      // The public pages, as a visitor without an account sees them.
      for (const [name, url] of [
        ['share', shareUrl],
        ['embed', embedUrl],
      ] as const) {
        const visitor = await newPage(h, viewport);
        const res = await visitor.page.goto(url);
        expect(res?.headers()['content-type'], name).toContain('text/html');
        const canvas = visitor.page.locator('canvas').first();
        await canvas.waitFor({ timeout: 60_000 });
        await expect.poll(() => distinctColours(canvas), { timeout: 60_000 }).toBeGreaterThan(100);
        await shot(visitor.page, `${name}-${label}`);
        expect(visitor.errors).toEqual([]);
        await visitor.context.close();
      }
    }
  });

  it('account: profile and support', async () => {
    // The avatar: a square cut from the same shipped photo.
    const avatarFile = join(tempDir, 'avatar.jpg');
    await sharp(PHOTO).resize(192, 192, { fit: 'cover' }).jpeg({ quality: 85 }).toFile(avatarFile);
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await page.goto('/account');
      await expect.poll(() => page.getByLabel('Your name').inputValue()).toBe('Ada Maker');
      if (label === 'desktop') await page.getByTestId('avatar-input').setInputFiles(avatarFile);
      await expect
        .poll(() => page.getByTestId('avatar').evaluate((img: HTMLImageElement) => !img.hidden && img.complete && img.naturalWidth), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
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

  it('flat lithophane with text on its frame', async () => {
    for (const [label, viewport] of VIEWPORTS) {
      const { page, errors } = await newPage(h, viewport, context);
      await uploadPhoto(page);
      await page.locator('#choice-lithophane-flat').check();
      await page.getByLabel('Text on the frame').fill('Family 2026');
      await expect.poll(() => page.getByTestId('frame-text-note').isVisible(), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => distinctColours(page.getByTestId('preview').locator('canvas')), { timeout: 30_000 }).toBeGreaterThan(100);
      await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
      await page.locator('.preview-card').scrollIntoViewIfNeeded();
      await shot(page, `frame-text-${label}`);
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
