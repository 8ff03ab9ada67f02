// @vitest-environment jsdom
/**
 * The Try-it tab's form (renderer/studio/PredictPanel.tsx) with a fake backend: the model to use
 * (a finished run, or an ONNX path typed key by key), images picked, and the predict request and
 * answer shown; no request without a model.
 */
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunView } from '../../../core/api';
import { useStudio } from '../../../renderer/state/studio';
import { useUi } from '../../../renderer/state/ui';
import { PredictPanel } from '../../../renderer/studio/PredictPanel';
import { installFakeClient } from '../../helpers/fake-client';
import { finishedRun as runWith } from '../../helpers/run-view';

const run: RunView = runWith({ id: 'run-3', name: 'run 3' });

function renderPanel(withRun: boolean | RunView) {
  const current = withRun === true ? run : withRun || null;
  useStudio.setState({ runs: current ? { [current.id]: current } : {}, currentRun: current?.id ?? null });
  const api = installFakeClient({
    predict: (req) => Promise.resolve(req.images.map((i) => ({ name: i.name, top: [{ label: 'cat', probability: 0.92 }], error: null }))),
  });
  render(<PredictPanel />);
  return { api, user: userEvent.setup() };
}

const image = (name: string) => new File(['abc'], name, { type: 'image/png' });
const picker = () => screen.getByTestId<HTMLInputElement>('predict-input');

beforeEach(() => useUi.setState({ toasts: [] }));
afterEach(cleanup);

describe('predict', () => {
  it("with a finished run: the images' bytes go to the backend and the top class is shown", async () => {
    const { api, user } = renderPanel(true);
    await user.upload(picker(), [image('cat.png'), image('cat2.png')]);
    await waitFor(() => expect(api.predict).toHaveBeenCalledTimes(1));
    expect(api.predict).toHaveBeenCalledWith({
      source: { runId: 'run-3' },
      images: [
        { name: 'cat.png', data: 'YWJj' },
        { name: 'cat2.png', data: 'YWJj' },
      ],
      k: 5,
    });
    const shown = () =>
      within(screen.getByTestId('predict-result'))
        .queryAllByRole('listitem')
        .map((li) => `${li.dataset.name}: ${li.querySelector('.pred-label')?.textContent} ${li.querySelector('.pred-p')?.textContent}`);
    await waitFor(() => expect(shown()).toEqual(['cat.png: cat 92.0%', 'cat2.png: cat 92.0%']));
  });

  it('an ONNX path typed key by key selects the ONNX source and is sent trimmed', async () => {
    const { api, user } = renderPanel(true);
    await user.type(screen.getByTestId('predict-onnx-path'), ' /models/pets.onnx ');
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'ONNX file' }).checked).toBe(true);
    await user.upload(picker(), image('dog.png'));
    await waitFor(() => expect(api.predict).toHaveBeenCalledTimes(1));
    expect(api.predict.mock.calls[0]![0].source).toEqual({ onnxPath: '/models/pets.onnx' });
  });

  it('no finished run and no ONNX file: told what to do, nothing sent', async () => {
    const { api, user } = renderPanel(false);
    await user.upload(picker(), image('cat.png'));
    await waitFor(() => expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'error', text: 'Pick a finished run first.' }));
    await user.click(screen.getByRole('radio', { name: 'ONNX file' }));
    await user.upload(picker(), image('cat.png'));
    await waitFor(() => expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'error', text: 'Enter the ONNX file to use.' }));
    expect(api.predict).not.toHaveBeenCalled();
  });

  it('the current run still training: says so, and that its model comes when it finishes; nothing sent', async () => {
    const training: RunView = { ...runWith({ id: 'run-4', name: 'run 4' }), status: 'running', hasModel: false };
    const { api, user } = renderPanel(training);
    await user.upload(picker(), image('cat.png'));
    await waitFor(() =>
      expect(useUi.getState().toasts.at(-1)).toMatchObject({
        kind: 'error',
        text: 'run 4 is still training: its model is ready when it finishes. Pick a finished run to try one now.',
      }),
    );
    expect(api.predict).not.toHaveBeenCalled();
  });
});
