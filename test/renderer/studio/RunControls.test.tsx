// @vitest-environment jsdom
/**
 * Train, Pause, Resume and Stop (renderer/studio/RunControls.tsx) and the runs list
 * (RunsList.tsx) with a fake backend: each button sends its trainControl action for the current
 * run, as the run's pushed status changes; Train is refused with the reason shown; the list picks
 * the current run and the runs to compare.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunView } from '../../../core/api';
import { attachStudio, currentRunView, useStudio } from '../../../renderer/state/studio';
import { useUi } from '../../../renderer/state/ui';
import { RunControls } from '../../../renderer/studio/RunControls';
import { RunsList } from '../../../renderer/studio/RunsList';
import { fakeClient } from '../../helpers/fake-client';
import { finishedRun } from '../../helpers/run-view';

/** The controls as the Train tab wires them: for the current run of the store. */
function Controls({ onStart, why }: { onStart(): void; why: string | null }) {
  const run = useStudio(currentRunView);
  return <RunControls run={run} onStart={onStart} canStart={why === null} why={why} />;
}

function setup(fail = false) {
  const api = fakeClient({
    listRuns: () => Promise.resolve([]),
    trainControl: (req) => (fail ? Promise.reject(new Error('the run already ended')) : Promise.resolve(finishedRun({ id: req.runId, status: 'running' }))),
  });
  useStudio.setState({ runs: {}, currentRun: null, compare: [], datasetPath: '' });
  act(() => void attachStudio(api));
  return { api, user: userEvent.setup() };
}

beforeEach(() => useUi.setState({ toasts: [] }));
afterEach(cleanup);

describe('run controls', () => {
  it('Train is refused with the reason while nothing can start, and starts when it can', async () => {
    const onStart = vi.fn<() => void>();
    const { user } = setup();
    const { rerender } = render(<Controls onStart={onStart} why="Load a dataset first (Data)." />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: '▶ Train' }).disabled).toBe(true);
    expect(screen.getByTestId('train-blocked').textContent).toBe('Load a dataset first (Data).');
    rerender(<Controls onStart={onStart} why={null} />);
    await user.click(screen.getByRole('button', { name: '▶ Train' }));
    expect(onStart).toHaveBeenCalledTimes(1);
  });

  it('pause, resume and stop the live run, following its pushed status', async () => {
    const { api, user } = setup();
    render(<Controls onStart={() => undefined} why={null} />);
    act(() => api.emit('run', finishedRun({ id: 'run-9', status: 'running', hasModel: false })));
    await user.click(screen.getByRole('button', { name: '❚❚ Pause' }));
    expect(api.trainControl).toHaveBeenLastCalledWith({ runId: 'run-9', action: 'pause' });
    act(() => api.emit('run', finishedRun({ id: 'run-9', status: 'paused', hasModel: false })));
    expect(screen.queryByRole('button', { name: '❚❚ Pause' })).toBeNull();
    await user.click(screen.getByRole('button', { name: '▶ Resume' }));
    expect(api.trainControl).toHaveBeenLastCalledWith({ runId: 'run-9', action: 'resume' });
    await user.click(screen.getByRole('button', { name: '■ Stop' }));
    expect(api.trainControl).toHaveBeenLastCalledWith({ runId: 'run-9', action: 'stop' });
    act(() => api.emit('run', finishedRun({ id: 'run-9', status: 'cancelled' })));
    expect(screen.getByRole('button', { name: '▶ Train' })).toBeTruthy();
  });

  it("a refused action shows the backend's message", async () => {
    const { api, user } = setup(true);
    render(<Controls onStart={() => undefined} why={null} />);
    act(() => api.emit('run', finishedRun({ id: 'run-9', status: 'running' })));
    await user.click(screen.getByRole('button', { name: '■ Stop' }));
    await waitFor(() => expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'error', text: 'the run already ended' }));
  });
});

describe('runs list', () => {
  it('picks the run the panels show and ticks runs to compare', async () => {
    const runs: RunView[] = [
      finishedRun({ id: 'a', name: 'first', createdAt: '2026-12-01' }),
      finishedRun({ id: 'b', name: 'second', createdAt: '2026-12-02' }),
    ];
    useStudio.setState({ runs: Object.fromEntries(runs.map((r) => [r.id, r])), currentRun: 'b', compare: [] });
    render(<RunsList />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'first' }));
    expect(useStudio.getState().currentRun).toBe('a');
    await user.click(screen.getByRole('checkbox', { name: 'compare a' }));
    await user.click(screen.getByRole('checkbox', { name: 'compare b' }));
    expect(useStudio.getState().compare).toEqual(['a', 'b']);
    await user.click(screen.getByRole('checkbox', { name: 'compare a' }));
    expect(useStudio.getState().compare).toEqual(['b']);
  });
});
