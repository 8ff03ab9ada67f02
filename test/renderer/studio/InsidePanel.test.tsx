// @vitest-environment jsdom
/**
 * Inside the model (renderer/studio/InsidePanel.tsx) with a fake backend: it opens on the last
 * conv layer and the run's sample image; choosing another layer or picking an image asks for that
 * layer's maps of that image; without a finished run nothing is asked.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivationMaps } from '../../../core/api';
import { useStudio } from '../../../renderer/state/studio';
import { InsidePanel } from '../../../renderer/studio/InsidePanel';
import { installFakeClient } from '../../helpers/fake-client';
import { finishedRun } from '../../helpers/run-view';

const layers = [
  { name: 'conv1', shape: [16, 32, 32] },
  { name: 'conv2', shape: [32, 16, 16] },
];

function renderPanel(hasModel = true) {
  const run = finishedRun({ id: 'run-5', hasModel });
  useStudio.setState({ runs: { [run.id]: run }, currentRun: run.id });
  const api = installFakeClient({
    modelLayers: () => Promise.resolve({ layers, sample: { name: 'sample.png', data: 'AAAA', mime: 'image/png' } }),
    activations: (req): Promise<ActivationMaps> =>
      Promise.resolve({ layer: req.layer, shape: [2, 4, 4], maps: ['data:image/png;base64,AA', 'data:image/png;base64,BB'] }),
  });
  render(<InsidePanel />);
  return { api, user: userEvent.setup() };
}

afterEach(cleanup);

describe('inside the model', () => {
  it("opens on the last conv layer with the run's sample image", async () => {
    const { api } = renderPanel();
    await waitFor(() => expect(api.activations).toHaveBeenCalledTimes(1));
    expect(api.modelLayers).toHaveBeenCalledExactlyOnceWith({ runId: 'run-5' });
    expect(api.activations).toHaveBeenCalledWith({ runId: 'run-5', layer: 'conv2', image: { name: 'sample.png', data: 'AAAA' }, maxMaps: 32 });
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Conv layer' }).value).toBe('conv2');
    await waitFor(() => expect(screen.getAllByRole('button', { name: /Enlarge map/ })).toHaveLength(2));
  });

  it('another layer, then another image: each asks for its maps', async () => {
    const { api, user } = renderPanel();
    await waitFor(() => expect(api.activations).toHaveBeenCalledTimes(1));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Conv layer' }), 'conv1 (16×32×32)');
    await waitFor(() =>
      expect(api.activations).toHaveBeenLastCalledWith(expect.objectContaining({ layer: 'conv1', image: { name: 'sample.png', data: 'AAAA' } })),
    );
    await user.upload(screen.getByTestId('inside-image'), new File(['abc'], 'mine.png', { type: 'image/png' }));
    await waitFor(() =>
      expect(api.activations).toHaveBeenLastCalledWith(expect.objectContaining({ layer: 'conv1', image: { name: 'mine.png', data: 'YWJj' } })),
    );
  });

  it('a run without a model: told so, and the backend is not asked', () => {
    const { api } = renderPanel(false);
    expect(screen.getByText('Train a run to the end first.')).toBeTruthy();
    expect(api.modelLayers).not.toHaveBeenCalled();
  });
});
