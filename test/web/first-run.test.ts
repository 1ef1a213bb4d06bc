/**
 * Issue 15, a maker's first run, in Chromium against the real server:
 * 1. Without BASE_URL the server is whatever address it was reached at: sign-up works from
 *    http://127.0.0.1:PORT and from a second address (127.0.0.2, another loopback alias; every
 *    127/8 address reaches a server listening on all interfaces). With BASE_URL pinned, another
 *    address is refused with a message that says what to set.
 * 5. "Share" on the job page makes a share and shows the embed code; its link opened in a browser is
 *    a page showing the model (the widget), while API clients get JSON.
 * 9. History shows a thumbnail, the photo's name and when the files go; the ledger says the job was
 *    charged; downloads are named after the photo; the report speaks a maker's words.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.ts';
import type { RunningServer } from '../../src/server.ts';
import { DESKTOP, distinctColours, freePort, newPage, startHarness } from './browser.ts';
import type { WebHarness } from './browser.ts';

const PHOTO = new URL('../../fixtures/photo.jpg', import.meta.url).pathname;
const PASSWORD = 'correct horse battery';

let h: WebHarness;
let loopback: string;
let second: string;
let context: BrowserContext;
let jobPath = '';
let shareUrl = '';

beforeAll(async () => {
  // BASE_URL empty = not set: the operator pinned nothing.
  h = await startHarness({ BASE_URL: '' });
  loopback = `http://127.0.0.1:${h.server.address.port}`;
  second = `http://127.0.0.2:${h.server.address.port}`;
});

afterAll(async () => {
  await h?.close();
});

async function signUpAt(origin: string, email: string): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const ctx = await h.browser.newContext({ viewport: DESKTOP, baseURL: origin, acceptDownloads: true, reducedMotion: 'reduce' });
  const opened = await newPage(h, DESKTOP, ctx);
  await opened.page.goto('/sign-up');
  await opened.page.getByLabel('Name').fill('Ada Maker');
  await opened.page.getByLabel('Email').fill(email);
  await opened.page.getByLabel('Password').fill(PASSWORD);
  await opened.page.getByRole('button', { name: 'Create account' }).click();
  return opened;
}

describe('self-hosting at any address (issue 15, item 1)', () => {
  it('signs up from 127.0.0.1 and from a second address of the same machine', async () => {
    const first = await signUpAt(loopback, `loopback-${Date.now()}@example.com`);
    await first.page.waitForURL(`${loopback}/create`);
    expect(first.errors).toEqual([]);
    await first.context.close();

    const other = await signUpAt(second, `second-${Date.now()}@example.com`);
    await other.page.waitForURL(`${second}/create`);
    expect(other.errors).toEqual([]);
    context = other.context;
  });

  it('with BASE_URL pinned, another address is refused and the form says what to set', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'web-pinned-'));
    const port = await freePort();
    let pinned: RunningServer | undefined;
    try {
      pinned = await startServer({
        PORT: String(port),
        BASE_URL: `http://localhost:${port}`,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        AUTH_RATE_LIMIT: 'off',
        POOL_SIZE: '1',
      });
      const { page, context: ctx } = await signUpAt(`http://127.0.0.1:${port}`, 'pinned@example.com');
      const alert = page.locator('.error[role=alert]:not([hidden])').first();
      await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('BASE_URL');
      const message = (await alert.textContent()) ?? '';
      expect(message).toContain(`http://127.0.0.1:${port}`);
      expect(message).toContain('TRUSTED_ORIGINS');
      expect(page.url()).toContain('/sign-up');
      await ctx.close();
    } finally {
      await pinned?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a lithophane made at the second address (issue 15, items 5 and 9)', () => {
  it('makes a job and downloads it under the photo name, with a report in plain words', async () => {
    const { page, errors } = await newPage(h, DESKTOP, context);
    await page.goto('/create');
    await page.getByTestId('file-input').setInputFiles(PHOTO);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain('Uploaded photo.jpg');
    await page.getByRole('spinbutton', { name: 'Width (mm)', exact: true }).fill('40');
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/1 credit/);
    await page.getByRole('button', { name: /Make it/ }).click();
    await page.waitForURL(/\/jobs\/job_/);
    jobPath = new URL(page.url()).pathname;
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model.stl').click()]);
    expect(download.suggestedFilename()).toBe('photo-lithophane.stl');
    const report = (await page.locator('#report-heading + dl').textContent()) ?? '';
    expect(report).toContain('Closed, watertight solid');
    expect(report).not.toMatch(/manifold|genus/i);
    expect(errors).toEqual([]);
  });

  it('shares the model from the job page: embed code on this address, and a link that opens a page showing the model', async () => {
    const { page, errors } = await newPage(h, DESKTOP, context);
    await page.goto(jobPath);
    await page.getByRole('button', { name: 'Share this model' }).click();
    const snippet = await page.getByTestId('share-snippet').inputValue();
    expect(snippet).toContain(`<script type="module" src="${second}/widget.js"></script>`);
    expect(snippet).toMatch(new RegExp(`<stl-viewer src="${second.replace(/\./g, '\\.')}/s/[A-Za-z0-9_-]{22}"></stl-viewer>`));
    expect(await page.getByTestId('share-iframe').inputValue()).toContain(`${second}/embed/`);
    shareUrl = (await page.getByTestId('share-url').getAttribute('href'))!;
    expect(shareUrl.startsWith(`${second}/s/`)).toBe(true);
    // Reloaded, the page shows the same share rather than offering a new one.
    await page.reload();
    expect(await page.getByTestId('share-url').getAttribute('href')).toBe(shareUrl);

    // Opened by someone else (no session): a page with the model in the widget, not raw JSON.
    const visitor = await h.browser.newContext({ viewport: DESKTOP });
    const view = await visitor.newPage();
    const viewErrors: string[] = [];
    view.on('pageerror', (e) => viewErrors.push(e.message));
    const res = await view.goto(shareUrl);
    expect(res?.headers()['content-type']).toContain('text/html');
    expect(await view.locator('h1').textContent()).toBe('photo');
    const canvas = view.locator('stl-viewer canvas');
    await canvas.waitFor({ timeout: 60_000 });
    await expect.poll(() => distinctColours(canvas), { timeout: 60_000 }).toBeGreaterThan(100);
    expect(viewErrors).toEqual([]);
    await visitor.close();

    // An API client still gets the JSON the widget reads.
    const api = await fetch(shareUrl, { headers: { accept: 'application/json' } });
    expect(((await api.json()) as { name: string }).name).toBe('photo');
    expect(errors).toEqual([]);
  });

  it('history shows a thumbnail, the photo name and when the files go; the ledger says the job was charged', async () => {
    const { page, errors } = await newPage(h, DESKTOP, context);
    await page.goto('/history');
    await page.getByTestId('job-list').waitFor();
    expect(await page.locator('.lede').first().textContent()).not.toContain('until you delete');
    const thumb = page.getByTestId('job-thumb').first();
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('job-file').first().textContent()).toBe('photo.jpg');
    expect(await page.getByTestId('job-retention').first().textContent()).toMatch(/^Files kept until /);

    await page.getByRole('link', { name: 'Credits', exact: true }).click();
    const entries = page.getByTestId('entries');
    await entries.waitFor();
    await expect.poll(() => entries.textContent()).toContain('Lithophane job · charged');
    expect(await entries.textContent()).not.toContain('held');
    expect(errors).toEqual([]);
  });
});
