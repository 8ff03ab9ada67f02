import type { RunView } from '../../core/api';
import { useStudio } from '../state/studio';
import { LineChart } from './LineChart';

const C = { train: '#3b6fe0', val: '#e0663b', step: '#8aa6e8', lr: '#1f9d55' };

/** Loss, accuracy and learning rate of one run: per step (live) and per epoch. */
export function RunCurves({ run }: { run: RunView }) {
  const steps = useStudio((s) => s.steps[run.id]) ?? [];
  const h = run.history;
  const val = (pick: (e: RunView['history'][number]) => number | null) => h.filter((e) => pick(e) !== null).map((e) => [e.epoch, pick(e)!] as const);
  return (
    <div className="charts" data-testid="train-curves">
      <LineChart
        title="Loss"
        testId="curve-loss"
        yMin={0}
        series={[
          { label: 'train (steps)', color: C.step, points: steps.map((p) => [p.x, p.loss] as const), faint: true },
          { label: 'train', color: C.train, points: h.map((e) => [e.epoch, e.trainLoss] as const) },
          { label: 'validation', color: C.val, points: val((e) => e.valLoss) },
        ]}
      />
      <LineChart
        title="Accuracy"
        testId="curve-accuracy"
        yMin={0}
        yMax={1}
        series={[
          { label: 'train', color: C.train, points: h.map((e) => [e.epoch, e.trainAccuracy] as const) },
          { label: 'validation', color: C.val, points: val((e) => e.valAccuracy) },
        ]}
      />
      <LineChart
        title="Learning rate"
        testId="curve-lr"
        yMin={0}
        series={[{ label: 'lr', color: C.lr, points: steps.length ? steps.map((p) => [p.x, p.lr] as const) : h.map((e) => [e.epoch, e.lr] as const) }]}
      />
    </div>
  );
}
