/** Page helpers for the editor's end-to-end tests: adding, wiring and editing blocks. */
import type { Locator, Page } from 'playwright-core';

export const node = (page: Page, name: string): Locator => page.locator(`[data-node-name="${name}"]`);

/**
 * Sets an inspector field as a person does: a select picks the option; a text or number field is
 * selected and typed over key by key, then confirmed with Enter (number fields read their text on
 * Enter or on leaving the field).
 */
export async function setField(field: Locator, value: string): Promise<void> {
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') return void (await field.selectOption(value));
  await field.click();
  await field.selectText();
  await field.pressSequentially(value);
  await field.press('Enter');
}

/** The inspector's field with this visible label (a parameter's name as the inspector shows it). */
export const inspectorField = (page: Page, label: string): Locator => page.getByTestId('inspector').getByLabel(label, { exact: true });

/**
 * Clicks the palette button named `label` (its visible text, e.g. "Conv 2D"): the block lands
 * under the selected block and is wired to it. The block count is read only to wait for it.
 */
export async function addFromPalette(page: Page, label: string): Promise<void> {
  const before = await page.evaluate(() => window.__cnnStudio!.nodeCount());
  // The button's name is its label, plus the name a search found it by ("Hardswish as “h-swish”").
  await page
    .getByRole('complementary', { name: 'Blocks' })
    .getByRole('button')
    .filter({ has: page.getByText(label, { exact: true }) })
    .click();
  await page.waitForFunction((n) => window.__cnnStudio!.nodeCount() > n, before);
  await page.getByTestId('inspector').waitFor();
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

/** Frames in a row the view must hold still to count as settled (a fit animation moves it every frame). */
const STILL_FRAMES = 10;

/**
 * Waits until the view stops moving (fit and reveal animations): the viewport's transform is read
 * on every animation frame until it has not changed for STILL_FRAMES frames in a row. The page's
 * own frames are the clock, so a slow machine waits longer instead of reading a moving view.
 */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    (still) =>
      new Promise<void>((resolve) => {
        const read = () => document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '';
        let last = read();
        let unchanged = 0;
        const tick = () => {
          const now = read();
          unchanged = now === last ? unchanged + 1 : 0;
          last = now;
          if (unchanged >= still) resolve();
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    STILL_FRAMES,
  );
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
