/**
 * The forms as a person types into them (issue 15), in Chromium against serve mode: number
 * fields keep the text as typed and read it on Enter or leaving the field, refuse with a reason
 * beside the field and say which value is kept; a one-class or empty folder leaves the model
 * alone and blocks Train with the reason beside the button; the Summary's memory estimate uses
 * the Train tab's batch and optimizer; the palette finds blocks by the names people use; Try it
 * reports an unreadable file by name and classifies the rest; the export opsets are the CLI's.
 * Screenshots go to screenshots/forms-*-{light,dark}.png (or SHOT_DIR).
 *
 * The file shares one serve process and browser; every test opens its own page (a fresh browser
 * context) and sets up what it checks, so the tests pass in any order (`--sequence.shuffle`).
 * Fields and buttons are found by their visible labels and roles; numbers are typed key by key.
 * `window.__cnnStudio` is not used: what the model holds is read where a person reads it (the
 * inspector's fields, the shapes on the canvas).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { closeTestPage, openTestPage, screenshotPath, startStudio, stopStudio, type PageOptions, type SharedStudio, type TestPage } from './harness';
import { inspectorField, node, selectNode } from './editor-helpers';
import { makeDataset } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';
import { MAX_IMAGE_SIDE } from '../../core/blocks/params';

let studio: SharedStudio;
let twoClasses: string;
let current: TestPage | null = null;
const work = tempDir('studio-forms-e2e-');
const ENGLISH: PageOptions = { viewport: { width: 1360, height: 900 }, locale: 'en-US' };

beforeAll(async () => {
  twoClasses = await makeDataset(path.join(work, 'two'), { classes: ['bottom', 'top'], perClass: 10, size: 28 });
  studio = await startStudio(path.join(work, 'home'));
}, 60_000);
afterEach(async () => {
  const errors = await closeTestPage(current);
  current = null;
  expect(errors).toEqual([]);
});
afterAll(() => stopStudio(studio));

/** The test's own page with LeNet-5 (1×32×32, 10 classes) from the gallery. */
async function openLeNet(pageOptions: PageOptions = ENGLISH): Promise<Page> {
  current = await openTestPage(studio, { page: pageOptions });
  const p = current.page;
  await p.getByRole('button', { name: 'New', exact: true }).click();
  const dialog = p.getByRole('dialog');
  await dialog
    .locator('.template-card')
    .filter({ has: p.getByText('LeNet-5', { exact: true }) })
    .getByRole('button', { name: 'Open' })
    .click();
  await dialog.waitFor({ state: 'detached' });
  await node(p, 'fc3').waitFor();
  return p;
}

/** A step of the studio (Model, Data, Train, Try it, Export) by its tab's name. */
async function view(p: Page, name: string): Promise<void> {
  await p.getByRole('navigation', { name: 'Studio steps' }).getByRole('button', { name, exact: true }).click();
}

/** The Output block's class count, as the inspector shows it (back on the Model step). */
async function outputClasses(p: Page): Promise<string> {
  await view(p, 'Model');
  await selectNode(p, 'fc3');
  return inspectorField(p, 'Classes').inputValue();
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
  return (await field.page().locator(`[id="${id}"]`).textContent()) ?? '';
}

/** Light and dark screenshots, switched with the toolbar's theme button (a dialog open: one shot). */
async function shoot(p: Page, name: string): Promise<void> {
  const dialogOpen = (await p.getByRole('dialog').count()) > 0;
  for (let i = 0; i < (dialogOpen ? 1 : 2); i++) {
    const theme = await p.evaluate(() => document.documentElement.dataset['theme'] ?? 'light');
    await p.screenshot({ path: screenshotPath(`forms-${name}-${theme}`) });
    if (dialogOpen) break;
    await p.getByRole('button', { name: 'Toggle theme' }).click();
    await p.waitForFunction((t) => (document.documentElement.dataset['theme'] ?? 'light') !== t, theme);
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
}

/** The Data step: types the folder key by key, loads it, waits for the scan's answer. */
async function loadFolder(p: Page, dir: string): Promise<void> {
  await view(p, 'Data');
  await typeOver(p.getByLabel('Dataset folder'), dir);
  await p.getByRole('button', { name: 'Load', exact: true }).click();
  await p.getByRole('button', { name: 'Loading…' }).waitFor({ state: 'detached' });
  await p.getByTestId('dataset-summary').or(p.getByTestId('dataset-error')).first().waitFor();
}

/** LeNet-5 matched to the two-class folder, on the Train step with the device checks done. */
async function readyToTrain(): Promise<Page> {
  const p = await openLeNet();
  await loadFolder(p, twoClasses);
  const match = p.getByRole('button', { name: 'Match the model to the data' });
  await match.or(p.getByTestId('input-match')).first().waitFor();
  if (await match.count()) await match.click();
  await p.getByTestId('input-match').waitFor();
  await view(p, 'Train');
  await p.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
  return p;
}

/** A number field of the Train step's form, by its label (the Summary has a Batch size field too). */
const trainField = (p: Page, name: 'Epochs' | 'Batch size' | 'Learning rate') => p.locator('fieldset.train-form').getByRole('textbox', { name, exact: true });

/** One epoch in batches of 8 on the CPU, from the Train step's own button; waits until the run is done. */
async function trainOneEpoch(p: Page): Promise<void> {
  await typeOver(trainField(p, 'Epochs'), '1');
  await typeOver(trainField(p, 'Batch size'), '8');
  await trainField(p, 'Batch size').press('Tab');
  await p.getByLabel('Device').selectOption('cpu');
  await p.getByTestId('train-start').click();
  // The status line shows the current run, which is an earlier test's finished run ("done: ...")
  // until the studio answers with the new one: wait for the new run to start, then to finish.
  const status = p.getByTestId('train-status');
  await status.filter({ hasText: /^(starting|training)/ }).waitFor({ timeout: 60_000 });
  await status.filter({ hasText: /^done/ }).waitFor({ timeout: 120_000 });
}

describe('forms in Chromium (serve mode)', () => {
  it('inspector: a kernel of 2.5 or 1e9 is refused with the reason, the 5 is kept; Escape reverts', async () => {
    const p = await openLeNet();
    // conv1: 1×32×32 through a 5×5 kernel with no padding gives 28×28.
    const conv1Shape = () => node(p, 'conv1').getByTestId('node-shape').textContent();
    expect(await conv1Shape()).toBe('N×6×28×28');
    await selectNode(p, 'conv1');
    const kernel = inspectorField(p, 'Kernel (h×w) height');
    expect(await kernel.inputValue()).toBe('5');

    await typeOver(kernel, '2.5');
    // While typing nothing is read: the text stays as typed.
    expect(await kernel.inputValue()).toBe('2.5');
    await kernel.press('Enter');
    expect(await refusal(kernel)).toBe('must be a whole number, got 2.5 · kept 5');
    expect(await kernel.getAttribute('aria-invalid')).toBe('true');
    expect(await kernel.inputValue()).toBe('2.5');
    await shoot(p, 'inspector-kernel-refused');

    await typeOver(kernel, '1e9');
    await kernel.press('Enter');
    expect(await refusal(kernel)).toBe(`must be at most ${MAX_IMAGE_SIDE}, got 1000000000 · kept 5`);
    expect(await conv1Shape()).toBe('N×6×28×28');

    await kernel.press('Escape');
    expect(await kernel.inputValue()).toBe('5');
    expect(await kernel.getAttribute('aria-invalid')).toBe('false');
    expect(await p.getByRole('alert').count()).toBe(0);

    // A whole number is taken on Enter: both sides of the pair change the model (3×3: 30×30).
    await typeOver(kernel, '3');
    await kernel.press('Enter');
    await typeOver(inspectorField(p, 'Kernel (h×w) width'), '3');
    await inspectorField(p, 'Kernel (h×w) width').press('Tab');
    await expect.poll(conv1Shape).toBe('N×6×30×30');
    // Undo gives the 5 back (the two sides may be one coalesced step or two).
    for (let i = 0; i < 2 && (await conv1Shape()) !== 'N×6×28×28'; i++) await p.getByRole('button', { name: 'Undo' }).click();
    expect(await conv1Shape()).toBe('N×6×28×28');
    expect(await inspectorField(p, 'Kernel (h×w) height').inputValue()).toBe('5');
  });

  it('palette search finds blocks by the names people use', async () => {
    current = await openTestPage(studio, { page: ENGLISH });
    const p = current.page;
    const search = p.getByLabel('Search blocks');
    const found = async (q: string): Promise<string[]> => {
      await typeOver(search, q);
      return p.getByRole('complementary', { name: 'Blocks' }).locator('.palette-list .palette-label').allTextContents();
    };
    expect((await found('linear'))[0]).toBe('Dense');
    expect((await found('fc'))[0]).toBe('Dense');
    expect(await found('gap')).toEqual(['Global Avg Pool']);
    await shoot(p, 'palette-gap');
    expect((await found('AdaptiveAvgPool'))[0]).toBe('Global Avg Pool');
    expect(await found('bn')).toEqual(['Batch Norm 2D']);
    expect((await found('relu6'))[0]).toBe('ReLU6');
    expect((await found('relu7')).slice(0, 3)).toEqual(['ReLU', 'ReLU6', 'Leaky ReLU']);
    expect((await found('maxpool'))[0]).toBe('Max Pool 2D');
    expect((await found('avgpool'))[0]).toBe('Average Pool 2D');
    expect(await found('softmax')).toEqual(['Output (classifier)']);
    // The name it was found by shows beside the label.
    expect(await p.getByRole('button', { name: /^Output \(classifier\)/ }).textContent()).toBe('Output (classifier)as “softmax”');
    await shoot(p, 'palette-softmax');
  });

  it('a one-class or empty folder leaves the Output block alone and blocks Train with the reason beside it', async () => {
    const one = await makeDataset(path.join(work, 'one'), { classes: ['cats'], perClass: 6, size: 28 });
    const empty = path.join(work, 'empty');
    await fs.mkdir(empty, { recursive: true });
    const p = await openLeNet();
    expect(await outputClasses(p)).toBe('10');

    await loadFolder(p, one);
    await p.getByText('only one class (cats)').waitFor();
    expect(await p.getByTestId('input-match').count()).toBe(0);
    expect(await p.getByTestId('dataset-summary').textContent()).toMatch(/1 class(?!es)/);
    await shoot(p, 'one-class-data');
    expect(await outputClasses(p)).toBe('10');
    await view(p, 'Train');
    const train = p.getByTestId('train-start');
    expect(await train.textContent()).toMatch(/Train/);
    expect(await train.isDisabled()).toBe(true);
    const why = p.getByTestId('train-blocked');
    expect(await why.isVisible()).toBe(true);
    expect(await why.textContent()).toBe('The dataset has one class (cats): a classifier needs at least two (one sub-folder per class).');
    expect(await train.getAttribute('aria-describedby')).toBe(await why.getAttribute('id'));
    await shoot(p, 'one-class-train');

    // An empty folder is refused by the scan itself: its reason shows on both tabs.
    await loadFolder(p, empty);
    await p.getByRole('alert').getByText(`no class folders in ${empty}`).waitFor();
    expect(await p.getByTestId('input-match').count()).toBe(0);
    await shoot(p, 'empty-data');
    expect(await outputClasses(p)).toBe('10');
    await view(p, 'Train');
    expect(await p.getByTestId('train-blocked').textContent()).toMatch(/^The dataset cannot be used: no class folders in /);
    expect(await p.getByTestId('train-start').isDisabled()).toBe(true);
  });

  it('data tab: the validation fraction refuses 0,25 in an English locale and takes .25', async () => {
    const p = await openLeNet();
    await loadFolder(p, twoClasses);
    await p.getByTestId('input-mismatch').or(p.getByTestId('input-match')).waitFor();
    const val = p.getByLabel('Validation fraction (class folders only)');
    await typeOver(val, '0,25');
    await val.press('Enter');
    expect(await refusal(val)).toBe('"0,25" is not a number: write decimals with a point (0.001) · kept 0.1');
    await shoot(p, 'data-val-refused');
    await typeOver(val, '.25');
    await val.press('Tab');
    expect(await val.inputValue()).toBe('0.25');
    await p.getByText('validation: 25% of each class').waitFor();
    const seed = p.getByLabel('Seed');
    await typeOver(seed, '-1');
    await seed.press('Tab');
    expect(await refusal(seed)).toBe('must be at least 0, got -1 · kept 0');
    await seed.press('Escape');
    const match = p.getByRole('button', { name: 'Match the model to the data' });
    if (await match.count()) await match.click();
    await p.getByTestId('input-match').waitFor();
    // Matched to the folder: two classes.
    expect(await outputClasses(p)).toBe('2');
    await view(p, 'Data');
    await shoot(p, 'data-two-classes');
  });

  it('train tab: 0.001 stays 0.001, Epochs cleared then 8 is 8, -2 is refused, 1e-3 and .001 are read; training receives them', async () => {
    const p = await readyToTrain();
    const lr = trainField(p, 'Learning rate');
    const epochs = trainField(p, 'Epochs');
    const optimizer = p.getByLabel('Optimizer');
    // Start from AdamW at its default rate, whatever the studio remembers from other pages.
    await optimizer.selectOption('adamw');
    const useDefault = p.getByRole('button', { name: "use AdamW's default 0.003" });
    if (await useDefault.count()) await useDefault.click();
    await expect.poll(() => lr.inputValue()).toBe('0.003');
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
    await shoot(p, 'train-epochs-refused');
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
    await optimizer.selectOption('sgd');
    expect(await lr.inputValue()).toBe('0.001');
    await p.getByRole('button', { name: "use SGD + momentum's default 0.05" }).waitFor();
    await optimizer.selectOption('adamw');
    await p.getByRole('button', { name: "use AdamW's default 0.003" }).click();
    // The field shows the new value once React has rendered it (a loaded machine takes a moment).
    await expect.poll(() => lr.inputValue()).toBe('0.003');
    // At the default, it follows the optimizer.
    await optimizer.selectOption('adam');
    await expect.poll(() => lr.inputValue()).toBe('0.001');
    await shoot(p, 'train-form');

    const request = p.waitForRequest((r) => r.url().includes('/api/trainStart'));
    await trainOneEpoch(p);
    const sent = (await request).postDataJSON() as { settings: { lr: number; epochs: number; batchSize: number; optimizer: string } };
    expect(sent.settings).toMatchObject({ lr: 0.001, epochs: 1, batchSize: 8, optimizer: 'adam' });
  }, 200_000);

  it("the Summary's memory estimate uses the Train tab's batch size and optimizer", async () => {
    const p = await openLeNet();
    await view(p, 'Train');
    await typeOver(trainField(p, 'Batch size'), '8');
    await trainField(p, 'Batch size').press('Tab');
    await p.getByLabel('Optimizer').selectOption('adam');
    const trainLine = (await p.getByTestId('train-memory').locator('b').textContent())!;
    await view(p, 'Model');
    await p.getByRole('tab', { name: /^Summary/ }).click();
    const batch = p.getByTestId('summary').getByRole('textbox', { name: 'Batch size' });
    expect(await batch.inputValue()).toBe('8');
    expect(await p.getByTestId('summary').getByTestId('optimizer').inputValue()).toBe('adam');
    expect(await p.getByTestId('memory-total').textContent()).toBe(trainLine);
    // Changing it here is changing the recipe.
    await typeOver(batch, '16');
    await batch.press('Enter');
    await shoot(p, 'summary-memory');
    await view(p, 'Train');
    expect(await trainField(p, 'Batch size').inputValue()).toBe('16');
  });

  it('try it: an unreadable file among several is named; the others are classified', async () => {
    const p = await readyToTrain();
    await trainOneEpoch(p);
    const notes = path.join(work, 'notes.txt');
    const broken = path.join(work, 'broken.png');
    await fs.writeFile(notes, 'not an image');
    await fs.writeFile(broken, Buffer.from('\x89PNG\r\n\x1a\n truncated'));
    await view(p, 'Try it');
    // The drop zone's file input, as the system's file chooser fills it.
    const files = [path.join(twoClasses, 'top', '003.png'), notes, broken, path.join(twoClasses, 'bottom', '004.png')];
    const items = p.locator('[data-testid="predict-result"] .prediction');
    await p.getByTestId('predict-input').setInputFiles(files);
    // Four results, or the error the page showed instead (a toast), so a failure says why.
    const shown = async () => (await p.getByTestId('toast-error').allTextContents()).join(' ') || String(await items.count());
    await expect.poll(shown, { timeout: 60_000 }).toBe('4');
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['003.png', 'notes.txt', 'broken.png', '004.png']);
    expect(await items.nth(1).getByRole('alert').textContent()).toMatch(/^notes\.txt: not an image file/);
    expect(await items.nth(2).getByRole('alert').textContent()).toMatch(/broken\.png/);
    for (const i of [0, 3]) expect(await items.nth(i).locator('.pred-row').count()).toBe(2);
    await shoot(p, 'predict-mixed');
  }, 200_000);

  it('export offers opsets 11 to 26, as the CLI takes', async () => {
    const p = await openLeNet();
    await view(p, 'Export');
    const opset = p.getByLabel('Opset');
    const opsets = await opset.locator('option').evaluateAll((els) => els.map((e) => Number((e as HTMLOptionElement).value)));
    expect(opsets).toEqual(Array.from({ length: 16 }, (_, i) => 11 + i));
    expect(await opset.inputValue()).toBe('17');
  });

  it('reads 0,002 in a comma locale (de-DE) and shows it with a comma', async () => {
    const de = await openLeNet({ viewport: { width: 1360, height: 900 }, locale: 'de-DE' });
    await view(de, 'Train');
    const lr = trainField(de, 'Learning rate');
    // Whatever rate the studio remembers (the backend keeps settings across pages), it is shown
    // with a decimal comma here.
    await expect.poll(() => lr.inputValue()).toMatch(/^0,0\d+$/);
    await typeOver(lr, '0,002');
    await lr.press('Tab');
    expect(await lr.inputValue()).toBe('0,002');
    expect(await lr.getAttribute('aria-invalid')).toBe('false');
    expect(await de.locator('.field-problem').allTextContents()).toEqual([]);
    const stored = await de.evaluate(() => JSON.parse(localStorage.getItem('cnn-studio-train-settings') ?? '{}') as { lr?: number });
    expect(stored.lr).toBe(0.002);
    await shoot(de, 'train-de');
  });
});
