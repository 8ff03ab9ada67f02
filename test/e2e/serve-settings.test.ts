import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, startServe, type ServeProcess } from './harness';
import { tempDir } from '../helpers/temp-dir';

let browser: Browser;
const home = tempDir('cnn-studio-e2e-settings-');
const servers: ServeProcess[] = [];

async function serveAndOpen(): Promise<{ serve: ServeProcess; page: Page }> {
  const serve = await startServe();
  servers.push(serve);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(serve.openUrl);
  await page.getByTestId('backend-version').waitFor();
  return { serve, page };
}

beforeAll(async () => {
  process.env['CNN_STUDIO_HOME'] = home;
  browser = await launchBrowser();
});
afterAll(async () => {
  delete process.env['CNN_STUDIO_HOME'];
  await browser?.close();
  for (const s of servers) await s.stop();
});

describe('serve mode remembers settings in the backend and says when the server is gone', () => {
  it('keeps theme and training settings across a restart on a new port (a new origin)', async () => {
    const first = await serveAndOpen();
    const theme = () => first.page.evaluate(() => document.documentElement.dataset['theme']);
    const before = await theme();
    await first.page.getByRole('button', { name: 'Toggle theme' }).click();
    const chosen = await theme();
    expect(chosen).not.toBe(before);
    await first.page.getByTestId('view-train').click();
    await first.page.getByLabel('Optimizer').selectOption('sgd');
    await first.page.getByLabel('Schedule').selectOption('cosine');
    // Saved by the backend into its home folder (debounced by a few hundred ms).
    await expect
      .poll(
        () => {
          try {
            return JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')) as {
              theme?: string;
              trainSettings?: Record<string, { optimizer?: string; schedule?: string }>;
            };
          } catch {
            return null;
          }
        },
        { timeout: 10_000 },
      )
      .toMatchObject({ theme: chosen, trainSettings: { '': { optimizer: 'sgd', schedule: 'cosine' } } });
    await first.page.close();
    await first.serve.stop();

    const second = await serveAndOpen();
    expect(second.serve.url).not.toBe(first.serve.url);
    await expect.poll(() => second.page.evaluate(() => document.documentElement.dataset['theme'])).toBe(chosen);
    await second.page.getByTestId('view-train').click();
    await expect.poll(() => second.page.getByLabel('Optimizer').inputValue()).toBe('sgd');
    expect(await second.page.getByLabel('Schedule').inputValue()).toBe('cosine');
    await second.page.close();
  });

  it('shows a banner with a retry when the server stops, instead of failing silently', async () => {
    const { serve, page } = await serveAndOpen();
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
    await serve.stop();
    const banner = page.getByRole('alert').filter({ hasText: 'not answering' });
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toMatch(/Trying again/);
    await page.getByRole('button', { name: 'Retry now' }).click();
    await banner.waitFor();
    await page.screenshot({ path: screenshotPath('serve-connection-lost') });
    await page.close();
  });
});
