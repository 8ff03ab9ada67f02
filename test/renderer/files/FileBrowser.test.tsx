// @vitest-environment jsdom
/**
 * Serve mode's Open and Save-as dialog (renderer/files/FileBrowser.tsx) with a fake backend: the
 * path typed key by key or clicked, a folder refused as a file name, and the project calls it
 * makes (saveProject with the open model, openProject loading what it returns); failures told.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryListing, StudioApi } from '../../../core/api';
import { FileBrowser } from '../../../renderer/files/FileBrowser';
import { isDirty, useDoc } from '../../../renderer/state/document';
import { useFiles } from '../../../renderer/state/files';
import { toProject, useProjectMeta } from '../../../renderer/state/project';
import { setParam } from '../../../renderer/state/ops';
import { useUi } from '../../../renderer/state/ui';
import { fakeClient } from '../../helpers/fake-client';
import { chainDoc, loadChain } from '../../helpers/renderer-doc';

const home: DirectoryListing = {
  path: '/home/ada',
  parent: '/home',
  entries: [
    { name: 'models', kind: 'dir', size: 0 },
    { name: 'old.cnn.json', kind: 'file', size: 2048 },
  ],
  truncated: false,
  home: '/home/ada',
};

function renderBrowser(mode: 'open' | 'save', impl: Partial<StudioApi> = {}) {
  const api = fakeClient({
    listDirectory: () => Promise.resolve(home),
    saveProject: (req) => Promise.resolve({ path: req.path, bytes: 100 }),
    clearRecovery: () => Promise.resolve({ cleared: true }),
    ...impl,
  });
  useFiles.setState({ api, browse: { mode, start: null }, busy: null });
  render(<FileBrowser mode={mode} start={null} />);
  return { api, user: userEvent.setup() };
}

const pathField = () => screen.getByRole<HTMLInputElement>('textbox', { name: 'File path' });
const lastToast = () => useUi.getState().toasts.at(-1);

beforeEach(() => {
  useUi.setState({ toasts: [] });
  useProjectMeta.getState().set('Untitled', {});
  loadChain(['input', 'conv2d', 'flatten', 'dense', 'output']);
  useDoc.getState().commit(setParam(useDoc.getState().doc, 'conv', 'filters', 8));
});
afterEach(cleanup);

describe('Save as', () => {
  it('offers a name in the listed folder; a typed path is saved with the open model, which is then saved', async () => {
    const { api, user } = renderBrowser('save');
    await waitFor(() => expect(pathField().value).toBe('/home/ada/Untitled.cnn.json'));
    await user.clear(pathField());
    await user.type(pathField(), '/home/ada/pets.cnn.json{Enter}');
    expect(api.saveProject).toHaveBeenCalledTimes(1);
    const req = api.saveProject.mock.calls[0]![0];
    expect(req).toEqual({ path: '/home/ada/pets.cnn.json', project: toProject(useDoc.getState().doc) });
    expect(useProjectMeta.getState().name, 'an untitled project takes the file name').toBe('pets');
    await waitFor(() => expect(lastToast()).toMatchObject({ kind: 'ok', text: 'Saved pets.cnn.json' }));
    expect(isDirty(useDoc.getState())).toBe(false);
    expect(useDoc.getState().path).toBe('/home/ada/pets.cnn.json');
    expect(useFiles.getState().browse).toBeNull();
    expect(api.clearRecovery, 'the autosaved copy is dropped once saved').toHaveBeenCalledExactlyOnceWith({});
  });

  it('a folder is not a file name: the reason is shown and nothing is written', async () => {
    const { api, user } = renderBrowser('save');
    await waitFor(() => expect(pathField().value).not.toBe(''));
    await user.clear(pathField());
    await user.type(pathField(), '/home/ada/');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toBe('enter a file name');
    expect(api.saveProject).not.toHaveBeenCalled();
  });

  it("the backend's refusal is told and the project stays unsaved", async () => {
    const { user } = renderBrowser('save', { saveProject: () => Promise.reject(new Error('/home/ada is read-only')) });
    await waitFor(() => expect(pathField().value).not.toBe(''));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(lastToast()).toMatchObject({ kind: 'error', text: '/home/ada is read-only' }));
    expect(isDirty(useDoc.getState())).toBe(true);
  });
});

describe('Open', () => {
  it('a file clicked fills the path; Open loads what the backend returns', async () => {
    const other = chainDoc(['input', 'relu', 'output']).doc;
    const { api, user } = renderBrowser('open', {
      openProject: (req) => Promise.resolve({ path: req.path, project: { name: 'old', model: other, extra: {} }, warnings: [] }),
    });
    await user.click(await screen.findByRole('button', { name: /old\.cnn\.json/ }));
    expect(pathField().value).toBe('/home/ada/old.cnn.json');
    await user.click(screen.getByRole('button', { name: 'Open' }));
    expect(api.openProject).toHaveBeenCalledExactlyOnceWith({ path: '/home/ada/old.cnn.json' });
    await waitFor(() => expect(useDoc.getState().path).toBe('/home/ada/old.cnn.json'));
    expect(useDoc.getState().doc.nodes.map((n) => n.type)).toEqual(['input', 'relu', 'output']);
    expect(useProjectMeta.getState().name).toBe('old');
  });

  it('a folder clicked is listed; a file that cannot be opened is told by name', async () => {
    const { api, user } = renderBrowser('open', { openProject: () => Promise.reject(new Error('not a CNN Studio project')) });
    await user.click(await screen.findByRole('button', { name: /models/ }));
    expect(api.listDirectory).toHaveBeenLastCalledWith({ path: '/home/ada/models' });
    await user.clear(pathField());
    await user.type(pathField(), '/tmp/x.json{Enter}');
    await waitFor(() => expect(lastToast()).toMatchObject({ kind: 'error', text: 'Could not open /tmp/x.json: not a CNN Studio project' }));
  });
});
