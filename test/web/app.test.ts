/**
 * The web app end to end, in Chromium against the real server: sign up, upload a photo, a
 * lithophane with a live preview and a priced dry run, progress from the SSE stream, the result
 * viewer, the STL download; then history, credits and account; screenshots at phone and desktop
 * widths with a non-blank 3D canvas.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DESKTOP, distinctColours, newPage, PHONE, saveScreenshot, startHarness, unlabelledControls } from './browser.ts';
import type { WebHarness } from './browser.ts';

const PHOTO = new URL('../../fixtures/photo.jpg', import.meta.url).pathname;
const EMAIL = `maker-${Date.now()}@example.com`;
const PASSWORD = 'correct horse battery';

let h: WebHarness;
let context: BrowserContext;
let jobPath = '';

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Made from a shipped photo by screenshots.test.ts (npm run screenshots); here only checked. */
const MADE_BY_SCREENSHOTS = new Set(['result-desktop', 'result-phone', 'history-desktop', 'history-phone', 'create-keychain-phone']);

async function screenshot(page: Page, name: string) {
  const shot = await saveScreenshot(page, name, { docs: !MADE_BY_SCREENSHOTS.has(name) });
  expect(shot.bytes, `${name}.png size`).toBeLessThan(300_000);
}

describe('web app', () => {
  it('serves the app at / with a fallback for app routes, and never shadows the API', async () => {
    const index = await fetch(`${h.url}/history?x=1`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const html = await index.text();
    expect(html).toContain('<main id="main"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(html).not.toMatch(/\sstyle=/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(h.url + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${h.url}/api/v1/not-a-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${h.url}/healthz`)).headers.get('content-type')).toContain('json');
    expect((await fetch(`${h.url}/missing-file.png`)).status).toBe(404);
  });

  it('signs up, makes a lithophane from a photo with a live preview, follows progress and downloads a binary STL', async () => {
    const { page, errors, context: ctx } = await newPage(h, DESKTOP);
    context = ctx;
    // The landing page is open to anyone; its nav leads to sign-in.
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/sign-in/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'sign-in-desktop');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/sign-up/);
    await page.getByLabel('Name').fill('Ada Maker');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'sign-up-desktop');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/create/);

    // Upload: the file input behind the drop zone.
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 20_000 }).toContain('Uploaded photo.jpg');
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/1 credit · you have 50/);
    const canvas = page.locator('[data-testid=preview] canvas');
    await canvas.waitFor();
    await expect.poll(() => distinctColours(canvas), { timeout: 20_000 }).toBeGreaterThan(200);
    const dimsBefore = await page.locator('.dims').first().textContent();
    expect(dimsBefore).toMatch(/100 mm × 75 mm × [23]\.\d mm/);

    // Live: a smaller print (and a faster job) changes the preview's size at once.
    await page.getByRole('spinbutton', { name: 'Width (mm)', exact: true }).fill('40');
    await expect.poll(() => page.locator('.dims').first().textContent()).toMatch(/40 mm × 30 mm/);
    // The live backlit view of the plate.
    await page.getByRole('button', { name: 'Backlit', exact: true }).click();
    await expect.poll(() => distinctColours(page.getByTestId('backlit-preview')), { timeout: 10_000 }).toBeGreaterThan(50);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'create-backlit-desktop');
    await page.getByRole('button', { name: '3D', exact: true }).click();
    // An arc wraps the picture: the preview becomes a standing curve, deeper than a flat plate.
    await page.getByLabel(/Arc lithophane/).check();
    await expect.poll(() => page.locator('.dims').first().textContent()).toMatch(/× 30 mm \(width/);
    await page.getByLabel(/Flat lithophane/).check();
    await expect.poll(() => page.locator('.dims').first().textContent()).toMatch(/40 mm × 30 mm × [23]\.\d mm/);
    await expect.poll(() => page.getByTestId('cost').textContent()).toMatch(/1 credit/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'create-desktop');

    await page.getByRole('button', { name: /Make it \(1 credit\)/ }).click();
    await page.waitForURL(/\/jobs\/job_/);
    jobPath = new URL(page.url()).pathname;
    // Progress from the SSE stream (the job may already be further along on a fast machine).
    const progressOrDone = page.locator('[data-testid=progress], [data-testid=result-viewer]');
    await progressOrDone.first().waitFor({ timeout: 30_000 });
    if (
      await page
        .getByTestId('progress')
        .isVisible()
        .catch(() => false)
    ) {
      await expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
      await screenshot(page, 'progress-desktop');
    }
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');
    const viewer = page.getByTestId('result-viewer');
    await page.locator('[data-testid=result-viewer][data-loaded=true]').waitFor({ timeout: 30_000 });
    await expect.poll(() => distinctColours(viewer.locator('canvas')), { timeout: 20_000 }).toBeGreaterThan(200);
    expect(await page.getByTestId('dims').textContent()).toMatch(/40 mm × 30 mm/);
    await expect(page.getByRole('tab', { name: 'Backlit' }).count()).resolves.toBe(1);
    await screenshot(page, 'result-desktop');
    await page.getByRole('tab', { name: 'Backlit' }).click();
    await page.locator('#panel-backlit img').evaluate((img: HTMLImageElement) => img.decode());
    await screenshot(page, 'result-backlit-desktop');
    await page.getByRole('tab', { name: '3D model' }).click();

    // Every format asked for is offered; the STL is binary STL: 84 + 50 n bytes.
    for (const name of ['model.stl', 'model.3mf', 'model.glb', 'report.json', 'backlit.png'])
      await page.getByTestId(`download-${name}`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model.stl').click()]);
    const stl = await readFile((await download.path())!);
    const triangles = stl.readUInt32LE(80);
    expect(triangles).toBeGreaterThan(100);
    expect(stl.byteLength).toBe(84 + 50 * triangles);

    // A signed link works without the session.
    await page.getByRole('button', { name: 'Get a temporary link to model.stl' }).click();
    const link = await page.getByLabel('Signed link to model.stl').inputValue();
    const viaLink = await fetch(link);
    expect(viaLink.status).toBe(200);
    expect((await viaLink.arrayBuffer()).byteLength).toBe(stl.byteLength);
    expect(errors).toEqual([]);
  });

  it('lists the job in the history, shows credits and billing without payments configured, and manages API keys', async () => {
    const { page, errors } = await newPage(h, DESKTOP, context);
    await page.goto('/history');
    await page.getByTestId('job-list').waitFor();
    expect(await page.getByTestId('job-list').locator('li').count()).toBe(1);
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('.empty').textContent()).toContain('No jobs match');
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByTestId('job-list').waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'history-desktop');

    await page.getByRole('link', { name: 'Credits', exact: true }).click();
    await expect.poll(() => page.getByTestId('balance').textContent()).toContain('49');
    expect(await page.getByTestId('entries').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: /billing portal/ }).click();
    await expect
      .poll(() => page.locator('.error[role=alert]:not([hidden])').first().textContent())
      .toMatch(/not configured|nothing to manage/i);
    await screenshot(page, 'credits-desktop');

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Name for a new key').fill('printer script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key').inputValue();
    expect(key.length).toBeGreaterThan(20);
    const withKey = await fetch(`${h.url}/api/v1/credits`, { headers: { 'x-api-key': key } });
    expect(withKey.status).toBe(200);
    await expect.poll(() => page.getByTestId('key-list').textContent()).toContain('printer script');
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'account-desktop');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke the key printer script' }).click();
    await expect.poll(() => page.getByTestId('key-list').textContent()).toContain('No API keys');
    expect((await fetch(`${h.url}/api/v1/credits`, { headers: { 'x-api-key': key } })).status).toBe(401);

    // Export my data: a zip download.
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export my data' }).click()]);
    const zip = await readFile((await exported.path())!);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    // The delete dialog: nothing happens without the password; Escape or "Keep" closes it.
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete my account' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Your password').fill('not my password');
    await confirm.click();
    // Checking a password (scrypt) takes seconds on a loaded machine: more than poll's default second.
    await expect.poll(() => dialog.locator('.error').textContent(), { timeout: 20_000 }).toMatch(/not deleted: the password is not right/);
    await screenshot(page, 'account-delete-desktop');
    await dialog.getByRole('button', { name: 'Keep my account' }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect(errors.filter((e) => !/\b403\b/.test(e))).toEqual([]);
  });

  it('fits a phone: every page at 390 px without sideways scrolling, with the 3D views drawn', async () => {
    const { page, errors } = await newPage(h, PHONE, context);
    const pages: Array<[string, string, () => Promise<unknown>]> = [
      ['create', '/create', () => page.locator('.dropzone').waitFor()],
      ['result', jobPath, () => page.locator('[data-testid=result-viewer][data-loaded=true]').waitFor({ timeout: 30_000 })],
      ['history', '/history', () => page.getByTestId('job-list').waitFor()],
      ['credits', '/credits', () => page.getByTestId('balance').waitFor()],
      ['account', '/account', () => page.getByTestId('key-list').waitFor()],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(path);
      await ready();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
      if (name === 'result')
        await expect
          .poll(() => distinctColours(page.locator('[data-testid=result-viewer] canvas')), { timeout: 20_000 })
          .toBeGreaterThan(200);
      await screenshot(page, `${name}-phone`);
    }
    await page.goto('/create');
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/credit/);
    await expect.poll(() => distinctColours(page.locator('[data-testid=preview] canvas')), { timeout: 20_000 }).toBeGreaterThan(200);
    // Every kind of result previews from the same picture.
    const preview = page.locator('[data-testid=preview] canvas');
    for (const kind of [/Cylinder lithophane/, /Relief/, /Cookie cutter/, /Keychain/]) {
      await page.getByLabel(kind).check();
      await expect.poll(() => page.getByTestId('cost').textContent()).toMatch(/credits? ·/);
      await expect.poll(() => distinctColours(preview), { timeout: 10_000 }).toBeGreaterThan(100);
    }
    await page.locator('.preview-card').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -60));
    await screenshot(page, 'create-keychain-phone');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await screenshot(page, 'sign-in-phone');
    expect(errors).toEqual([]);
  });

  it('repairs an uploaded STL with holes: mesh preview, cost, result with the before/after report', async () => {
    const { page, errors } = await newPage(h, DESKTOP, context);
    // The phone test signed out: sign in again, and land where we were going (history needs an
    // account; the create page does not, it asks for one only to make the file).
    await page.goto('/history');
    await page.waitForURL(/\/sign-in\?next=%2Fhistory/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.error[role=alert]').first().textContent(), { timeout: 20_000 }).toMatch(/invalid/i);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/history$/);
    await page.goto('/create');
    // A 20 mm cube with its top face missing, as binary STL.
    const v = (x: number, y: number, z: number) => [x * 20, y * 20, z * 20];
    const quads = [
      [v(0, 0, 0), v(0, 1, 0), v(1, 1, 0), v(1, 0, 0)],
      [v(0, 0, 0), v(1, 0, 0), v(1, 0, 1), v(0, 0, 1)],
      [v(1, 0, 0), v(1, 1, 0), v(1, 1, 1), v(1, 0, 1)],
      [v(1, 1, 0), v(0, 1, 0), v(0, 1, 1), v(1, 1, 1)],
      [v(0, 1, 0), v(0, 0, 0), v(0, 0, 1), v(0, 1, 1)],
    ];
    const tris = quads.flatMap(([a, b, c, d]) => [
      [a, b, c],
      [a, c, d],
    ]);
    const stl = Buffer.alloc(84 + 50 * tris.length);
    stl.writeUInt32LE(tris.length, 80);
    tris.forEach((t, i) => t.flat().forEach((n, j) => stl.writeFloatLE(n, 84 + 50 * i + 12 + 4 * j)));
    await page.getByTestId('file-input').setInputFiles({ name: 'open-box.stl', mimeType: 'model/stl', buffer: stl });
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 20_000 }).toContain('Uploaded open-box.stl');
    expect(await page.getByLabel(/Repair a 3D file/).isChecked()).toBe(true);
    expect(await page.getByLabel(/Flat lithophane/).isDisabled()).toBe(true);
    await expect.poll(() => page.locator('.dims').first().textContent(), { timeout: 10_000 }).toMatch(/20\.0 × 20\.0 × 20\.0/);
    await expect.poll(() => distinctColours(page.locator('[data-testid=preview] canvas')), { timeout: 10_000 }).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 20_000 }).toMatch(/1 credit ·/);
    await page.getByRole('button', { name: /Make it/ }).click();
    await page.waitForURL(/\/jobs\/job_/);
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 120_000 }).toBe('succeeded');
    await page.locator('[data-testid=result-viewer][data-loaded=true]').waitFor({ timeout: 30_000 });
    const report = await page.locator('#report-heading + dl').textContent();
    expect(report).toContain('Closed, watertight solidYes');
    expect(report).toMatch(/before → after/);
    expect(await page.getByTestId('dims').textContent()).toMatch(/20 mm × 20 mm × 20 mm/);
    await screenshot(page, 'result-repair-desktop');
    expect(errors).toEqual([]);
  });

  it('deletes the account after the password, and the session with it', async () => {
    const { page } = await newPage(h, DESKTOP, context);
    await page.goto('/account');
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    await page.getByRole('dialog').getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('dialog').getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(/\/sign-up\?deleted=1/);
    await expect.poll(() => page.locator('.notice[role=status]').textContent()).toContain('were deleted');
    await page.goto('/history');
    await page.waitForURL(/\/sign-in/);
    const signIn = await fetch(`${h.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: h.url },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(signIn.status).toBe(401);
  });
});
