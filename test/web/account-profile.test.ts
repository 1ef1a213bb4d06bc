/**
 * Issue 15 (makerweb), item 4, in Chromium against the real server: the account page changes the
 * name and the avatar, and sends a message to support that is listed with the account.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESKTOP, newPage, startHarness, unlabelledControls } from './browser.ts';
import type { WebHarness } from './browser.ts';

let h: WebHarness;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), 'avatar-'));
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

it('changes the name and avatar, and sends a support message kept with the account', async () => {
  const { page, errors, context } = await newPage(h, DESKTOP);
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Ada Maker');
  await page.getByLabel('Email').fill(`account-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/create/);
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await page.waitForURL(/\/account/);

  const name = page.getByLabel('Your name');
  await expect.poll(() => name.inputValue()).toBe('Ada Maker');
  await name.fill('Ada Lovelace');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect.poll(() => page.getByTestId('profile-saved').textContent()).toBe('Name saved.');

  const avatarPath = join(dir, 'me.png');
  await writeFile(
    avatarPath,
    await sharp({ create: { width: 96, height: 96, channels: 3, background: '#cc5500' } })
      .png()
      .toBuffer(),
  );
  await page.getByTestId('avatar-input').setInputFiles(avatarPath);
  const avatar = page.getByTestId('avatar');
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBe(96);

  // A file that is not a picture is refused with the server's reason.
  const bad = join(dir, 'notes.png');
  await writeFile(bad, 'not a picture at all');
  await page.getByTestId('avatar-input').setInputFiles(bad);
  await expect.poll(() => page.locator('#profile-heading ~ .error').textContent()).toMatch(/PNG, JPEG or WebP/);

  await page.getByLabel('Subject').fill('Lamp too dark');
  await page.getByLabel('Message').fill('My cylinder lithophane prints too thick.\nWhat should I change?');
  await page.getByRole('button', { name: 'Send to support' }).click();
  await expect.poll(() => page.getByTestId('support-list').textContent()).toContain('Lamp too dark');
  expect(await page.getByLabel('Subject').inputValue()).toBe('');

  // After a reload everything is still there: stored with the account.
  await page.reload();
  await expect.poll(() => page.getByLabel('Your name').inputValue()).toBe('Ada Lovelace');
  await expect.poll(() => page.getByTestId('support-list').textContent()).toContain('What should I change?');
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBe(96);
  expect(await unlabelledControls(page)).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
