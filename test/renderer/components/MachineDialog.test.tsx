// @vitest-environment jsdom
/**
 * The Machine dialog (renderer/components/MachineDialog.tsx, ProvidersPanel.tsx) with a fake
 * backend: the first check asks for the cached probe, "Check again" for a fresh one; a provider
 * that did not load shows the runtime's reason; a failed call shows its message; Escape closes.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo } from '../../../core/api';
import { MachineDialog } from '../../../renderer/components/MachineDialog';
import { useUi } from '../../../renderer/state/ui';
import { fakeClient } from '../../helpers/fake-client';

const providers: ExecutionProviderInfo[] = [
  { name: 'cpu', label: 'CPU', offered: true, available: true, reason: null, probeMs: 3 },
  { name: 'cuda', label: 'CUDA', offered: true, available: false, reason: 'libcudart.so.12: cannot open shared object file', probeMs: 40 },
];

afterEach(cleanup);

describe('machine dialog', () => {
  it('check, then check again with a fresh probe; the reason a provider did not load is shown', async () => {
    const api = fakeClient({ executionProviders: () => Promise.resolve(providers) });
    useUi.setState({ dialog: 'machine' });
    render(<MachineDialog api={api} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Check this machine' }));
    await screen.findByTestId('providers');
    expect(api.executionProviders).toHaveBeenLastCalledWith({ refresh: false });
    expect(screen.getByTestId('providers').textContent).toContain('libcudart.so.12: cannot open shared object file');
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    expect(api.executionProviders).toHaveBeenLastCalledWith({ refresh: true });
    await waitFor(() => expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Check again' }).disabled).toBe(false));
    await user.keyboard('{Escape}');
    expect(useUi.getState().dialog).toBeNull();
  });

  it("a failed check shows the backend's message", async () => {
    const api = fakeClient({ executionProviders: () => Promise.reject(new Error('the backend is restarting')) });
    render(<MachineDialog api={api} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Check this machine' }));
    expect((await screen.findByText('the backend is restarting')).className).toBe('banner error');
  });
});
