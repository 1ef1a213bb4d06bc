/**
 * Issue 15 (makerweb), items 1 and 2, in Chromium against the real server:
 * 1. A landing page with real examples made by the pipeline, and a create page that works without
 *    an account up to the in-browser preview (nothing is uploaded); an account is asked for to make it.
 * 2. Crop, turn and straighten in the browser: the edited picture is what is uploaded (its pixel
 *    size says so), with aspect presets from the shape.
 * 3. A picture by its address: fetched by the server from a loopback fake (allowed for 127.0.0.1
 *    only, by IMAGE_URL_TEST_HOSTS), previewed and croppable; a private address is refused.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, distinctColours, newPage, PHONE, startHarness, unlabelledControls } from './browser.ts';
import type { WebHarness } from './browser.ts';
import { serveLoopback } from '../helpers/loopback.ts';
import type { Loopback } from '../helpers/loopback.ts';

const PHOTO = new URL('../../fixtures/photo.jpg', import.meta.url).pathname; // 480 x 360
const PASSWORD = 'correct horse battery';

let h: WebHarness;
let remote: Loopback;

beforeAll(async () => {
  h = await startHarness({ IMAGE_URL_TEST_HOSTS: '127.0.0.1' });
  const photo = await readFile(PHOTO);
  remote = await serveLoopback((req) =>
    new URL(req.url).pathname === '/pictures/photo.jpg'
      ? new Response(photo, { headers: { 'content-type': 'image/jpeg' } })
      : new Response('no', { status: 404 }),
  );
});
afterAll(async () => {
  await remote?.close();
  await h?.close();
});

/** The pixel size the server measured on the last upload, from the status line. */
async function uploadedPixels(page: Page): Promise<string> {
  const text = (await page.locator('.upload-status').textContent()) ?? '';
  return /Uploaded .*?(\d+ × \d+) px/.exec(text)?.[1] ?? text;
}

/** The side of the last upload when it is square, else NaN (still uploading, or not square). */
async function squareSide(page: Page): Promise<number> {
  const m = /^(\d+) × (\d+)$/.exec(await uploadedPixels(page));
  return m && m[1] === m[2] ? Number(m[1]) : Number.NaN;
}

describe('try before signing up (issue 15, makerweb item 1)', () => {
  it('shows a landing page with real examples, at phone and desktop width', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, errors, context } = await newPage(h, viewport);
      await page.goto('/');
      expect(page.url()).toBe(`${h.url}/`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Photos into prints that work first time');
      const examples = page.getByTestId('examples').locator('li');
      expect(await examples.count()).toBeGreaterThanOrEqual(4);
      // Every example picture loads (photo, render, backlit view).
      const images = page.getByTestId('examples').locator('img');
      for (let i = 0; i < (await images.count()); i++) {
        const img = images.nth(i);
        await img.scrollIntoViewIfNeeded();
        await expect
          .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 20_000 })
          .toBeGreaterThan(0);
      }
      expect(await page.locator('.licence').textContent()).toContain('MIT');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await unlabelledControls(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('opens an example in the create page signed out: a live preview, nothing uploaded, an account asked for to make it', async () => {
    const { page, errors, context } = await newPage(h, DESKTOP);
    const uploads: string[] = [];
    page.on('request', (r) => r.url().includes('/api/v1/uploads') && uploads.push(r.url()));
    await page.goto('/');
    await page.getByTestId('example-cylinder').getByRole('link', { name: 'Try this photo' }).click();
    await page.waitForURL(/\/create\?mode=lithophane-cylinder&example=cylinder/);
    expect(await page.getByLabel(/Cylinder lithophane/).isChecked()).toBe(true);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 20_000 }).toContain('Previewing cylinder-example.jpg');
    const preview = page.getByTestId('preview').locator('canvas');
    await expect.poll(() => distinctColours(preview), { timeout: 30_000 }).toBeGreaterThan(100);
    // The lamp's aspect is offered for the crop.
    expect(await page.getByTestId('crop-aspect').locator('option').allTextContents()).toContain('Lamp, as tall as it is wide (π:1)');
    expect(await page.getByTestId('cost').textContent()).toContain('Create an account');
    expect(await page.getByRole('button', { name: /Make it/ }).isDisabled()).toBe(true);
    expect(uploads).toEqual([]);

    // Their own photo works the same way, still without an upload.
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 20_000 }).toContain('Previewing photo.jpg');
    expect(uploads).toEqual([]);
    await page.getByTestId('sign-up-to-make').click();
    await page.waitForURL(/\/sign-up\?next=%2Fcreate/);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('crop, turn and straighten before meshing (issue 15, makerweb item 2)', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors, context } = await newPage(h, DESKTOP));
    await page.goto('/sign-up');
    await page.getByLabel('Name').fill('Crop Maker');
    await page.getByLabel('Email').fill(`crop-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/create/);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('uploads the turned, square-cropped and straightened picture, and the preview follows', async () => {
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => uploadedPixels(page), { timeout: 30_000 }).toBe('480 × 360');
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/credits? ·/);
    const dims = page.locator('.dims');
    const sizeOf = async () => ((await dims.getAttribute('data-size-mm')) ?? '').split(',').map(Number);
    await expect.poll(async () => (await sizeOf()).length, { timeout: 20_000 }).toBe(3);
    const before = await sizeOf();

    // A quarter turn: the upload is 360 wide, 480 tall; the plate turns with it.
    await page.getByRole('button', { name: 'Turn right 90°' }).click();
    await expect.poll(() => uploadedPixels(page), { timeout: 30_000 }).toBe('360 × 480');
    await expect.poll(async () => (await sizeOf()).join(), { timeout: 20_000 }).not.toBe(before.join());

    // Square: the largest 1:1 crop of the turned picture.
    await page.getByTestId('crop-aspect').selectOption({ label: 'Square 1:1' });
    await expect.poll(() => uploadedPixels(page), { timeout: 30_000 }).toBe('360 × 360');

    // Straightened by 5°: still square, smaller (no empty corner is kept).
    await page.getByTestId('crop-straighten').fill('5');
    await expect.poll(() => squareSide(page), { timeout: 30_000 }).toBeLessThan(360);
    const side = await squareSide(page);
    expect(side).toBeGreaterThan(280);

    // A crop dragged on the picture keeps the aspect and is what goes up.
    await page.getByTestId('crop-straighten').fill('0');
    await expect.poll(() => uploadedPixels(page), { timeout: 30_000 }).toBe('360 × 360');
    await page.getByTestId('crop-canvas').scrollIntoViewIfNeeded();
    const box = (await page.getByTestId('crop-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => squareSide(page), { timeout: 30_000 }).toBeLessThan(220);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/credits? ·/);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('takes a picture by its address: fetched by the server, previewed, and a private address refused', async () => {
    await page.getByTestId('crop-aspect').selectOption({ label: 'Free' });
    const url = page.getByTestId('image-url');
    await url.fill('http://10.1.2.3/photo.jpg');
    await page.getByRole('button', { name: 'Fetch', exact: true }).click();
    await expect.poll(() => page.locator('.image-url .error').textContent(), { timeout: 20_000 }).toMatch(/private or local network/);

    await url.fill(`${remote.url}/pictures/photo.jpg`);
    await page.getByRole('button', { name: 'Fetch', exact: true }).click();
    await expect.poll(() => uploadedPixels(page), { timeout: 30_000 }).toBe('480 × 360');
    expect(await page.locator('.upload-status').textContent()).toContain('Uploaded photo.jpg');
    expect(await page.locator('.image-url .error').isHidden()).toBe(true);
    await expect.poll(() => distinctColours(page.getByTestId('preview').locator('canvas')), { timeout: 30_000 }).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/credits? ·/);
    // The fetched picture can be cropped like a dropped one.
    await page.getByRole('button', { name: 'Turn left 90°' }).click();
    await expect.poll(() => uploadedPixels(page), { timeout: 30_000 }).toBe('360 × 480');
    expect(errors).toEqual([]);
  });
});
