// @vitest-environment jsdom
/**
 * Serve mode's folder and file chooser (renderer/studio/PathPicker.tsx), reached the way the
 * panels reach it: `choosePath` asks the backend for a native dialog, gets none, and the picker
 * answers the same promise. Paths typed key by key, folders clicked, file names given an extension.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryListing } from '../../../core/api';
import { choosePath, type PickMode } from '../../../renderer/state/picker';
import { PathPicker } from '../../../renderer/studio/PathPicker';
import { installFakeClient } from '../../helpers/fake-client';

/** A home folder with two folders and a file; every other folder is empty. */
function listingOf(path = '/home/ada'): DirectoryListing {
  const home = path === '/home/ada';
  return {
    path,
    parent: path === '/' ? null : path.replace(/\/[^/]*$/, '') || '/',
    entries: home
      ? [
          { name: 'data', kind: 'dir', size: 0 },
          { name: 'runs', kind: 'dir', size: 0 },
          { name: 'notes.txt', kind: 'file', size: 12 },
        ]
      : [],
    truncated: false,
    home: '/home/ada',
  };
}

/** Opens the picker as a panel would; returns the pending choice and the fake backend. */
async function openPicker(mode: PickMode, start: string | null = null, extensions?: string[]) {
  const api = installFakeClient({
    chooseFile: () => Promise.resolve({ native: false, path: null }),
    listDirectory: (req) => Promise.resolve(listingOf(req.path)),
  });
  render(<PathPicker />);
  let chosen!: Promise<string | null>;
  act(() => {
    chosen = choosePath(api, mode, 'Pick', start, extensions);
  });
  await screen.findByRole('dialog', { name: 'Pick' });
  await screen.findByTestId('picker-list');
  return { api, chosen, user: userEvent.setup() };
}

afterEach(cleanup);

describe('choosing a folder', () => {
  it('lists folders only, opens one on click, and hands back the folder shown', async () => {
    const { api, chosen, user } = await openPicker('folder');
    expect(api.chooseFile).toHaveBeenCalledExactlyOnceWith({ mode: 'folder', title: 'Pick' });
    expect(screen.queryByRole('button', { name: /notes\.txt/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: /data/ }));
    expect(api.listDirectory).toHaveBeenLastCalledWith({ path: '/home/ada/data' });
    await waitFor(() => expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Path' }).value).toBe('/home/ada/data'));
    await user.click(screen.getByRole('button', { name: 'Use folder' }));
    await expect(chosen).resolves.toBe('/home/ada/data');
  });

  it('a path typed key by key and Enter is handed back as typed (trimmed)', async () => {
    const { chosen, user } = await openPicker('folder');
    const path = screen.getByRole<HTMLInputElement>('textbox', { name: 'Path' });
    await user.clear(path);
    await user.type(path, ' /mnt/images {Enter}');
    await expect(chosen).resolves.toBe('/mnt/images');
  });

  it('Escape closes it and hands back nothing', async () => {
    const { chosen, user } = await openPicker('folder');
    await user.keyboard('{Escape}');
    await expect(chosen).resolves.toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('choosing where to save', () => {
  it('a file name without an extension gets the expected one', async () => {
    const { chosen, user } = await openPicker('save', null, ['onnx']);
    await user.type(screen.getByRole('textbox', { name: 'File name' }), 'pets{Enter}');
    await expect(chosen).resolves.toBe('/home/ada/pets.onnx');
  });

  it('no file name: the reason is shown and nothing is handed back yet', async () => {
    const { chosen, user } = await openPicker('save', null, ['onnx']);
    let settled = false;
    void chosen.then(() => (settled = true));
    await user.click(screen.getByRole('button', { name: 'Save here' }));
    expect(screen.getByRole('alert').textContent).toBe('Type a file name to save as.');
    expect(settled).toBe(false);
    await user.type(screen.getByRole('textbox', { name: 'File name' }), 'a.onnx');
    expect(screen.queryByRole('alert'), 'typing clears the complaint').toBeNull();
  });

  it('a folder typed that is not shown yet is opened first on Enter; the file then goes there', async () => {
    const { api, chosen, user } = await openPicker('save', null, ['onnx']);
    await user.type(screen.getByRole('textbox', { name: 'File name' }), 'm');
    const folder = screen.getByRole<HTMLInputElement>('textbox', { name: 'Folder' });
    await user.clear(folder);
    await user.type(folder, '/home/ada/runs{Enter}');
    expect(api.listDirectory).toHaveBeenLastCalledWith({ path: '/home/ada/runs' });
    await waitFor(() => expect(screen.getByTestId('browser-where').textContent).toBe('~/runs'));
    await user.click(screen.getByRole('button', { name: 'Save here' }));
    await expect(chosen).resolves.toBe('/home/ada/runs/m.onnx');
  });
});
