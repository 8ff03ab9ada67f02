/** A training run as the backend reports it (core/api.ts RunView), for the renderer's panel tests. */
import type { RunView } from '../../core/api';
import { DEFAULT_TRAIN_INPUT } from '../../core/train-defaults';

/** A finished run with a model.onnx (what Predict, Export and the data doctor need); `patch` overrides. */
export function finishedRun(patch: Partial<RunView> = {}): RunView {
  return {
    id: 'run-1',
    name: 'run 1',
    dir: '/runs/run-1',
    status: 'done',
    createdAt: '2026-12-06T10:00:00Z',
    dataDir: '/data/pets',
    settings: { ...DEFAULT_TRAIN_INPUT },
    device: 'cpu',
    classes: ['cat', 'dog'],
    trainSamples: 90,
    valSamples: 10,
    epochs: 3,
    history: [],
    progress: null,
    bestEpoch: 2,
    bestValAccuracy: 0.9,
    hasModel: true,
    error: null,
    log: [],
    ...patch,
  };
}
