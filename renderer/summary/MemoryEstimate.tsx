import { useId } from 'react';
import { trainingMemory } from '../../core/graph/memory';
import { NumberField } from '../editor/NumberField';
import { between } from '../editor/number-text';
import { useAnalysis } from '../state/analysis';
import { useStudio } from '../state/studio';
import { memoryOptimizer } from '../studio/optimizer-choice';
import { OptimizerSelect } from '../studio/OptimizerSelect';
import { bytes } from '../format';

/**
 * Will it fit my GPU? Weights, gradients, optimizer state and activations for the Train tab's
 * batch size and optimizer: the two are the same settings, so changing them here changes the recipe.
 */
export function MemoryEstimate() {
  const totals = useAnalysis((s) => s.analysis.totals);
  const settings = useStudio((s) => s.settings);
  const set = useStudio((s) => s.setSettings);
  const batchId = useId();
  const m = trainingMemory({ totals }, { batchSize: settings.batchSize, optimizer: memoryOptimizer(settings.optimizer) });
  return (
    <section className="memory">
      <h3>Training memory</h3>
      <div className="memory-inputs">
        <span className="memory-batch">
          <label htmlFor={batchId}>Batch</label>
          <NumberField
            id={batchId}
            value={settings.batchSize}
            integer
            label="Batch size"
            testId="batch-size"
            check={between(1, 4096)}
            onCommit={(v) => set({ batchSize: v })}
          />
        </span>
        <label>
          Optimizer
          <OptimizerSelect testId="optimizer" />
        </label>
        <span className="memory-total" data-testid="memory-total">
          {bytes(m.total)}
        </span>
      </div>
      <p className="muted small">Batch size and optimizer are the Train tab's.</p>
      <div className="memory-bar" aria-hidden>
        {(['weights', 'gradients', 'optimizerState', 'activations'] as const).map((k) => (
          <span key={k} className={`seg ${k}`} style={{ width: `${m.total ? (m[k] / m.total) * 100 : 0}%` }} />
        ))}
      </div>
      <ul className="memory-legend">
        <li>
          <span className="dot weights" />
          weights {bytes(m.weights)}
        </li>
        <li>
          <span className="dot gradients" />
          gradients {bytes(m.gradients)}
        </li>
        <li>
          <span className="dot optimizerState" />
          optimizer {bytes(m.optimizerState)}
        </li>
        <li>
          <span className="dot activations" />
          activations {bytes(m.activations)}
        </li>
      </ul>
    </section>
  );
}
