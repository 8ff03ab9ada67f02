import { trainingMemory } from '../../core/graph/memory';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { toProject } from '../state/project';
import { currentRunView, isRunLive, startRun, useStudio } from '../state/studio';
import { useUi } from '../state/ui';
import { bytes } from '../format';
import { CompareChart } from './CompareChart';
import { RunControls } from './RunControls';
import { RunCurves } from './RunCurves';
import { RunsList } from './RunsList';
import { RunStatus } from './RunStatus';
import { TrainSettingsForm } from './TrainSettingsForm';
import { AugmentPreview } from './AugmentPreview';
import { LrFinder } from './LrFinder';
import { plural } from '../../core/text/plural';
import { memoryOptimizer } from './optimizer-choice';
import { datasetProblem } from './model-io';

/** Step 2: the recipe, start/pause/stop, live curves, and every run so far. */
export function TrainingPanel() {
  const run = useStudio(currentRunView);
  const scan = useStudio((s) => s.scan);
  const scanError = useStudio((s) => s.scanError);
  const settings = useStudio((s) => s.settings);
  const errors = useAnalysis((s) => s.analysis.diagnostics.filter((d) => d.severity === 'error').length);
  const totals = useAnalysis((s) => s.analysis.totals);
  const mem = trainingMemory({ totals }, { batchSize: settings.batchSize, optimizer: memoryOptimizer(settings.optimizer) });
  const hasModel = useDoc((d) => d.doc.nodes.some((n) => n.type === 'input') && d.doc.nodes.some((n) => n.type === 'output'));
  const why = !hasModel
    ? 'Draw a model with an Input and an Output block first (Model).'
    : !scan
      ? scanError
        ? `The dataset cannot be used: ${scanError}`
        : 'Load a dataset first (Data).'
      : (datasetProblem(scan) ?? (errors > 0 ? `The model has ${plural(errors, 'error')}: fix them in the Model view.` : null));
  const start = () => {
    const doc = useDoc.getState();
    startRun(toProject(doc.doc), doc.path).catch((e: Error) => useUi.getState().toast('error', e.message));
  };
  const live = isRunLive(run);
  return (
    <div className="studio-panel train-panel">
      <div className="train-left">
        <header className="panel-head">
          <h2>Training</h2>
          {scan && (
            <p className="muted small" title={scan.root}>
              on {scan.root} · {plural(scan.classes.length, 'class')} · {plural(scan.total, 'image')}
            </p>
          )}
        </header>
        <TrainSettingsForm locked={live} />
        <p className="memory-line" data-testid="train-memory" title="Weights, gradients, optimizer state and activations for this batch size">
          Memory estimate: <b>{bytes(mem.total)}</b> <span className="muted">(activations {bytes(mem.activations)})</span>
        </p>
        <RunControls run={run} canStart={why === null} why={why} onStart={start} />
        <LrFinder disabled={why !== null || live} why={live ? 'A run is training.' : why} />
        <AugmentPreview />
      </div>
      <div className="train-right">
        <RunStatus run={run} />
        {run && <RunCurves run={run} />}
        {run && run.log.length > 0 && (
          <details className="run-log">
            <summary>Log ({run.log.length})</summary>
            <pre className="mono small">{run.log.join('\n')}</pre>
          </details>
        )}
        <RunsList />
        <CompareChart />
      </div>
    </div>
  );
}
