// @vitest-environment jsdom
/**
 * The Export tab's forms (renderer/studio/ExportPanel.tsx) with a fake backend: what each field
 * typed or chosen puts in the export request, what is left out when empty, and what the person
 * is told when the backend refuses.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunView } from '../../../core/api';
import { useDoc } from '../../../renderer/state/document';
import { toProject } from '../../../renderer/state/project';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { useUi } from '../../../renderer/state/ui';
import { ExportPanel } from '../../../renderer/studio/ExportPanel';
import { installFakeClient } from '../../helpers/fake-client';
import { finishedRun as runWith } from '../../helpers/run-view';
import { loadChain } from '../../helpers/renderer-doc';

const finishedRun: RunView = runWith({ id: 'run-7', name: 'run 7', dir: '/runs/run-7' });

function renderPanel(run: RunView | null, fail = false) {
  useStudio.setState({ runs: run ? { [run.id]: run } : {}, currentRun: run?.id ?? null });
  const refuse = () => Promise.reject(new Error('/readonly is not writable'));
  const api = installFakeClient({
    exportRunOnnx: (req) => (fail ? refuse() : Promise.resolve({ path: req.path, bytes: 4096, warnings: [] })),
    exportRunPytorch: (req) => (fail ? refuse() : Promise.resolve({ dir: req.dir, files: ['model.py', 'train.py'], warnings: [] })),
    exportProjectPytorch: (req) => (fail ? refuse() : Promise.resolve({ dir: req.dir, files: ['model.py'], warnings: [] })),
  });
  render(<ExportPanel />);
  return { api, user: userEvent.setup() };
}

const textbox = (name: string) => screen.getByRole<HTMLInputElement>('textbox', { name });
const button = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name });
const lastToast = () => useUi.getState().toasts.at(-1);

beforeEach(() => {
  useUi.setState({ toasts: [] });
  useStudio.setState({ settings: { ...DEFAULT_TRAIN_SETTINGS } });
  loadChain(['input', 'conv2d', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('ONNX export', () => {
  it('without a finished run it cannot be exported', () => {
    renderPanel(null);
    expect(button('Export ONNX').disabled).toBe(true);
  });

  it('defaults: the run folder, opset 17, fp32, best checkpoint, no metadata keys', async () => {
    const { api, user } = renderPanel(finishedRun);
    expect(textbox('ONNX file').placeholder).toBe('/runs/run-7/run-7.onnx');
    await user.click(button('Export ONNX'));
    expect(api.exportRunOnnx).toHaveBeenCalledExactlyOnceWith({
      runId: 'run-7',
      checkpoint: 'best',
      opset: 17,
      path: '/runs/run-7/run-7.onnx',
      precision: 'fp32',
    });
    await waitFor(() => expect(screen.getByTestId('export-done').textContent).toBe('Written: /runs/run-7/run-7.onnx'));
  });

  it('every option typed or chosen reaches the request', async () => {
    const { api, user } = renderPanel(finishedRun);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Checkpoint' }), 'last');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Opset' }), '13');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Precision' }), 'int8');
    await user.type(textbox('Model name'), 'pets');
    await user.type(textbox('Author'), 'Ada');
    await user.type(textbox('Description'), 'cats and dogs');
    await user.type(textbox('ONNX file'), '/out/pets.onnx');
    await user.click(button('Export ONNX'));
    expect(api.exportRunOnnx).toHaveBeenCalledExactlyOnceWith({
      runId: 'run-7',
      checkpoint: 'last',
      opset: 13,
      path: '/out/pets.onnx',
      precision: 'int8',
      modelName: 'pets',
      description: 'cats and dogs',
      author: 'Ada',
    });
  });

  it("the backend's refusal is shown as an error, and nothing claims to be written", async () => {
    const { user } = renderPanel(finishedRun, true);
    await user.click(button('Export ONNX'));
    await waitFor(() => expect(lastToast()).toMatchObject({ kind: 'error', text: '/readonly is not writable' }));
    expect(screen.queryByTestId('export-done')).toBeNull();
  });
});

describe('PyTorch project export', () => {
  it('needs a folder; without a run it exports the editor model with the Train recipe', async () => {
    const { api, user } = renderPanel(null);
    expect(button('Export PyTorch').disabled).toBe(true);
    await user.type(textbox('PyTorch project folder'), '  /out/py  ');
    await user.click(button('Export PyTorch'));
    expect(api.exportProjectPytorch).toHaveBeenCalledExactlyOnceWith({
      project: toProject(useDoc.getState().doc),
      settings: DEFAULT_TRAIN_SETTINGS,
      dir: '/out/py',
    });
    expect(api.exportRunPytorch).not.toHaveBeenCalled();
    await waitFor(() => expect(lastToast()).toMatchObject({ kind: 'ok', text: 'Wrote model.py to /out/py' }));
  });

  it("with a finished run it exports the run's recipe and the chosen checkpoint", async () => {
    const { api, user } = renderPanel(finishedRun);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Checkpoint' }), 'last');
    await user.type(textbox('PyTorch project folder'), '/out/py');
    await user.click(button('Export PyTorch'));
    expect(api.exportRunPytorch).toHaveBeenCalledExactlyOnceWith({ runId: 'run-7', checkpoint: 'last', dir: '/out/py' });
    await waitFor(() => expect(lastToast()).toMatchObject({ kind: 'ok', text: 'Wrote model.py, train.py to /out/py' }));
  });
});
