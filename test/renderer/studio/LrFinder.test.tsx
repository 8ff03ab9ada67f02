// @vitest-environment jsdom
/**
 * "Find learning rate" (renderer/studio/LrFinder.tsx) with a fake backend: the request carries the
 * open model and the form's settings; the suggestion, rounded to two digits, becomes the learning
 * rate unless the search was cancelled; Cancel asks the backend to stop.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LrFindView } from '../../../core/api';
import { useDoc } from '../../../renderer/state/document';
import { toProject } from '../../../renderer/state/project';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { LrFinder } from '../../../renderer/studio/LrFinder';
import { installFakeClient } from '../../helpers/fake-client';
import { loadChain } from '../../helpers/renderer-doc';

const curve = [1e-5, 1e-4, 1e-3, 1e-2].map((lr, i) => ({ lr, loss: 2 - i * 0.3 }));
const view = (suggestion: number | null, stopped: LrFindView['stopped'] = 'end'): LrFindView => ({ curve, suggestion, stopped, batchSize: 32 });

/** Renders the finder whose search answers `answer` once `release` is called. */
function renderFinder(answer: LrFindView) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const api = installFakeClient({
    lrFind: () => gate.then(() => answer),
    lrFindCancel: () => Promise.resolve({ cancelled: true }),
  });
  render(<LrFinder disabled={false} why={null} />);
  return { api, release, user: userEvent.setup() };
}

beforeEach(() => {
  localStorage.clear();
  useStudio.setState({ settings: { ...DEFAULT_TRAIN_SETTINGS }, datasetPath: '/data/pets', scan: null });
  loadChain(['input', 'conv2d', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('learning rate finder', () => {
  it('sends the model and the settings; the suggestion rounded to two digits becomes the rate', async () => {
    const { api, release, user } = renderFinder(view(0.0012345));
    await user.click(screen.getByRole('button', { name: 'Find learning rate' }));
    expect(api.lrFind).toHaveBeenCalledExactlyOnceWith({
      project: toProject(useDoc.getState().doc),
      projectPath: '/p/model.cnn.json',
      dataDir: '/data/pets',
      settings: DEFAULT_TRAIN_SETTINGS,
    });
    expect(screen.getByRole('status').textContent).toBe('Searching…');
    release();
    await waitFor(() => expect(screen.getByTestId('lr-find-result').textContent).toContain('Learning rate set to 0.0012'));
    expect(useStudio.getState().settings.lr).toBe(0.0012);
  });

  it('Cancel asks the backend to stop; a cancelled search leaves the rate alone', async () => {
    const { api, release, user } = renderFinder(view(0.05, 'cancelled'));
    await user.click(screen.getByRole('button', { name: 'Find learning rate' }));
    await user.click(screen.getByRole('button', { name: 'Cancel search' }));
    expect(api.lrFindCancel).toHaveBeenCalledExactlyOnceWith({});
    release();
    await waitFor(() => expect(screen.getByTestId('lr-find-result').textContent).toContain('cancelled'));
    expect(useStudio.getState().settings.lr).toBe(DEFAULT_TRAIN_SETTINGS.lr);
  });

  it('no suggestion: says so and leaves the rate alone', async () => {
    const { release, user } = renderFinder(view(null));
    await user.click(screen.getByRole('button', { name: 'Find learning rate' }));
    release();
    await waitFor(() => expect(screen.getByTestId('lr-find-result').textContent).toContain('No suggestion: the loss never fell.'));
    expect(useStudio.getState().settings.lr).toBe(DEFAULT_TRAIN_SETTINGS.lr);
  });
});
