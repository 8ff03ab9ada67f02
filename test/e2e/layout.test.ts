/**
 * The canvas lays itself out as a person expects: projects open top to bottom, expanding and
 * collapsing reflows the graph, palette clicks insert into a chain, fixes place blocks where they
 * do not cover others, and names stay readable zoomed out. Overlaps are measured from the
 * rendered node boxes; who feeds whom from the drawn wires.
 *
 * The file shares one serve process and browser; every test opens its own page (a fresh browser
 * context) and starts from what it needs, so the tests pass in any order (`--sequence.shuffle`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeTestPage, openTestPage, repoRoot, startServe, startStudio, stopStudio, type SharedStudio, type TestPage } from './harness';
import { addFromPalette, connect, fit, node, selectNode } from './editor-helpers';
import { drawnBoxes, extent, overlappingPairs, settle, shot, zoomLevel } from './layout-helpers';
import { tempDir } from '../helpers/temp-dir';

let studio: SharedStudio;
let current: TestPage | null = null;
const home = tempDir('cnn-studio-e2e-home-');
const work = tempDir('cnn-studio-e2e-layout-');

beforeAll(async () => {
  studio = await startStudio(home);
});
afterEach(async () => {
  const errors = await closeTestPage(current);
  current = null;
  expect(errors).toEqual([]);
});
afterAll(() => stopStudio(studio));

/** The test's own page: the studio's empty canvas, or the studio another serve process runs. */
async function freshPage(url?: string): Promise<Page> {
  current = await openTestPage(studio, url ? { url, page: { viewport: { width: 1280, height: 800 } } } : {});
  return current.page;
}

/** New > a template with this input size, as a person fills the gallery card. */
async function openTemplate(p: Page, label: string, input: string): Promise<void> {
  await p.getByRole('button', { name: 'New', exact: true }).click();
  const dialog = p.getByRole('dialog');
  const card = dialog.locator('.template-card').filter({ has: p.getByText(label, { exact: true }) });
  const field = card.getByLabel(`${label} input C×H×W`);
  await field.fill('');
  await field.pressSequentially(input);
  await card.getByRole('button', { name: 'Open' }).click();
  await dialog.waitFor({ state: 'detached' });
  await settle(p);
}

/** New > Empty canvas, discarding the open model. */
async function newEmptyCanvas(p: Page): Promise<void> {
  await p.getByRole('button', { name: 'New', exact: true }).click();
  await p.getByTestId('template-empty').click();
  const discard = p.getByTestId('confirm-discard');
  if (await discard.isVisible().catch(() => false)) await discard.click();
  await p.getByTestId('empty-hint').waitFor();
}

const isDirty = (p: Page) => p.getByTestId('dirty').isVisible();
const tab = (p: Page, name: 'Inspector' | 'Summary' | 'Problems') => p.getByRole('tab', { name: new RegExp(`^${name}`) });

async function fittedOverlaps(p: Page): Promise<string[]> {
  await fit(p);
  await settle(p);
  return overlappingPairs(await drawnBoxes(p));
}

/**
 * The blocks `name` feeds, by name, read from the drawn wires (each is labelled "Edge from <id>
 * to <id>" by React Flow; the block's own element carries its id and name). The view is fitted
 * first: the canvas draws only what is in view.
 */
async function feeds(p: Page, name: string): Promise<string[]> {
  await fit(p);
  return p.evaluate((from) => {
    const nameOf = new Map<string, string>();
    const idOf = new Map<string, string>();
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      const named = el.querySelector<HTMLElement>('[data-node-name]');
      if (!named || !el.dataset['id']) continue;
      nameOf.set(el.dataset['id'], named.dataset['nodeName'] ?? '');
      idOf.set(named.dataset['nodeName'] ?? '', el.dataset['id']);
    }
    const prefix = `Edge from ${idOf.get(from)} to `;
    return [...document.querySelectorAll('.react-flow__edge')]
      .map((e) => e.getAttribute('aria-label') ?? '')
      .filter((l) => l.startsWith(prefix))
      .map((l) => nameOf.get(l.slice(prefix.length)) ?? l)
      .sort();
  }, name);
}

/** Where a block is drawn, vertically, on the screen. */
const drawnTop = async (p: Page, name: string): Promise<number> => (await node(p, name).boundingBox())!.y;

describe('layout on the canvas (serve mode, Chromium)', () => {
  it('GoogLeNet 3×64×64: Expand all and Collapse all reflow without overlaps, and are not edits', async () => {
    const page = await freshPage();
    await openTemplate(page, 'GoogLeNet', '3x64x64');
    await node(page, 'inception5b').waitFor();
    await settle(page);
    await shot(page, 'googlenet-fit');
    // Readable at fit zoom: the names are drawn, whole, and big enough on screen to read.
    const name = node(page, 'inception4e').locator('.bn-name');
    await expect.poll(() => name.isVisible()).toBe(true);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    expect((await name.boundingBox())!.height).toBeGreaterThanOrEqual(9);
    expect(await isDirty(page)).toBe(false);
    // Close up (the layer table zooms to at least 70 %) the full name shows beside the type.
    await tab(page, 'Summary').click();
    await page.getByTestId('layer-row-inception4e').click();
    await settle(page);
    await shot(page, 'googlenet-inception4e-close');
    expect(await zoomLevel(page)).toBeGreaterThanOrEqual(0.7);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await tab(page, 'Inspector').click();

    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.locator('.react-flow__node-frame').first().waitFor();
    await settle(page);
    // Expanded, the view is the whole graph, or its start when the whole would be too small to tell blocks apart.
    expect(await zoomLevel(page)).toBeGreaterThanOrEqual(0.15);
    await shot(page, 'googlenet-expanded-all');
    expect(await fittedOverlaps(page)).toEqual([]);
    // Every layer was drawn (the fitted view holds all of them), so the count above saw them all:
    // one node per layer (the status bar's count) plus one frame per expanded Inception.
    const layers = Number(/(\d+) layers/.exec((await page.getByTestId('doc-stats').textContent()) ?? '')?.[1]);
    expect(await page.locator('.react-flow__node').count()).toBe(layers + 9);
    expect(await page.locator('.react-flow__node-frame').count()).toBe(9);
    expect(await isDirty(page)).toBe(false);

    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.locator('.react-flow__node-frame').first().waitFor({ state: 'detached' });
    expect(await fittedOverlaps(page)).toEqual([]);
    await shot(page, 'googlenet-collapsed-all');
    // Collapsing gives the space back: the drawing is as tall as a fresh layout, within a block.
    const boxes = await drawnBoxes(page);
    const tall = extent(boxes).height;
    await page.getByRole('button', { name: 'Layout' }).click();
    await page.locator('.canvas-busy').waitFor({ state: 'detached', timeout: 60_000 });
    await settle(page);
    expect(Math.abs(extent(await drawnBoxes(page)).height - tall)).toBeLessThan(400);
    expect(await isDirty(page)).toBe(false);
  });

  it('expanding one Inception pushes the blocks below down and keeps it in view', async () => {
    const page = await freshPage();
    await openTemplate(page, 'GoogLeNet', '3x64x64');
    await node(page, 'inception5b').waitFor();
    await selectNode(page, 'inception4a');
    await page.keyboard.press('e');
    const frame = page.locator('.react-flow__node-frame');
    await frame.waitFor();
    await settle(page);
    await shot(page, 'googlenet-expand-one');
    const box = (await frame.boundingBox())!;
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(canvas.y - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
    expect(await fittedOverlaps(page)).toEqual([]);
    // The chain still runs downwards through the frame (all three are in the fitted view).
    expect(await drawnTop(page, 'inception4a')).toBeGreaterThan(await drawnTop(page, 'inception3b'));
    expect(await drawnTop(page, 'inception4b')).toBeGreaterThan(await drawnTop(page, 'inception4a'));
    await page.keyboard.press('e');
    await frame.waitFor({ state: 'detached' });
    expect(await fittedOverlaps(page)).toEqual([]);
  });

  it('ResNet-50: Expand all and Collapse all leave no overlapping blocks', async () => {
    const page = await freshPage();
    await openTemplate(page, 'ResNet-50', '3x224x224');
    await node(page, 'layer4').waitFor();
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.locator('.react-flow__node-frame').first().waitFor();
    await settle(page);
    // 175 layers in a column are unreadable fitted whole: the view shows the network's start at 60 %,
    // the input at the top of the canvas, centred across.
    expect(await zoomLevel(page)).toBe(0.6);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const input = (await node(page, 'input').boundingBox())!;
    expect(input.y).toBeGreaterThanOrEqual(canvas.y);
    expect(input.y).toBeLessThan(canvas.y + 80);
    expect(Math.abs(input.x + input.width / 2 - (canvas.x + canvas.width / 2))).toBeLessThan(canvas.width / 4);
    await shot(page, 'resnet50-expanded-all');
    // Fit (the button, F) still shows all of it.
    await fit(page);
    expect(await zoomLevel(page)).toBeLessThan(0.2);
    expect(await fittedOverlaps(page)).toEqual([]);
    await shot(page, 'resnet50-expanded-all-fit');
    // A closer look at the first stage.
    await tab(page, 'Summary').click();
    await page.getByTestId('layer-row-layer1').click();
    await settle(page);
    await shot(page, 'resnet50-expanded-layer1');
    await tab(page, 'Inspector').click();
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.locator('.react-flow__node-frame').first().waitFor({ state: 'detached' });
    expect(await fittedOverlaps(page)).toEqual([]);
    expect(await isDirty(page)).toBe(false);
  });

  it('a new canvas starts at zoom 100%', async () => {
    const page = await freshPage();
    // From a model that fits only zoomed out.
    await openTemplate(page, 'ResNet-50', '3x224x224');
    await node(page, 'layer4').waitFor();
    await fit(page);
    expect(await zoomLevel(page)).toBeLessThan(0.5);
    await newEmptyCanvas(page);
    await expect.poll(() => zoomLevel(page)).toBe(1);
  });

  it('clicking a palette block with a block of a chain selected inserts it into the chain', async () => {
    const page = await freshPage();
    for (const block of ['Input (image)', 'Conv 2D', 'ReLU', 'Global Avg Pool', 'Output (classifier)']) await addFromPalette(page, block);
    await selectNode(page, 'conv1');
    await addFromPalette(page, 'Batch Norm 2D');
    expect(await feeds(page, 'conv1')).toEqual(['bn1']);
    expect(await feeds(page, 'bn1')).toEqual(['relu1']);
    expect(await page.getByTestId('diagnostic').count()).toBe(0);
    expect(await fittedOverlaps(page)).toEqual([]);
    await shot(page, 'palette-insert-chain');

    // A fork: conv1 also feeds a second conv. The new block goes between conv1 and both.
    await page.keyboard.press('Escape');
    const canvas = page.getByTestId('canvas');
    const cb = (await canvas.boundingBox())!;
    await page
      .getByRole('complementary', { name: 'Blocks' })
      .getByRole('button', { name: 'Conv 2D', exact: true })
      .dragTo(canvas, { targetPosition: { x: cb.width - 180, y: 120 } });
    await node(page, 'conv2').waitFor();
    await connect(page, 'bn1', 'conv2');
    await selectNode(page, 'bn1');
    await addFromPalette(page, 'Dropout');
    expect(await feeds(page, 'bn1')).toEqual(['dropout1']);
    expect(await feeds(page, 'dropout1')).toEqual(['conv2', 'relu1']);
    expect(await fittedOverlaps(page)).toEqual([]);
    await shot(page, 'palette-insert-fork');
  });

  it('fixes place new blocks without covering others', async () => {
    const page = await freshPage();
    for (const block of ['Input (image)', 'Conv 2D', 'Dense']) await addFromPalette(page, block);
    await fit(page);
    await tab(page, 'Problems').click();
    await page.getByRole('button', { name: 'Insert Flatten' }).first().click();
    await expect.poll(() => feeds(page, 'conv1')).toEqual(['flatten']);
    await page.getByRole('button', { name: /Add an Output after/ }).click();
    const output = page.locator('[data-node-type="output"]');
    await output.waitFor();
    expect(await fittedOverlaps(page)).toEqual([]);
    await shot(page, 'fixes-placed');
    expect((await output.boundingBox())!.y).toBeGreaterThan(await drawnTop(page, 'fc1'));
  });

  it('a project written by `cnn-studio template` opens top to bottom, without overlaps', async () => {
    const file = path.join(work, 'googlenet.cnn.json');
    execFileSync(process.execPath, [path.join(repoRoot, 'bin/cnn-studio.cjs'), 'template', 'googlenet', '--input', '3x64x64', '-o', file]);
    const saved = readFileSync(file, 'utf8');
    const other = await startServe([file]);
    try {
      const p = await freshPage(other.openUrl);
      await p.locator('[data-node-name="inception5b"]').waitFor();
      await settle(p);
      await shot(p, 'cli-template-first-open');
      const boxes = await drawnBoxes(p);
      const e = extent(boxes);
      expect(e.height).toBeGreaterThan(e.width);
      expect(overlappingPairs(boxes)).toEqual([]);
      // The file's own layout was kept (it is not degenerate) and nothing was marked unsaved.
      expect(await isDirty(p)).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe(saved);
      expect(current!.errors).toEqual([]);
    } finally {
      // The page goes before its server does (a page left open would log the lost connection).
      await current?.context.close();
      current = null;
      await other.stop();
    }
  });

  it('a project with every block on one row, or without positions, is laid out on open', async () => {
    const strip = path.join(work, 'strip.cnn.json');
    const project = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/lenet-strip.cnn.json'), 'utf8')) as {
      model: { nodes: Record<string, unknown>[] };
    };
    writeFileSync(strip, JSON.stringify(project));
    const bare = path.join(work, 'bare.cnn.json');
    for (const n of project.model.nodes) delete n['position'];
    writeFileSync(bare, JSON.stringify(project));
    for (const [file, label] of [
      [strip, 'strip'],
      [bare, 'no-positions'],
    ] as const) {
      const other = await startServe([file]);
      try {
        const p = await freshPage(other.openUrl);
        await p.locator('[data-node-name="fc3"]').waitFor();
        await settle(p);
        await shot(p, `open-${label}`);
        const boxes = await drawnBoxes(p);
        const e = extent(boxes);
        expect(e.height, label).toBeGreaterThan(e.width);
        expect(overlappingPairs(boxes), label).toEqual([]);
        // Every block is in view: the view was fitted to the new layout.
        expect(boxes.length, label).toBe(project.model.nodes.length);
        expect(await p.getByTestId('dirty').isVisible(), label).toBe(false);
        expect(current!.errors, label).toEqual([]);
      } finally {
        await current?.context.close();
        current = null;
        await other.stop();
      }
    }
  });
});
