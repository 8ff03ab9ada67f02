import { useState } from 'react';
import { trainingMemory, type OptimizerKind } from '../../core/graph/memory';
import { useAnalysis } from '../state/analysis';
import { bytes } from '../format';

const OPTIMIZERS: { id: OptimizerKind; label: string }[] = [
  { id: 'adam', label: 'Adam' },
  { id: 'adamw', label: 'AdamW' },
  { id: 'sgd-momentum', label: 'SGD + momentum' },
  { id: 'sgd', label: 'SGD' },
];

/** Will it fit my GPU? Weights, gradients, optimizer state and activations for a batch size. */
export function MemoryEstimate() {
  const totals = useAnalysis((s) => s.analysis.totals);
  const [batch, setBatch] = useState(32);
  const [opt, setOpt] = useState<OptimizerKind>('adam');
  const m = trainingMemory({ totals }, { batchSize: batch, optimizer: opt });
  return (
    <section className="memory">
      <h3>Training memory</h3>
      <div className="memory-inputs">
        <label>
          Batch
          <input type="number" min={1} max={65536} value={batch} data-testid="batch-size" onChange={(e) => setBatch(Math.max(1, Math.min(65536, Math.floor(Number(e.target.value)) || 1)))} />
        </label>
        <label>
          Optimizer
          <select value={opt} onChange={(e) => setOpt(e.target.value as OptimizerKind)} data-testid="optimizer">
            {OPTIMIZERS.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
          </select>
        </label>
        <span className="memory-total" data-testid="memory-total">{bytes(m.total)}</span>
      </div>
      <div className="memory-bar" aria-hidden>
        {(['weights', 'gradients', 'optimizerState', 'activations'] as const).map((k) => (
          <span key={k} className={`seg ${k}`} style={{ width: `${m.total ? (m[k] / m.total) * 100 : 0}%` }} />
        ))}
      </div>
      <ul className="memory-legend">
        <li><span className="dot weights" />weights {bytes(m.weights)}</li>
        <li><span className="dot gradients" />gradients {bytes(m.gradients)}</li>
        <li><span className="dot optimizerState" />optimizer {bytes(m.optimizerState)}</li>
        <li><span className="dot activations" />activations {bytes(m.activations)}</li>
      </ul>
    </section>
  );
}
