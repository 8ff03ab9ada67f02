/**
 * The start screen's "Fine-tune a pretrained model on my images" in Chromium against serve mode,
 * with CNN_STUDIO_WEIGHTS_URL pointing at a local weights server that serves a small file the test
 * makes under ResNet-18's published name, slowly: pick the backbone and the image folder, watch
 * the download's progress, Cancel it; start again (it resumes) and see the file refused because
 * its hash is not the published one, in one message naming the URL and --weights.
 * Then, with MobileNetV3-Small's file placed in the cache (seed-weights-cache.py), the whole path:
 * the project opens with the folder in the Data step. Screenshots go to /tmp/shots-pretrained.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from './harness';
import { makeDataset } from '../helpers/trainer-fixtures';
import { getPretrained } from '../../core/pretrained/catalog';
import { runPython, torchMissing } from '../helpers/python-torch';
import { startWeightsServer, type WeightsServer } from '../main/pretrained/weights-server';

const SHOTS = '/tmp/shots-pretrained';
let serve: ServeProcess | null = null;
let weights: WeightsServer | null = null;
let browser: Browser;
let work: string;
let data: string;
const saved = { ...process.env };

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'studio-pretrained-e2e-'));
  data = await makeDataset(path.join(work, 'images'), { classes: ['cats', 'dogs'], perClass: 4, size: 28 });
  // 2 MiB in 64 KiB chunks, 60 ms apart: about two seconds, long enough to see and cancel.
  weights = await startWeightsServer(
    new Map([['resnet18-f37072fd.pth', randomBytes(2 * 1024 * 1024)]]),
    new Map([['resnet18-f37072fd.pth', { chunkDelayMs: 60 }]]),
  );
  process.env['CNN_STUDIO_HOME'] = path.join(work, 'home');
  process.env['CNN_STUDIO_CACHE_DIR'] = path.join(work, 'cache');
  process.env['CNN_STUDIO_WEIGHTS_URL'] = weights.baseUrl;
  if (!torchMissing()) {
    const e = getPretrained('mobilenet_v3_small')!;
    runPython([path.join(__dirname, 'seed-weights-cache.py'), path.join(work, 'cache'), String(e.sizeBytes), e.file], work, 120_000);
  }
  serve = await startServe();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await weights?.close();
  process.env = saved;
  await fs.rm(work, { recursive: true, force: true });
});

/** Types a path key by key; the picker pre-fills its field when its first listing arrives, so type again until it holds the text. */
async function typePath(page: Page, text: string): Promise<void> {
  const field = page
    .getByRole('dialog')
    .filter({ has: page.getByLabel('Path') })
    .getByLabel('Path');
  for (let attempt = 0; attempt < 3 && (await field.inputValue()) !== text; attempt++) {
    await field.fill('');
    await field.pressSequentially(text);
  }
  expect(await field.inputValue()).toBe(text);
}

async function shot(p: Page, name: string): Promise<void> {
  await fs.mkdir(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe('fine-tune a pretrained model (start screen)', () => {
  it('picks a backbone and a folder, shows download progress, cancels, and reports a refused file', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const p = await context.newPage();
    await p.goto(serve!.openUrl);
    await p.getByRole('button', { name: /Bundled sample/ }).waitFor();
    await shot(p, 'start-screen');
    await p.getByRole('button', { name: /Fine-tune a pretrained model on my images/ }).click();
    const dialog = p.getByTestId('pretrained-dialog');
    await dialog.getByRole('radio', { name: /ResNet-18/ }).waitFor();
    await shot(p, 'catalog');
    // Every backbone is listed with its size, accuracy and latency; ResNet-18 is picked first.
    for (const label of ['ResNet-18', 'ResNet-50', 'GoogLeNet', 'VGG-16', 'AlexNet', 'MobileNet V3 Small', 'EfficientNet-B0'])
      await dialog.getByRole('radio', { name: new RegExp(label) }).waitFor();
    expect(await dialog.getByRole('radio', { name: /ResNet-18/ }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: /GoogLeNet/ }).check();
    await dialog.getByRole('radio', { name: /ResNet-18/ }).check();

    await dialog.getByRole('button', { name: 'Choose image folder…' }).click();
    const picker = p.getByRole('dialog').filter({ has: p.getByLabel('Path') });
    await typePath(p, data);
    await picker.getByRole('button', { name: 'Use folder' }).click();
    await expect.poll(() => dialog.getByTestId('pretrained-folder').textContent()).toBe(data);

    await dialog.getByRole('button', { name: 'Download and fine-tune' }).click();
    const bar = dialog.getByTestId('pretrained-progress');
    await expect.poll(async () => /Downloading [1-9][\d.]* \/ 2\.0 MiB/.test((await bar.textContent()) ?? ''), { timeout: 10_000 }).toBe(true);
    await shot(p, 'downloading');
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/cancelled; the part received so far is kept/);
    await shot(p, 'cancelled');

    await dialog.getByRole('button', { name: 'Download and fine-tune' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent(), { timeout: 20_000 }).toMatch(/not the published one/);
    const message = (await dialog.getByRole('alert').textContent()) ?? '';
    expect(message).toContain(`${weights!.baseUrl}resnet18-f37072fd.pth`);
    expect(message).toContain('--weights resnet18-f37072fd.pth');
    // The second request resumed the first one's .part.
    expect(weights!.ranges.get('resnet18-f37072fd.pth')![1]).toMatch(/^bytes=\d+-$/);
    await shot(p, 'refused');
    await context.close();
  }, 90_000);

  it.skipIf(torchMissing() !== null)(
    'with the weights cached, opens the project with the image folder in the Data step',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const p = await context.newPage();
      await p.goto(serve!.openUrl);
      await p.getByRole('button', { name: /Fine-tune a pretrained model on my images/ }).click();
      const dialog = p.getByTestId('pretrained-dialog');
      const row = dialog.getByRole('row').filter({ hasText: 'MobileNet V3 Small' });
      await expect.poll(() => row.textContent()).toContain('cached');
      await dialog.getByRole('radio', { name: /MobileNet V3 Small/ }).check();
      await dialog.getByRole('button', { name: 'Choose image folder…' }).click();
      const picker = p.getByRole('dialog').filter({ has: p.getByLabel('Path') });
      await typePath(p, data);
      await picker.getByRole('button', { name: 'Use folder' }).click();
      await dialog.getByRole('button', { name: 'Download and fine-tune' }).click();
      // The dialog closes when the project opens; an error would stay in it as an alert.
      await expect.poll(async () => (await dialog.count()) === 0 || (await dialog.getByRole('alert').count()) > 0, { timeout: 60_000 }).toBe(true);
      const alert = dialog.getByRole('alert');
      const problem = (await alert.count()) > 0 ? ((await alert.textContent()) ?? '') : '';
      expect(await dialog.count(), problem).toBe(0);
      await expect.poll(() => p.getByLabel('Dataset folder').inputValue(), { timeout: 30_000 }).toBe(data);
      await expect.poll(() => p.getByText('MobileNet V3 Small (ImageNet weights)').first().isVisible(), { timeout: 10_000 }).toBe(true);
      await shot(p, 'opened-with-folder');
      await context.close();
    },
    120_000,
  );
});
