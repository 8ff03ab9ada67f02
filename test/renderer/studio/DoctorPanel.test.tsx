// @vitest-environment jsdom
/**
 * The data doctor in the Data tab (renderer/studio/DoctorPanel.tsx, DoctorLists.tsx) with a fake
 * backend: Examine asks for the report with the chosen run; Move to class (preset to the class
 * the model suggests, changeable), Exclude and Undo send the folder edits and rescan the folder;
 * Retrain starts a run once the folder was edited.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetScan } from '../../../core/api';
import type { DoctorReport } from '../../../core/data/doctor-report';
import { useDoc } from '../../../renderer/state/document';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { useUi } from '../../../renderer/state/ui';
import { DoctorPanel } from '../../../renderer/studio/DoctorPanel';
import { installFakeClient } from '../../helpers/fake-client';
import { finishedRun } from '../../helpers/run-view';
import { loadChain } from '../../helpers/renderer-doc';

const root = '/data/pets';
const scan: DatasetScan = {
  root,
  layout: 'class-folders',
  valSource: 'stratified',
  classes: ['cat', 'dog', 'fox'].map((name) => ({ name, train: 9, val: 1, test: 0, thumbs: [] })),
  total: 30,
  warnings: [],
  corrupt: [],
  sample: null,
};
const run = finishedRun();
const report: DoctorReport = {
  data: root,
  run: 'run-1',
  classes: ['cat', 'dog', 'fox'],
  images: 30,
  method: { folds: 5, epochs: 2, crossValidated: 27, heldOut: 3, thresholds: {} },
  suspectedMislabels: [{ path: `${root}/cat/3.png`, rel: 'cat/3.png', label: 'cat', suggested: 'dog', confidence: 0.91, selfConfidence: 0.05 }],
  duplicates: [],
  outliers: [],
  unreadable: [],
};
const moved = { edit: { action: 'move' as const, from: 'cat/3.png', to: 'fox/3.png', time: 't' }, undoable: 1 };

function renderPanel() {
  useStudio.setState({ scan, runs: { [run.id]: run }, currentRun: run.id, datasetPath: root, settings: { ...DEFAULT_TRAIN_SETTINGS }, view: 'data' });
  const api = installFakeClient({
    doctorRun: () => Promise.resolve(report),
    imageThumbs: () => Promise.resolve({}),
    doctorMove: () => Promise.resolve(moved),
    doctorExclude: (req) => Promise.resolve({ edit: { action: 'exclude', path: req.rel, time: 't' }, undoable: 1 }),
    doctorUndo: () => Promise.resolve({ ...moved, undoable: 0 }),
    scanDataset: () => Promise.resolve(scan),
    trainStart: () => Promise.resolve({ ...run, id: 'run-2', status: 'starting' }),
  });
  render(<DoctorPanel />);
  return { api, user: userEvent.setup() };
}

async function examined() {
  const r = renderPanel();
  await r.user.click(screen.getByRole('button', { name: 'Examine images' }));
  await screen.findByText('cat/3.png');
  return r;
}

beforeEach(() => {
  useUi.setState({ toasts: [] });
  loadChain(['input', 'conv2d', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('data doctor', () => {
  it('Examine asks for the report with the chosen run and shows the suspected label error', async () => {
    const { api } = await examined();
    expect(api.doctorRun).toHaveBeenCalledExactlyOnceWith({ runId: 'run-1', dataDir: root });
    await waitFor(() => expect(api.imageThumbs).toHaveBeenCalledExactlyOnceWith({ paths: [`${root}/cat/3.png`], size: 56 }));
    expect(screen.getByTestId('doctor-method').textContent).toBe(
      "30 images; out-of-sample predictions from 5-fold cross-validation (2 epochs per fold) and the run's model for 3 held-out images.",
    );
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Class for cat/3.png' }).value, 'preset to the suggestion').toBe('dog');
  });

  it('Move to the class chosen, rescan, Undo, then Retrain', async () => {
    const { api, user } = await examined();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Class for cat/3.png' }), 'fox');
    await user.click(screen.getByRole('button', { name: 'Move cat/3.png to class' }));
    expect(api.doctorMove).toHaveBeenCalledExactlyOnceWith({ dataDir: root, rel: 'cat/3.png', toClass: 'fox' });
    expect(await screen.findByText('moved to fox')).toBeTruthy();
    await waitFor(() => expect(api.scanDataset).toHaveBeenCalledExactlyOnceWith({ path: root, valSplit: 0.1 }));
    await waitFor(() => expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Undo' }).disabled).toBe(false));
    await user.click(screen.getByRole('button', { name: 'Retrain' }));
    expect(useStudio.getState().view).toBe('train');
    await waitFor(() => expect(api.trainStart).toHaveBeenCalledTimes(1));
    expect(api.trainStart.mock.calls[0]![0]).toMatchObject({ dataDir: root, projectPath: '/p/model.cnn.json' });
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(api.doctorUndo).toHaveBeenCalledExactlyOnceWith({ dataDir: root });
    await waitFor(() => expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'info', text: 'fox/3.png moved back to cat/3.png' }));
    expect(screen.queryByText('moved to fox')).toBeNull();
  });

  it('Exclude sends the image; the model is not changed by the rescan', async () => {
    const { api, user } = await examined();
    await user.click(screen.getByRole('button', { name: 'Exclude cat/3.png' }));
    expect(api.doctorExclude).toHaveBeenCalledExactlyOnceWith({ dataDir: root, rel: 'cat/3.png' });
    expect(await screen.findByText('excluded')).toBeTruthy();
    await waitFor(() => expect(api.scanDataset).toHaveBeenCalledTimes(1));
    expect(useDoc.getState().doc.nodes.find((n) => n.type === 'output')!.params.classes, 'the Output block keeps its 10 classes').toBe(10);
  });
});
