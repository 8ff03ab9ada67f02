import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '../..');
/** Where screenshots go: `screenshots/`, or the folder SHOT_DIR names (to look at one run's shots apart). */
export const screenshotDir = process.env['SHOT_DIR'] ?? path.join(repoRoot, 'screenshots');

export function chromiumPath(): string {
  const p = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(p)) {
    throw new Error(`Chromium not found at ${p}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.`);
  }
  return p;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // The machine's network is closed: background services would only fail and slow start-up.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ServeProcess {
  url: string;
  openUrl: string;
  token: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `cnn-studio serve --port 0 [args]` from the built bundle and waits for its URL. */
export function startServe(args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/cnn-studio.cjs'), 'serve', '--port', '0', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print a URL in 30 s:\n${out}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
    const poll = setInterval(() => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)t\/([\w-]+)\//.exec(out);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        openUrl: `${m[1]}t/${m[2]}/`,
        token: m[2]!,
        child,
        output: () => out,
        stop: () =>
          new Promise<void>((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
      });
    }, 50);
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return path.join(screenshotDir, `${name}.png`);
}

/** One serve process, one browser and one page on the empty canvas, with the page's errors collected. */
export interface EditorSession {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  errors: string[];
}

/**
 * Serve mode answers a request it refuses (a StudioError: a folder with one class, an unreadable
 * image) with 400 and the sentence the page shows, which the suites check; Chromium also logs each
 * such answer as a console error. Other statuses (404, 500) stay errors.
 */
const REFUSAL_LOG = /^Failed to load resource: the server responded with a status of 400\b/;

/** The page's size and locale (a suite that reads numbers as typed pins the locale). */
export type PageOptions = NonNullable<Parameters<Browser['newPage']>[0]>;

/**
 * Starts serve mode with its studio home in `home` (recovery files and settings stay in a throwaway
 * folder, never the user's), a browser, and a page on the empty canvas whose errors (uncaught
 * exceptions and console errors) are collected.
 */
export async function openEditor(home: string, pageOptions: PageOptions = { viewport: { width: 1440, height: 900 } }): Promise<EditorSession> {
  process.env['CNN_STUDIO_HOME'] = home;
  const [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
  const page = await browser.newPage(pageOptions);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !REFUSAL_LOG.test(m.text()) && errors.push(m.text()));
  await page.goto(serve.openUrl);
  await page.getByTestId('empty-hint').waitFor();
  return { serve, browser, page, errors };
}

/** A test that fails with a dialog open would otherwise fail every test after it on the backdrop. */
export async function closeDialogs(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await page.locator('.modal-backdrop').count()) > 0; i++) await page.keyboard.press('Escape');
}

export async function closeEditor(session: EditorSession | undefined): Promise<void> {
  await session?.browser.close();
  await session?.serve.stop();
  delete process.env['CNN_STUDIO_HOME'];
}

/**
 * A file's studio: one serve process (one studio home) and one browser, started once in `beforeAll`
 * and shared by the file's tests, each of which opens its own page with `openTestPage`.
 */
export interface SharedStudio {
  serve: ServeProcess;
  browser: Browser;
  home: string;
}

export async function startStudio(home: string): Promise<SharedStudio> {
  process.env['CNN_STUDIO_HOME'] = home;
  const [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
  return { serve, browser, home };
}

export async function stopStudio(studio: SharedStudio | undefined): Promise<void> {
  await studio?.browser.close();
  await studio?.serve.stop();
  delete process.env['CNN_STUDIO_HOME'];
}

/** One test's page, in a browser context of its own (its own localStorage), with its errors collected. */
export interface TestPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/**
 * Closes a test's page (if any) and returns the uncaught exceptions and console errors it logged:
 * each test asserts the list is empty, so a page that ran with an error fails its test.
 */
export async function closeTestPage(tp: TestPage | null): Promise<string[]> {
  const errors = tp?.errors ?? [];
  await tp?.context.close();
  return errors;
}

/** What a test's page starts from; by default the shared studio's page with no recovered work. */
export interface TestPageOptions {
  page?: PageOptions;
  /** Another serve process's URL (a studio started with a project, say). */
  url?: string;
  /** Keep the recovery file: the test is about the offer to restore it. */
  keepRecovery?: boolean;
}

/**
 * A fresh page on the studio, once its toolbar is drawn. The recovery file an earlier test's edits
 * left in the shared home is removed first (unless the test asks to keep it): otherwise the new
 * page would offer to restore that work, and what a test sees would depend on which tests ran
 * before it.
 */
export async function openTestPage(studio: SharedStudio, options: TestPageOptions = {}): Promise<TestPage> {
  if (!options.keepRecovery) rmSync(path.join(studio.home, 'recovery'), { recursive: true, force: true });
  const context = await studio.browser.newContext(options.page ?? { viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !REFUSAL_LOG.test(m.text()) && errors.push(m.text()));
  await page.goto(options.url ?? studio.serve.openUrl);
  await page.getByRole('navigation', { name: 'File' }).getByRole('button', { name: 'New', exact: true }).waitFor();
  return { context, page, errors };
}
