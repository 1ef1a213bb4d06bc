/**
 * Issue 15 ("What a new user hit"), the items first fixed below the web (CLI, pipeline, API), each
 * through its web face in Chromium against the real server and worker pool:
 *  2. An 18,534-byte PNG logo (84 + 50 × 369 bytes, the size a binary-STL sniff takes for an STL)
 *     is a picture: the logo and keychain choices are offered and a logo job succeeds.
 *  3. A keychain with the preset's defaults is one piece and its report says so; the create page
 *     warns as soon as a setting (no base plate) makes loose pieces.
 *  8. The result offers STL, 3MF and GLB and each downloads with its type; the large-file upload
 *     answers in the shape of the normal one; signed-out and sign-in errors share the API's shape.
 * 10. A negative width is refused at its field (no request); a relief offers no backlit view; the
 *     job page's progress bar only moves forward and shows 100% only once the job succeeded.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, newPage, startHarness } from './browser.ts';
import type { WebHarness } from './browser.ts';

const LOGO = new URL('../../fixtures/logo-holes.png', import.meta.url).pathname; // "O", "B" and "8": three letters that do not touch
// A real photo the project ships (web/app/examples/LICENSE: MIT).
const PHOTO = new URL('../../web/app/examples/flat-photo.jpg', import.meta.url).pathname;
const STL_SIZED = 18_534;

let h: WebHarness;
let page: Page;
let errors: string[];
let dir: string;
let sizedLogo: string;
let keychainJob = '';

/**
 * The logo with a tEXt chunk after IHDR (an ancillary chunk every decoder skips) so the file is
 * exactly `size` bytes: still the same picture, now also the length a binary STL of 369 facets has.
 */
function padPng(png: Buffer, size: number): Buffer {
  const afterIhdr = 8 + 12 + 13;
  const length = size - png.length - 12;
  const keyword = Buffer.from('Comment\0', 'latin1');
  const data = Buffer.concat([keyword, Buffer.alloc(length - keyword.length, 0x20)]);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(length, 0);
  head.write('tEXt', 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([png.subarray(0, afterIhdr), head, data, crc, png.subarray(afterIhdr)]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'new-user-items-'));
  sizedLogo = join(dir, 'logo-18534.png');
  await writeFile(sizedLogo, padPng(await readFile(LOGO), STL_SIZED));
  h = await startHarness();
  ({ page, errors } = await newPage(h, DESKTOP));
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('New User');
  await page.getByLabel('Email').fill(`new-user-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/create/);
});

afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function upload(path: string, name: string): Promise<void> {
  await page.goto('/create');
  await page.getByTestId('file-input').setInputFiles(path);
  await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toContain(`Uploaded ${name}`);
}

/** Clicks "Make it" once priced and waits on the job page until the job succeeded; returns its path. */
async function makeIt(): Promise<string> {
  await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);
  await page.getByRole('button', { name: /Make it \(/ }).click();
  await page.waitForURL(/\/jobs\/job_/);
  await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');
  return new URL(page.url()).pathname;
}

/** The report card's rows as label → value. */
async function reportRows(): Promise<Record<string, string>> {
  return page.locator('#report-heading ~ dl.report').evaluate((dl) => {
    const rows: Record<string, string> = {};
    for (const dt of Array.from(dl.querySelectorAll('dt'))) rows[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    return rows;
  });
}

describe('issue 15 in the browser: the items fixed in the CLI, pipeline and API', () => {
  it('issue 15 item 2: an 18,534-byte PNG logo is a picture; the logo choices work and the job succeeds', async () => {
    const bytes = await readFile(sizedLogo);
    expect(bytes.byteLength).toBe(STL_SIZED);
    expect((bytes.byteLength - 84) % 50).toBe(0);
    expect((await sharp(bytes).metadata()).format).toBe('png');

    await upload(sizedLogo, 'logo-18534.png');
    const { width, height } = await sharp(bytes).metadata();
    expect(await page.locator('.upload-status').textContent()).toContain(`${width} × ${height} px`);
    for (const choice of ['extrude', 'keychain', 'cookie-cutter', 'relief', 'lithophane-flat'])
      expect(await page.locator(`#choice-${choice}`).isEnabled(), `${choice} offered`).toBe(true);
    for (const meshOnly of ['repair', 'convert'])
      expect(await page.locator(`#choice-${meshOnly}`).isDisabled(), `${meshOnly} not offered`).toBe(true);

    await page.locator('#choice-extrude').check();
    await page.getByRole('spinbutton', { name: 'Width (mm)', exact: true }).fill('60');
    await expect.poll(() => page.locator('.dims').first().textContent(), { timeout: 20_000 }).toMatch(/60(\.0)? mm × .*piece/);
    await makeIt();
    expect(await page.locator('h1').first().textContent()).toContain('Logo extrusion');
    const rows = await reportRows();
    expect(rows['Closed, watertight solid']).toBe('Yes');
    expect(rows.Size).toMatch(/^60(\.0)? mm/);
    expect(errors).toEqual([]);
  });

  it('issue 15 item 3: a keychain with the preset defaults is one piece; loose pieces are warned about before making', async () => {
    await upload(LOGO, 'logo-holes.png');
    await page.locator('#choice-keychain').check();
    const plate = page.getByRole('spinbutton', { name: 'Base plate (mm)', exact: true });
    expect(Number(await plate.inputValue())).toBeGreaterThan(0);
    const dims = page.locator('.dims').first();
    const warning = page.getByTestId('pieces-warning');
    await expect.poll(() => dims.getAttribute('data-parts'), { timeout: 20_000 }).toBe('1');
    expect(await warning.isHidden()).toBe(true);

    // The keychain: no plate, so the three letters and the ring are loose pieces.
    await plate.fill('0');
    await expect.poll(() => dims.getAttribute('data-parts'), { timeout: 20_000 }).toBe('3');
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toMatch(/3 separate pieces.*base plate/i);
    await plate.fill('1.2');
    await expect.poll(() => warning.isHidden(), { timeout: 20_000 }).toBe(true);

    keychainJob = await makeIt();
    const rows = await reportRows();
    expect(rows['Separate pieces']).toBe('1');
    expect(rows['Closed, watertight solid']).toBe('Yes');
    expect(await page.locator('#report-heading ~ ul.warnings').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('issue 15 item 8: STL, 3MF and GLB download with their types; both upload paths answer alike; errors in one shape', async () => {
    expect(keychainJob, 'the item 3 job').not.toBe('');
    await page.goto(keychainJob);
    await page.getByTestId('download-model.stl').waitFor();
    const expected: Array<[string, string, (b: Buffer) => boolean]> = [
      ['model.stl', 'model/stl', (b) => b.byteLength === 84 + 50 * b.readUInt32LE(80)],
      ['model.3mf', 'model/3mf', (b) => b.subarray(0, 4).toString('latin1') === 'PK\x03\x04'],
      ['model.glb', 'model/gltf-binary', (b) => b.subarray(0, 4).toString('latin1') === 'glTF'],
    ];
    for (const [name, type, valid] of expected) {
      const link = page.getByTestId(`download-${name}`);
      expect(await link.isVisible(), `${name} offered`).toBe(true);
      const res = await page.request.get((await link.getAttribute('href'))!);
      expect(res.status(), name).toBe(200);
      expect(res.headers()['content-type'], name).toContain(type);
      expect(valid(await res.body()), `${name} is what it says`).toBe(true);
    }

    // The normal upload (what the create page sends) and the large-file path (signed PUT, then complete).
    const logo = (await readFile(LOGO)).toString('base64');
    const answers = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('file', new File([bytes], 'logo.png', { type: 'image/png' }));
      const normal = await (await fetch('/api/v1/uploads', { method: 'POST', body: form })).json();
      const started = await (
        await fetch('/api/v1/uploads/url', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filename: 'logo.png', byteSize: bytes.byteLength }),
        })
      ).json();
      const put = await fetch(started.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
      const done = await (await fetch(`/api/v1/uploads/${started.id}/complete`, { method: 'POST' })).json();
      return { normal, started, putStatus: put.status, done };
    }, logo);
    expect(answers.putStatus).toBe(204);
    expect(answers.normal.id).toMatch(/^upl_/);
    expect(answers.started.id).toBe(answers.done.id);
    expect(Object.keys(answers.done).sort()).toEqual(Object.keys(answers.normal).sort());
    for (const key of ['kind', 'format', 'width', 'height', 'byteSize', 'status'])
      expect(answers.done[key], key).toEqual(answers.normal[key]);

    // Signed out: the API's 401 and a wrong password at sign-in answer { error: { code, message } }.
    const visitor = await newPage(h, DESKTOP);
    await visitor.page.goto('/');
    const signedOut = await visitor.page.evaluate(async () => {
      const res = await fetch('/api/v1/jobs');
      return { status: res.status, body: await res.json() };
    });
    expect(signedOut.status).toBe(401);
    expect(signedOut.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    await visitor.page.goto('/sign-in');
    await visitor.page.getByLabel('Email').fill('nobody@example.com');
    await visitor.page.getByLabel('Password').fill('not the password');
    const [answer] = await Promise.all([
      visitor.page.waitForResponse((r) => r.url().includes('/api/auth/sign-in')),
      visitor.page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(answer.status()).toBe(401);
    const body = (await answer.json()) as { error?: { code: string; message: string } };
    expect(body.error?.code).toBe('invalid_credentials');
    const alert = visitor.page.locator('.error[role=alert]:not([hidden])').first();
    await expect.poll(() => alert.textContent()).toBe(body.error?.message);
    await visitor.context.close();
    expect(errors).toEqual([]);
  });

  it('issue 15 item 10: a negative width is refused at its field, a relief offers no backlit view, and progress only moves forward', async () => {
    await upload(PHOTO, 'flat-photo.jpg');
    // Backlit belongs to lithophanes: offered on a flat one, not on a relief.
    await page.locator('#choice-lithophane-flat').check();
    await expect.poll(() => page.getByRole('button', { name: 'Backlit', exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    await page.locator('#choice-relief').check();
    await expect.poll(() => page.getByRole('button', { name: 'Backlit', exact: true }).isVisible()).toBe(false);
    expect(
      await page
        .locator('.params-card')
        .getByLabel(/filament/i)
        .count(),
    ).toBe(0);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);

    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/jobs')) sent.push(r.postData() ?? '');
    });
    const width = page.getByRole('spinbutton', { name: 'Width (mm)', exact: true });
    await width.fill('-5');
    const message = page.getByTestId('field-error-widthMm');
    await expect.poll(() => message.isVisible()).toBe(true);
    expect(await message.textContent()).toMatch(/Width must be between 1 and 1000 mm/);
    expect(await width.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: /Make it/ }).isDisabled()).toBe(true);
    await page.waitForTimeout(1500); // past the pricing delay
    expect(sent.filter((body) => body.includes('"widthMm":-5'))).toEqual([]);
    await width.fill('60');
    await expect.poll(() => message.isHidden()).toBe(true);
    await expect.poll(() => page.getByTestId('cost').textContent(), { timeout: 30_000 }).toMatch(/credits? ·/);

    // A job in the way keeps the relief queued, so the job page opens before it runs and replays
    // the whole event stream (a page opened mid-job does the same).
    const uploadId = ((await (await page.request.get('/api/v1/uploads?limit=1')).json()) as { uploads: Array<{ id: string }> }).uploads[0]
      .id;
    const blocking = await page.request.post('/api/v1/jobs', {
      data: { mode: 'lithophane', uploadId, params: { widthMm: 160, resolutionMm: 0.1, formats: ['stl'] } },
    });
    expect(blocking.status()).toBe(201);
    const blocker = ((await blocking.json()) as { job: { id: string } }).job.id;
    await page.evaluate(() => {
      const seen: Array<{ value: number; status: string }> = [];
      (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
      const record = () => {
        const bar = document.querySelector<HTMLProgressElement>('[data-testid=progress]');
        const status = document.querySelector('[data-testid=job-status]')?.textContent ?? '';
        if (bar) seen.push({ value: bar.value, status });
      };
      new MutationObserver(record).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    });
    await page.getByRole('button', { name: /Make it \(/ }).click();
    await page.waitForURL(/\/jobs\/job_/);
    await page.getByTestId('progress').waitFor();
    const cancelled = await page.request.post(`/api/v1/jobs/${blocker}/cancel`);
    expect(cancelled.status()).toBe(200);
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('succeeded');
    await page.getByTestId('result-viewer').waitFor();
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: Array<{ value: number; status: string }> }).progressSeen);
    expect(seen.filter((s) => s.status === 'running').length, 'the bar was seen while the job ran').toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i].value, `sample ${i} of ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(seen[i - 1].value);
    expect(seen.filter((s) => s.value >= 100 && s.status !== 'succeeded')).toEqual([]);
    expect(await page.getByTestId('progress').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
