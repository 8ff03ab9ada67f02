// @vitest-environment jsdom
/**
 * "Fine-tune a pretrained model on my images" (renderer/studio/PretrainedDialog.tsx) with a fake
 * backend: a backbone and a folder must be chosen; the download shows its progress and can be
 * cancelled; when ready, the project opens and the folder is loaded in the Data step; a failed
 * download is told and can be retried.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PretrainedCatalogRow, StudioApi } from '../../../core/api';
import { useDoc } from '../../../renderer/state/document';
import { useFiles } from '../../../renderer/state/files';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { useUi } from '../../../renderer/state/ui';
import { PretrainedDialog } from '../../../renderer/studio/PretrainedDialog';
import { fakeClient } from '../../helpers/fake-client';
import { chainDoc, loadChain } from '../../helpers/renderer-doc';

const row = (id: string, label: string, available: boolean): PretrainedCatalogRow => ({
  id,
  label,
  sizeMiB: 44.7,
  top1: 69.8,
  params: 11.7e6,
  gmacs: 1.8,
  cpuLatencyMs: 21,
  latencyNote: 'AMD EPYC, 2 threads, batch 1',
  available,
  cached: false,
  terms: 'BSD-3-Clause',
});
const catalog = [row('vit_b_16', 'ViT-B/16', false), row('resnet18', 'ResNet-18', true), row('mobilenet_v3_small', 'MobileNetV3 Small', true)];

function renderDialog(prepare: StudioApi['pretrainedPrepare']) {
  const api = fakeClient({
    pretrainedCatalog: () => Promise.resolve(catalog),
    pretrainedPrepare: prepare,
    pretrainedCancel: () => Promise.resolve({ cancelled: true }),
    chooseFile: () => Promise.resolve({ native: true, path: '/data/pets' }),
    openProject: (req) =>
      Promise.resolve({ path: req.path, project: { name: 'ResNet-18', model: chainDoc(['input', 'relu', 'output']).doc, extra: {} }, warnings: [] }),
    // The scan itself is the Data tab's (DatasetPanel.test.tsx); here only the call is checked.
    scanDataset: () => Promise.reject(new Error('the scan is not under test here')),
  });
  useFiles.setState({ api });
  useStudio.setState({ api, settings: { ...DEFAULT_TRAIN_SETTINGS }, view: 'model' });
  useUi.setState({ dialog: 'pretrained' });
  render(<PretrainedDialog />);
  return { api, user: userEvent.setup() };
}

const startButton = () => screen.getByRole<HTMLButtonElement>('button', { name: 'Download and fine-tune' });

beforeEach(() => loadChain(['input', 'output']));
afterEach(cleanup);

describe('pretrained fine-tuning dialog', () => {
  it('the first available backbone is picked; a pending one cannot be; a folder is needed', async () => {
    const { api, user } = renderDialog(() => new Promise(() => undefined));
    expect((await screen.findByRole<HTMLInputElement>('radio', { name: 'ResNet-18' })).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /ViT-B\/16/ }).disabled).toBe(true);
    expect(startButton().disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Choose image folder…' }));
    expect(api.chooseFile).toHaveBeenCalledExactlyOnceWith({ mode: 'folder', title: 'Image folder (one sub-folder per class)' });
    await waitFor(() => expect(screen.getByTestId('pretrained-folder').textContent).toBe('/data/pets'));
    expect(startButton().disabled).toBe(false);
  });

  it('downloads the backbone picked, shows progress, cancels on request; then opens it with the folder', async () => {
    let finish!: () => void;
    const { api, user } = renderDialog(
      () => new Promise((resolve) => (finish = () => resolve({ projectPath: '/cache/mobilenet.cnn.json', label: 'MobileNetV3 Small' }))),
    );
    await user.click(await screen.findByRole('radio', { name: 'MobileNetV3 Small' }));
    await user.click(screen.getByRole('button', { name: 'Choose image folder…' }));
    await waitFor(() => expect(startButton().disabled).toBe(false));
    await user.click(startButton());
    expect(api.pretrainedPrepare).toHaveBeenCalledExactlyOnceWith({ id: 'mobilenet_v3_small' });
    act(() => api.emit('pretrained', { id: 'mobilenet_v3_small', state: 'downloading', received: 1048576, total: 4 * 1048576 }));
    expect(screen.getByTestId('pretrained-progress').textContent).toContain('Downloading 1.0 / 4.0 MiB');
    expect(startButton().disabled, 'one download at a time').toBe(true);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.pretrainedCancel).toHaveBeenCalledExactlyOnceWith({});
    act(() => finish());
    await waitFor(() => expect(useDoc.getState().path).toBe('/cache/mobilenet.cnn.json'));
    expect(api.openProject).toHaveBeenCalledExactlyOnceWith({ path: '/cache/mobilenet.cnn.json' });
    await waitFor(() => expect(api.scanDataset).toHaveBeenCalledExactlyOnceWith({ path: '/data/pets', valSplit: 0.1 }));
    expect(useStudio.getState().view).toBe('data');
    expect(useUi.getState().dialog).toBeNull();
  });

  it('a failed download is told and the button is offered again', async () => {
    const { user } = renderDialog(() => Promise.reject(new Error('download.pytorch.org could not be reached')));
    await user.click(await screen.findByRole('button', { name: 'Choose image folder…' }));
    await waitFor(() => expect(startButton().disabled).toBe(false));
    await user.click(startButton());
    expect((await screen.findByRole('alert')).textContent).toBe('download.pytorch.org could not be reached');
    expect(startButton().disabled).toBe(false);
  });
});
