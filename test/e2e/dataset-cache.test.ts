/**
 * The Dataset panel's cache line, in Chromium against serve mode: a folder decoded before shows
 * how much of the cache it takes against CNN_STUDIO_CACHE_MAX, and "Clear this folder's cache"
 * removes its decoded images (not the images).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath, startServe, type ServeProcess } from './harness';
import { simpleDataset } from '../helpers/image-folders';
import { tempDir } from '../helpers/temp-dir';
import { scanImageFolder } from '../../main/data/scan';
import { openDecodeCache } from '../../main/data/cache';
import { listCaches } from '../../main/data/cache-admin';

let serve: ServeProcess;
let browser: Browser;
let work: string;
let data: string;
let cacheDir: string;

beforeAll(async () => {
  work = tempDir('studio-cache-e2e-');
  data = path.join(work, 'photos');
  cacheDir = path.join(work, 'cache');
  await simpleDataset(data, { cats: 4, dogs: 4 }, 12);
  const c = await openDecodeCache(await scanImageFolder(data, { valSplit: 0.25 }), {
    input: { channels: 1, height: 12, width: 12, resize: 'stretch' },
    cacheDir,
  });
  await c.close();
  process.env['CNN_STUDIO_HOME'] = path.join(work, 'home');
  process.env['CNN_STUDIO_CACHE'] = cacheDir;
  process.env['CNN_STUDIO_CACHE_MAX'] = '3G';
  [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  for (const k of ['CNN_STUDIO_HOME', 'CNN_STUDIO_CACHE', 'CNN_STUDIO_CACHE_MAX']) delete process.env[k];
});

describe('Dataset panel: the decoded-image cache', () => {
  it("shows this folder's share and the total against the cap, and clears it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(serve.openUrl);
    await page.getByTestId('start-sample').waitFor();
    await page.getByTestId('view-data').click();
    // The backend remembers the last folder: clear the field before typing.
    await page.getByLabel('Dataset folder').fill('');
    await page.getByLabel('Dataset folder').pressSequentially(data);
    await page.getByRole('button', { name: 'Load' }).click();
    const line = page.getByTestId('cache-usage');
    await expect.poll(() => line.textContent(), { timeout: 20_000 }).toMatch(/KiB for this folder \(1x12x12 stretch\) · .* of 3\.00 GiB for all datasets/);
    await page.screenshot({ path: screenshotPath('dataset-cache-light') });
    await page.getByRole('button', { name: "Clear this folder's cache" }).click();
    await expect.poll(() => line.textContent(), { timeout: 10_000 }).toMatch(/nothing for this folder yet/);
    expect(await listCaches(cacheDir)).toEqual([]);
    expect((await fs.readdir(path.join(data, 'cats'))).length).toBe(4);
    await page.close();
  });

  it('Train tab: the augmentation preview shows the same images per epoch, and follows the preset', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(serve.openUrl);
    await page.getByTestId('start-sample').waitFor();
    await page.getByTestId('new').click();
    await page.getByTestId('template-lenet5').click();
    await page.getByTestId('templates-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('view-data').click();
    // The backend remembers the last folder: clear the field before typing.
    await page.getByLabel('Dataset folder').fill('');
    await page.getByLabel('Dataset folder').pressSequentially(data);
    await page.getByRole('button', { name: 'Load' }).click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('view-train').click();
    await page.getByText('Augmentation preview').click();
    const grid = page.locator('.augment-grid');
    await grid.waitFor({ timeout: 20_000 });
    // Two classes, four images (two per class), five epochs.
    expect(await grid.locator('tbody tr').count()).toBe(4);
    expect(await grid.locator('tbody tr').first().locator('img').count()).toBe(5);
    const light = await grid.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    expect(new Set(light).size).toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('augment-preview-light') });
    await page.getByTestId('train-augment').selectOption('none');
    // Without augmentation every epoch shows an image the same way.
    await expect
      .poll(
        async () =>
          grid
            .locator('tbody tr')
            .first()
            .locator('img')
            .evaluateAll((imgs) => new Set(imgs.map((i) => (i as HTMLImageElement).src)).size),
        { timeout: 20_000 },
      )
      .toBe(1);
    await page.close();
  });
});
