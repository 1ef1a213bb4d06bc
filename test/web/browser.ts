/**
 * Browser-test plumbing: the real server in-process (startServer on a free port, a temp
 * DATA_DIR, the built web/dist), Debian's Chromium driven by playwright-core, and screenshot
 * checks (a canvas is "not blank" when its pixels have many distinct colours).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { startServer } from '../../src/server.ts';
import type { RunningServer } from '../../src/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_DIST = new URL('../../web/dist/index.html', import.meta.url);
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };

export interface WebHarness {
  server: RunningServer;
  browser: Browser;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startHarness(env: Record<string, string> = {}): Promise<WebHarness> {
  if (!existsSync(WEB_DIST)) throw new Error('web/dist is missing: run `npm run build:web` first');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const dataDir = await mkdtemp(join(tmpdir(), 'web-test-'));
  // better-auth checks Origin against BASE_URL, so the port is chosen before the server starts.
  const port = await freePort();
  const server = await startServer({
    PORT: String(port),
    BASE_URL: `http://localhost:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    AUTH_RATE_LIMIT: 'off',
    POOL_SIZE: '1',
    SIGNUP_GRANT_CREDITS: '50',
    RATE_LIMIT_JOBS_PER_MINUTE: '1000',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '1000',
    RATE_LIMIT_API_PER_IP_PER_MINUTE: '10000',
    ...env,
  });
  const browser = await launchChromium();
  return {
    server,
    browser,
    url: `http://localhost:${port}`,
    dataDir,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function newPage(
  h: WebHarness,
  viewport: { width: number; height: number },
  context?: BrowserContext,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const ctx =
    context ??
    (await h.browser.newContext({ viewport, baseURL: h.url, acceptDownloads: true, colorScheme: 'light', reducedMotion: 'reduce' }));
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // CSP violations and uncaught errors show up here.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { context: ctx, page, errors };
}

/** Distinct RGB colours in the element's screenshot: a blank or single-colour canvas has a handful. */
export async function distinctColours(locator: Locator): Promise<number> {
  const png = await locator.screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  for (let i = 0; i < info.width * info.height * 3; i += 3) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}

/**
 * A page screenshot: checked, and saved into docs/screenshots when UPDATE_SCREENSHOTS=1
 * (palette PNG, so each stays well under 300 KB), else into a temp folder. `docs: false`: always
 * the temp folder (a name another test makes for the docs).
 */
export async function saveScreenshot(page: Page, name: string, options: { docs?: boolean } = {}): Promise<{ path: string; bytes: number }> {
  const dir =
    process.env.UPDATE_SCREENSHOTS === '1' && options.docs !== false
      ? new URL('../../docs/screenshots/', import.meta.url).pathname
      : join(tmpdir(), 'web-screenshots');
  await mkdir(dir, { recursive: true });
  const raw = await page.screenshot({ fullPage: false });
  let png = await sharp(raw).png({ palette: true, quality: 90, effort: 8, compressionLevel: 9 }).toBuffer();
  if (png.byteLength > 290_000)
    png = await sharp(raw).png({ palette: true, quality: 60, colours: 128, effort: 10, compressionLevel: 9 }).toBuffer();
  const path = join(dir, `${name}.png`);
  await writeFile(path, png);
  return { path, bytes: png.byteLength };
}

/** Every visible form control has an accessible name (label, aria-label or aria-labelledby). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button'))) {
      if (el.getAttribute('aria-hidden') === 'true' || (el as HTMLInputElement).type === 'hidden') continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const labelled =
        (el as HTMLInputElement).labels?.length ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        (el.tagName === 'BUTTON' && el.textContent?.trim());
      if (!labelled) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
  });
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs (no background
 *  networking) and software WebGL. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

/** Signs up a new account through the form and waits for the create page (the set-up most suites share). */
export async function signUp(page: Page, name: string, emailPrefix: string): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(`${emailPrefix}-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/create/);
}
