// @vitest-environment jsdom
/**
 * "Unsaved changes" (renderer/files/ConfirmDialog.tsx) as guardUnsaved raises it: Cancel keeps
 * everything, Discard runs the action, Save first saves to the project's file (saveProject).
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from '../../../renderer/files/ConfirmDialog';
import { isDirty, useDoc } from '../../../renderer/state/document';
import { guardUnsaved, useFiles } from '../../../renderer/state/files';
import { setParam } from '../../../renderer/state/ops';
import { toProject } from '../../../renderer/state/project';
import { fakeClient } from '../../helpers/fake-client';
import { loadChain } from '../../helpers/renderer-doc';

function raise() {
  const action = vi.fn<() => void>();
  const api = fakeClient({ saveProject: (req) => Promise.resolve({ path: req.path, bytes: 10 }), clearRecovery: () => Promise.resolve({ cleared: true }) });
  useFiles.setState({ api, confirm: null });
  render(<ConfirmDialog />);
  act(() => guardUnsaved('Open ResNet-18', action));
  return { action, api, user: userEvent.setup() };
}

beforeEach(() => {
  loadChain(['input', 'conv2d', 'output']);
  useDoc.getState().commit(setParam(useDoc.getState().doc, 'conv', 'filters', 8));
});
afterEach(cleanup);

describe('unsaved changes', () => {
  it('a saved project runs the action at once, without asking', () => {
    useDoc.getState().markSaved('/p/model.cnn.json', useDoc.getState().doc);
    const action = vi.fn<() => void>();
    guardUnsaved('Open ResNet-18', action);
    expect(action).toHaveBeenCalledTimes(1);
    expect(useFiles.getState().confirm).toBeNull();
  });

  it('Cancel keeps the changes and does not run the action', async () => {
    const { action, user } = raise();
    expect((await screen.findByRole('dialog', { name: 'Unsaved changes' })).textContent).toContain('Open ResNet-18 and discard the unsaved changes');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(action).not.toHaveBeenCalled();
    expect(isDirty(useDoc.getState())).toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Discard runs the action', async () => {
    const { action, user } = raise();
    await user.click(await screen.findByRole('button', { name: 'Discard changes' }));
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('Save first writes the project to its file and does not run the action', async () => {
    const { action, api, user } = raise();
    const shown = useDoc.getState().doc;
    await user.click(await screen.findByRole('button', { name: 'Save first' }));
    expect(api.saveProject).toHaveBeenCalledExactlyOnceWith({ path: '/p/model.cnn.json', project: toProject(shown) });
    await waitFor(() => expect(isDirty(useDoc.getState())).toBe(false));
    expect(action).not.toHaveBeenCalled();
  });
});
