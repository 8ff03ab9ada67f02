/**
 * The forms as a person types into them (issue 15), in Chromium against serve mode: number
 * fields keep the text as typed and read it on Enter or leaving the field, refuse with a reason
 * beside the field and say which value is kept; a one-class or empty folder leaves the model
 * alone and blocks Train with the reason beside the button; the Summary's memory estimate uses
 * the Train tab's batch and optimizer; the palette finds blocks by the names people use; Try it
 * reports an unreadable file by name and classifies the rest; the export opsets are the CLI's.
 * Screenshots go to screenshots/forms-*-{light,dark}.png.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeDialogs, closeEditor, openEditor, screenshotPath, type EditorSession, type ServeProcess } from './harness';
import { makeDataset } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';
import { MAX_IMAGE_SIDE } from '../../core/blocks/params';

let session: EditorSession;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let errors: string[] = [];
let twoClasses: string;
const work = tempDir('studio-forms-e2e-');

interface DocNode {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
}

async function nodes(p: Page = page): Promise<DocNode[]> {
  return (JSON.parse(await p.evaluate(() => window.__cnnStudio!.docJson())) as { nodes: DocNode[] }).nodes;
}

async function outputClasses(): Promise<unknown> {
  return (await nodes()).find((n) => n.type === 'output')!.params['classes'];
}

/** Selects the field's text and types over it key by key, as a person does. */
async function typeOver(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.selectText();
  if (text === '') await field.press('Backspace');
  else await field.pressSequentially(text, { delay: 15 });
}

/** The refusal shown beside a field: the element its aria-describedby names. */
async function refusal(field: Locator): Promise<string> {
  const id = await field.getAttribute('aria-describedby');
  if (!id) throw new Error('the field names no message');
  return (await page.locator(`[id="${id}"]`).textContent()) ?? '';
}

/** Light and dark screenshots; the page is left in the light theme. */
async function shoot(name: string, p: Page = page): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await p.evaluate((t) => window.__cnnStudio!.setTheme(t), theme);
    await p.screenshot({ path: screenshotPath(`forms-${name}-${theme}`) });
  }
}

async function openLeNet(p: Page): Promise<void> {
  await p.goto(serve.openUrl);
  await p.getByTestId('new').click();
  await p.getByTestId('template-lenet5').click();
  await p.getByTestId('templates-dialog').waitFor({ state: 'detached' });
}

async function loadFolder(p: Page, dir: string): Promise<void> {
  await p.getByTestId('view-data').click();
  await p.getByLabel('Dataset folder').fill(dir);
  await p.getByTestId('dataset-load').click();
  await p.getByRole('button', { name: 'Loading…' }).waitFor({ state: 'detached' });
  await p.getByTestId('dataset-summary').waitFor();
}

beforeAll(async () => {
  twoClasses = await makeDataset(path.join(work, 'two'), { classes: ['bottom', 'top'], perClass: 10, size: 28 });
  session = await openEditor(path.join(work, 'home'), { viewport: { width: 1360, height: 900 }, locale: 'en-US' });
  ({ serve, browser, page, errors } = session);
  await openLeNet(page);
}, 60_000);
afterEach(() => closeDialogs(page));
afterAll(() => closeEditor(session));

describe('forms in Chromium (serve mode)', () => {
  it('inspector: a kernel of 2.5 or 1e9 is refused with the reason, the 5 is kept; Escape reverts', async () => {
    const conv = (await nodes()).find((n) => n.type === 'conv2d')!;
    await page.locator(`[data-node-name="${conv.name}"] .bn-head`).click();
    const kernel = page.getByLabel('Kernel (h×w) height');
    expect(await kernel.inputValue()).toBe('5');

    await typeOver(kernel, '2.5');
    // While typing nothing is read: the text stays as typed.
    expect(await kernel.inputValue()).toBe('2.5');
    await kernel.press('Enter');
    expect(await refusal(kernel)).toBe('must be a whole number, got 2.5 · kept 5');
    expect(await kernel.getAttribute('aria-invalid')).toBe('true');
    expect(await kernel.inputValue()).toBe('2.5');
    await shoot('inspector-kernel-refused');

    await typeOver(kernel, '1e9');
    await kernel.press('Enter');
    expect(await refusal(kernel)).toBe(`must be at most ${MAX_IMAGE_SIDE}, got 1000000000 · kept 5`);
    expect((await nodes()).find((n) => n.id === conv.id)!.params['kernel']).toBe(5);

    await kernel.press('Escape');
    expect(await kernel.inputValue()).toBe('5');
    expect(await kernel.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByRole('alert').count()).toBe(0);

    // A whole number is taken on Enter: both sides of the pair change the model.
    await typeOver(kernel, '3');
    await kernel.press('Enter');
    await typeOver(page.getByLabel('Kernel (h×w) width'), '3');
    await page.getByLabel('Kernel (h×w) width').press('Tab');
    await expect.poll(async () => (await nodes()).find((n) => n.id === conv.id)!.params['kernel']).toBe(3);
    // Undo gives the 5 back (the two sides may be one coalesced step or two).
    const kernelNow = async () => (await nodes()).find((n) => n.id === conv.id)!.params['kernel'];
    for (let i = 0; i < 2 && (await kernelNow()) !== 5; i++) await page.getByRole('button', { name: 'Undo' }).click();
    expect(await kernelNow()).toBe(5);
    expect(await page.getByLabel('Kernel (h×w) height').inputValue()).toBe('5');
  });

  it('palette search finds blocks by the names people use', async () => {
    const search = page.getByLabel('Search blocks');
    const found = async (q: string): Promise<string[]> => {
      await search.fill('');
      await search.pressSequentially(q, { delay: 15 });
      return page
        .locator('.palette-list [data-testid^="palette-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('palette-', '')));
    };
    expect((await found('linear'))[0]).toBe('dense');
    expect((await found('fc'))[0]).toBe('dense');
    expect(await found('gap')).toEqual(['globalavgpool']);
    await shoot('palette-gap');
    expect((await found('AdaptiveAvgPool'))[0]).toBe('globalavgpool');
    expect(await found('bn')).toEqual(['batchnorm2d']);
    expect((await found('relu6'))[0]).toBe('relu6');
    expect((await found('relu7')).slice(0, 3)).toEqual(['relu', 'relu6', 'leakyrelu']);
    expect((await found('maxpool'))[0]).toBe('maxpool2d');
    expect((await found('avgpool'))[0]).toBe('avgpool2d');
    expect(await found('softmax')).toEqual(['output']);
    // The name it was found by shows beside the label.
    expect(await page.getByTestId('palette-output').textContent()).toBe('Output (classifier)as “softmax”');
    await shoot('palette-softmax');
    await search.fill('');
  });

  it('a one-class or empty folder leaves the Output block alone and blocks Train with the reason beside it', async () => {
    const one = await makeDataset(path.join(work, 'one'), { classes: ['cats'], perClass: 6, size: 28 });
    const empty = path.join(work, 'empty');
    await fs.mkdir(empty, { recursive: true });
    const before = await outputClasses();
    expect(before).toBe(10);

    await loadFolder(page, one);
    await page.getByText('only one class (cats)').waitFor();
    expect(await page.getByTestId('input-match').count()).toBe(0);
    expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/1 class(?!es)/);
    expect(await outputClasses()).toBe(10);
    await shoot('one-class-data');
    await page.getByTestId('view-train').click();
    const train = page.getByRole('button', { name: /Train/ }).and(page.getByTestId('train-start'));
    expect(await train.isDisabled()).toBe(true);
    const why = page.getByTestId('train-blocked');
    expect(await why.isVisible()).toBe(true);
    expect(await why.textContent()).toBe('The dataset has one class (cats): a classifier needs at least two (one sub-folder per class).');
    expect(await train.getAttribute('aria-describedby')).toBe(await why.getAttribute('id'));
    await shoot('one-class-train');

    // An empty folder is refused by the scan itself: its reason shows on both tabs.
    await page.getByTestId('view-data').click();
    await page.getByLabel('Dataset folder').fill(empty);
    await page.getByTestId('dataset-load').click();
    await page.getByTestId('dataset-error').getByText(`no class folders in ${empty}`).waitFor();
    expect(await page.getByTestId('input-match').count()).toBe(0);
    expect(await outputClasses()).toBe(10);
    await shoot('empty-data');
    await page.getByTestId('view-train').click();
    expect(await page.getByTestId('train-blocked').textContent()).toMatch(/^The dataset cannot be used: no class folders in /);
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
  });

  it('data tab: the validation fraction refuses 0,25 in an English locale and takes .25', async () => {
    await loadFolder(page, twoClasses);
    await page.getByTestId('input-mismatch').or(page.getByTestId('input-match')).waitFor();
    expect(await outputClasses()).toBe(2);
    const val = page.getByLabel('Validation fraction (class folders only)');
    await typeOver(val, '0,25');
    await val.press('Enter');
    expect(await refusal(val)).toBe('"0,25" is not a number: write decimals with a point (0.001) · kept 0.1');
    await shoot('data-val-refused');
    await typeOver(val, '.25');
    await val.press('Tab');
    expect(await val.inputValue()).toBe('0.25');
    await page.getByText('validation: 25% of each class').waitFor();
    const seed = page.getByLabel('Seed');
    await typeOver(seed, '-1');
    await seed.press('Tab');
    expect(await refusal(seed)).toBe('must be at least 0, got -1 · kept 0');
    await seed.press('Escape');
    if (await page.getByTestId('match-all').count()) await page.getByTestId('match-all').click();
    await page.getByTestId('input-match').waitFor();
    await shoot('data-two-classes');
  });

  it('train tab: 0.001 stays 0.001, Epochs cleared then 8 is 8, -2 is refused, 1e-3 and .001 are read; training receives them', async () => {
    await page.getByTestId('view-train').click();
    const lr = page.getByRole('textbox', { name: 'Learning rate' });
    const epochs = page.getByRole('textbox', { name: 'Epochs' });
    await typeOver(lr, '0.001');
    expect(await lr.inputValue()).toBe('0.001');
    await lr.press('Tab');
    expect(await lr.inputValue()).toBe('0.001');

    await typeOver(epochs, '');
    expect(await epochs.inputValue()).toBe('');
    await epochs.pressSequentially('8', { delay: 15 });
    expect(await epochs.inputValue()).toBe('8');
    await epochs.press('Tab');
    expect(await epochs.inputValue()).toBe('8');

    await typeOver(epochs, '13');
    await epochs.press('Enter');
    await typeOver(epochs, '-2');
    expect(await epochs.inputValue()).toBe('-2');
    await epochs.press('Enter');
    expect(await refusal(epochs)).toBe('must be at least 1, got -2 · kept 13');
    await shoot('train-epochs-refused');
    await epochs.press('Escape');
    expect(await epochs.inputValue()).toBe('13');

    await typeOver(lr, '1e-3');
    await lr.press('Enter');
    expect(await lr.inputValue()).toBe('0.001');
    await typeOver(lr, '.001');
    await lr.press('Tab');
    expect(await lr.inputValue()).toBe('0.001');
    await typeOver(lr, '0');
    await lr.press('Tab');
    expect(await refusal(lr)).toBe('must be greater than 0, got 0 · kept 0.001');
    await lr.press('Escape');

    // A typed rate is the person's own: switching optimizer keeps it and offers the new default.
    await page.getByTestId('train-optimizer').selectOption('sgd');
    expect(await lr.inputValue()).toBe('0.001');
    await page.getByRole('button', { name: "use SGD + momentum's default 0.05" }).waitFor();
    await page.getByTestId('train-optimizer').selectOption('adamw');
    await page.getByRole('button', { name: "use AdamW's default 0.003" }).click();
    // The field shows the new value once React has rendered it (a loaded machine takes a moment).
    await expect.poll(() => lr.inputValue()).toBe('0.003');
    // At the default, it follows the optimizer.
    await page.getByTestId('train-optimizer').selectOption('adam');
    await expect.poll(() => lr.inputValue()).toBe('0.001');
    await shoot('train-form');

    await typeOver(epochs, '1');
    await typeOver(page.getByTestId('train-batch'), '8');
    await page.getByTestId('train-batch').press('Tab');
    await page.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByTestId('train-device').selectOption('cpu');
    const request = page.waitForRequest((r) => r.url().includes('/api/trainStart'));
    await page.getByTestId('train-start').click();
    const sent = (await request).postDataJSON() as { settings: { lr: number; epochs: number; batchSize: number; optimizer: string } };
    expect(sent.settings).toMatchObject({ lr: 0.001, epochs: 1, batchSize: 8, optimizer: 'adam' });
    await page.waitForFunction(() => /done/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), null, { timeout: 120_000 });
  }, 200_000);

  it("the Summary's memory estimate uses the Train tab's batch size and optimizer", async () => {
    const trainLine = (await page.getByTestId('train-memory').locator('b').textContent())!;
    await page.getByTestId('view-model').click();
    await page.getByTestId('tab-summary').click();
    const batch = page.getByTestId('summary').getByRole('textbox', { name: 'Batch size' });
    expect(await batch.inputValue()).toBe('8');
    expect(await page.getByTestId('optimizer').inputValue()).toBe('adam');
    expect(await page.getByTestId('memory-total').textContent()).toBe(trainLine);
    // Changing it here is changing the recipe.
    await typeOver(batch, '16');
    await batch.press('Enter');
    await shoot('summary-memory');
    await page.getByTestId('view-train').click();
    expect(await page.getByTestId('train-batch').inputValue()).toBe('16');
  });

  it('try it: an unreadable file among several is named; the others are classified', async () => {
    const notes = path.join(work, 'notes.txt');
    const broken = path.join(work, 'broken.png');
    await fs.writeFile(notes, 'not an image');
    await fs.writeFile(broken, Buffer.from('\x89PNG\r\n\x1a\n truncated'));
    await page.getByTestId('view-predict').click();
    await page.getByTestId('predict-input').setInputFiles([path.join(twoClasses, 'top', '003.png'), notes, broken, path.join(twoClasses, 'bottom', '004.png')]);
    const items = page.locator('[data-testid="predict-result"] .prediction');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(4);
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['003.png', 'notes.txt', 'broken.png', '004.png']);
    expect(await items.nth(1).getByRole('alert').textContent()).toMatch(/^notes\.txt: not an image file/);
    expect(await items.nth(2).getByRole('alert').textContent()).toMatch(/broken\.png/);
    for (const i of [0, 3]) expect(await items.nth(i).locator('.pred-row').count()).toBe(2);
    await shoot('predict-mixed');
  });

  it('export offers opsets 11 to 26, as the CLI takes', async () => {
    await page.getByTestId('view-export').click();
    const opsets = await page
      .getByTestId('export-opset')
      .locator('option')
      .evaluateAll((els) => els.map((e) => Number((e as HTMLOptionElement).value)));
    expect(opsets).toEqual(Array.from({ length: 16 }, (_, i) => 11 + i));
    expect(await page.getByTestId('export-opset').inputValue()).toBe('17');
  });

  it('reads 0,001 in a comma locale (de-DE) and shows it with a comma', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'de-DE' });
    const de = await ctx.newPage();
    await openLeNet(de);
    await de.getByTestId('view-train').click();
    const lr = de.getByRole('textbox', { name: 'Learning rate' });
    // Whatever rate the studio remembers (the backend keeps settings across pages), it is shown
    // with a decimal comma here.
    await expect.poll(() => lr.inputValue()).toMatch(/^0,00\d$/);
    await lr.click();
    await lr.selectText();
    await lr.pressSequentially('0,002', { delay: 15 });
    await lr.press('Tab');
    expect(await lr.inputValue()).toBe('0,002');
    expect(await lr.getAttribute('aria-invalid')).toBe('false');
    expect(await de.locator('.field-problem').allTextContents()).toEqual([]);
    const stored = await de.evaluate(() => JSON.parse(localStorage.getItem('cnn-studio-train-settings') ?? '{}') as { lr?: number });
    expect(stored.lr).toBe(0.002);
    await shoot('train-de', de);
    await ctx.close();
    expect(errors).toEqual([]);
  });
});
