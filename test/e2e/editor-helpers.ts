/** Page helpers for the editor's end-to-end tests: adding, wiring and editing blocks. */
import type { Locator, Page } from 'playwright-core';

export const node = (page: Page, name: string): Locator => page.locator(`[data-node-name="${name}"]`);

/** Clicks a palette item: the block lands under the selected block and is wired to it. */
export async function addBlock(page: Page, type: string): Promise<void> {
  const before = await page.evaluate(() => window.__cnnStudio!.nodeCount());
  await page.getByTestId(`palette-${type}`).click();
  await page.waitForFunction((n) => window.__cnnStudio!.nodeCount() > n, before);
  // The new block is selected: its inspector is the one the next setParam fills.
  await page.getByTestId('inspector').waitFor();
}

export async function setParam(page: Page, name: string, value: string): Promise<void> {
  const field = page.getByTestId(`param-${name}`);
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else {
    // Number fields read their text on Enter (or leaving the field), as a person confirms it.
    await field.fill(value);
    await field.press('Enter');
  }
}

/** Drags from an output port to an input port, as a person wires two blocks. */
export async function connect(page: Page, from: string, to: string, fromPort = 0, toPort = 0): Promise<void> {
  const a = await node(page, from).getByTestId(`port-out-${fromPort}`).boundingBox();
  const b = await node(page, to).getByTestId(`port-in-${toPort}`).boundingBox();
  if (!a || !b) throw new Error(`ports of ${from} or ${to} are not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

export async function selectNode(page: Page, name: string): Promise<void> {
  await node(page, name).locator('.bn-head').click();
}

export async function edgeLabels(page: Page): Promise<string[]> {
  return page.getByTestId('edge-label').allTextContents();
}

export async function docJson(page: Page): Promise<string> {
  return page.evaluate(() => window.__cnnStudio!.docJson());
}

const viewportTransform = (page: Page) => page.evaluate(() => document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '');

/**
 * Waits until the view stops moving (fit and reveal animations): the viewport's transform is read
 * until two readings a frame-batch apart agree, then the browser paints once more.
 */
export async function settle(page: Page): Promise<void> {
  let last = await viewportTransform(page);
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(120);
    const now = await viewportTransform(page);
    if (now === last) break;
    last = now;
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Fits the view and waits for the animation to settle. */
export async function fit(page: Page): Promise<void> {
  await page.getByTestId('fit-view').click();
  await settle(page);
}

/** Runs auto-layout and waits for the worker and the fit animation. */
export async function layout(page: Page): Promise<void> {
  await page.getByTestId('auto-layout').click();
  await page.locator('.canvas-busy').waitFor({ state: 'detached', timeout: 60_000 });
  await settle(page);
}

/**
 * Types a path into serve mode's file dialog. The dialog pre-fills its field when the first
 * folder listing arrives; Playwright's fill selects then inserts, so a listing landing between
 * the two would leave the folder in front of the typed path. Waiting for the listing first is
 * what a person does anyway, and the check after it catches any other interleaving.
 */
export async function typePath(page: Page, file: string): Promise<void> {
  await page.getByTestId('browser-list').waitFor();
  const field = page.getByTestId('file-path');
  await field.fill(file);
  if ((await field.inputValue()) !== file) await field.fill(file);
}
