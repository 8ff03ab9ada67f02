// @vitest-environment jsdom
/**
 * The Grad-CAM toggle on a shown image (renderer/studio/ExplainToggle.tsx) with a fake backend:
 * switching it on asks once for the default layer and shows the overlay; choosing a layer asks
 * for that layer; switching off shows the image again without asking; a failure is told.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExplainView } from '../../../core/api';
import { ExplainToggle } from '../../../renderer/studio/ExplainToggle';
import { installFakeClient } from '../../helpers/fake-client';

const viewAt = (layer: string): ExplainView => ({
  class: 1,
  label: 'dog',
  layer,
  layers: ['conv1', 'conv2'],
  heatmap: [[0]],
  probabilities: [0.1, 0.9],
  classes: ['cat', 'dog'],
  overlay: `data:image/png;base64,${layer}`,
});

function renderToggle(fail = false) {
  const api = installFakeClient({
    explainImage: (req) => (fail ? Promise.reject(new Error('the run has no conv layer')) : Promise.resolve(viewAt(req.layer ?? 'conv2'))),
  });
  render(
    <ExplainToggle source={{ runId: 'run-1' }} image={{ path: '/data/pets/dog/1.png' }} name="1.png" size={144}>
      <img src="data:image/png;base64,AA" alt="1.png" />
    </ExplainToggle>,
  );
  return { api, user: userEvent.setup() };
}

afterEach(cleanup);

describe('Grad-CAM toggle', () => {
  it('on: one request for the default layer, the overlay shown; a layer chosen asks for it; off shows the image', async () => {
    const { api, user } = renderToggle();
    const toggle = screen.getByRole('checkbox', { name: 'Grad-CAM overlay for 1.png' });
    await user.click(toggle);
    expect(api.explainImage).toHaveBeenCalledExactlyOnceWith({ source: { runId: 'run-1' }, image: { path: '/data/pets/dog/1.png' } });
    expect(await screen.findByRole('img', { name: 'Grad-CAM of 1.png for dog at conv2' })).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Grad-CAM layer for 1.png' }), 'conv1');
    expect(api.explainImage).toHaveBeenLastCalledWith({ source: { runId: 'run-1' }, image: { path: '/data/pets/dog/1.png' }, layer: 'conv1' });
    await screen.findByRole('img', { name: 'Grad-CAM of 1.png for dog at conv1' });
    await user.click(toggle);
    expect(screen.getByRole('img', { name: '1.png' })).toBeTruthy();
    await user.click(toggle);
    expect(api.explainImage, 'the view is kept: switching on again asks nothing').toHaveBeenCalledTimes(2);
  });

  it("a failure shows the backend's message", async () => {
    const { user } = renderToggle(true);
    await user.click(screen.getByRole('checkbox', { name: 'Grad-CAM overlay for 1.png' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('the run has no conv layer'));
  });
});
