// @vitest-environment jsdom
/**
 * The Data tab's form (renderer/studio/DatasetPanel.tsx) with a fake backend: the folder typed key
 * by key and loaded with Enter or Browse, the scan's errors, and the split fields (validation
 * fraction rescans, the seed does not), each asserted on the backend calls it makes.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetCacheUsage, DatasetScan } from '../../../core/api';
import { useDoc } from '../../../renderer/state/document';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { DatasetPanel } from '../../../renderer/studio/DatasetPanel';
import { installFakeClient } from '../../helpers/fake-client';
import { loadChain } from '../../helpers/renderer-doc';

const scanOf = (root: string): DatasetScan => ({
  root,
  layout: 'class-folders',
  valSource: 'stratified',
  classes: ['cat', 'dog', 'fox'].map((name) => ({ name, train: 9, val: 1, test: 0, thumbs: [] })),
  total: 30,
  warnings: [],
  corrupt: [],
  sample: { width: 32, height: 32, channels: 3 },
});
const cache: DatasetCacheUsage = { dir: '/cache', datasetBytes: 0, inputs: [], totalBytes: 0, capBytes: 1 << 30 };

function renderPanel(chosen: string | null = null) {
  const api = installFakeClient({
    scanDataset: (req) => (req.path.includes('missing') ? Promise.reject(new Error(`${req.path} does not exist`)) : Promise.resolve(scanOf(req.path))),
    datasetCache: () => Promise.resolve(cache),
    chooseFile: () => Promise.resolve({ native: true, path: chosen }),
  });
  render(<DatasetPanel />);
  return { api, user: userEvent.setup() };
}

const pathField = () => screen.getByRole<HTMLInputElement>('textbox', { name: 'Dataset folder' });
const outputClasses = () => useDoc.getState().doc.nodes.find((n) => n.type === 'output')!.params.classes;

beforeEach(() => {
  localStorage.clear();
  useStudio.setState({ settings: { ...DEFAULT_TRAIN_SETTINGS }, datasetPath: '', scan: null, scanError: null, scanning: false });
  loadChain(['input', 'conv2d', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('dataset folder', () => {
  it('typed key by key and loaded with Enter: one scan, the summary, and the Output block takes the class count', async () => {
    const { api, user } = renderPanel();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Load' }).disabled, 'nothing to load yet').toBe(true);
    await user.type(pathField(), '/data/pets');
    expect(api.scanDataset).not.toHaveBeenCalled();
    await user.keyboard('{Enter}');
    expect(api.scanDataset).toHaveBeenCalledExactlyOnceWith({ path: '/data/pets', valSplit: 0.1 });
    await waitFor(() => expect(screen.getByTestId('dataset-summary').textContent).toContain('30 images3 classes'));
    expect(outputClasses()).toBe(3);
    expect(localStorage.getItem('cnn-studio-dataset')).toBe('/data/pets');
    expect(api.datasetCache).toHaveBeenCalledWith({ path: '/data/pets' });
  });

  it('a folder the backend cannot scan: its message is shown and the model is left alone', async () => {
    const { user } = renderPanel();
    await user.type(pathField(), '/data/missing');
    await user.click(screen.getByRole('button', { name: 'Load' }));
    await waitFor(() => expect(screen.getByTestId('dataset-error').textContent).toBe('/data/missing does not exist'));
    expect(outputClasses()).toBe(10);
  });

  it('Browse asks the backend for a folder and loads the one chosen', async () => {
    const { api, user } = renderPanel('/picked/flowers');
    await user.click(screen.getByRole('button', { name: 'Browse…' }));
    await waitFor(() => expect(api.scanDataset).toHaveBeenCalledExactlyOnceWith({ path: '/picked/flowers', valSplit: 0.1 }));
    expect(api.chooseFile).toHaveBeenCalledExactlyOnceWith({ mode: 'folder', title: 'Choose the image folder' });
    expect(pathField().value).toBe('/picked/flowers');
  });

  it('Browse cancelled: nothing is loaded', async () => {
    const { api, user } = renderPanel(null);
    await user.click(screen.getByRole('button', { name: 'Browse…' }));
    await waitFor(() => expect(api.chooseFile).toHaveBeenCalledTimes(1));
    expect(api.scanDataset).not.toHaveBeenCalled();
  });
});

describe('split fields', () => {
  async function loaded() {
    const r = renderPanel();
    await r.user.type(pathField(), '/data/pets{Enter}');
    await screen.findByTestId('dataset-summary');
    r.api.scanDataset.mockClear();
    return r;
  }

  it('validation fraction: 0.95 is refused; 0.2 on Enter is kept and the folder is scanned again with it', async () => {
    const { api, user } = await loaded();
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Validation fraction (class folders only)' });
    await user.clear(field);
    await user.type(field, '0.95{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be at most 0.9, got 0.95 · kept 0.1');
    expect(api.scanDataset).not.toHaveBeenCalled();
    await user.clear(field);
    await user.type(field, '0.2');
    expect(api.scanDataset, 'no rescan per keystroke').not.toHaveBeenCalled();
    await user.keyboard('{Enter}');
    expect(useStudio.getState().settings.valSplit).toBe(0.2);
    expect(api.scanDataset).toHaveBeenCalledExactlyOnceWith({ path: '/data/pets', valSplit: 0.2 });
  });

  it('seed: negative and fractional seeds are refused; 42 is kept without a rescan', async () => {
    const { api, user } = await loaded();
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Seed' });
    await user.clear(field);
    await user.type(field, '-1{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be at least 0, got -1 · kept 0');
    await user.clear(field);
    await user.type(field, '4.2{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be a whole number, got 4.2 · kept 0');
    await user.clear(field);
    await user.type(field, '42');
    await user.tab();
    expect(useStudio.getState().settings.seed).toBe(42);
    expect(api.scanDataset).not.toHaveBeenCalled();
  });
});
