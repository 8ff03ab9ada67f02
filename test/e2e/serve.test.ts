import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath, startServe, type ServeProcess } from './harness';

let serve: ServeProcess;
let browser: Browser;

beforeAll(async () => {
  [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('serve mode in Chromium', () => {
  it('loads the page with its token and shows the backend version', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(serve.openUrl);
    const version = page.getByTestId('backend-version');
    await version.waitFor();
    expect(await version.textContent()).toMatch(/CNN Studio \d+\.\d+\.\d+ · onnxruntime 1\.\d+/);
    // The page lives under its token path; no cookie carries the token to other local services.
    expect(page.url()).toBe(serve.openUrl);
    expect(await page.context().cookies()).toEqual([]);
    // The providers panel lives in the Machine dialog of the editor.
    await page.getByTestId('machine').click();
    await page.getByRole('button', { name: 'Check this machine' }).click();
    await page.getByTestId('providers').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('providers').textContent()).toContain('CPU');
    await page.screenshot({ path: screenshotPath('serve-home') });
    // A reload keeps working: the page and its assets are under the token path.
    await page.reload();
    await version.waitFor();
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });

  it('refuses the page, the API and events without the token', async () => {
    const page = await browser.newPage();
    const res = await page.goto(serve.url);
    expect(res?.status()).toBe(401);
    expect(await page.textContent('body')).toMatch(/token/);
    await page.close();
    const api = await fetch(`${serve.url}api/version`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
    // The printed URL of older versions still opens the studio.
    const legacy = await browser.newPage();
    await legacy.goto(`${serve.url}?token=${serve.token}`);
    await legacy.getByTestId('backend-version').waitFor();
    expect(legacy.url()).toBe(serve.openUrl);
    await legacy.close();
  });
});
