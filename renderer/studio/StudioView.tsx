import { useStudio } from '../state/studio';
import { DatasetPanel } from './DatasetPanel';
import { EvaluatePanel } from './EvaluatePanel';
import { ExportPanel } from './ExportPanel';
import { InsidePanel } from './InsidePanel';
import { PredictPanel } from './PredictPanel';
import { TrainingPanel } from './TrainingPanel';
import './studio.css';

/**
 * The panel of the current step, laid over the workspace. The editor stays mounted underneath,
 * so switching back keeps its viewport and selection.
 */
export function StudioView() {
  const view = useStudio((s) => s.view);
  if (view === 'model') return null;
  return (
    <section className="studio-view" data-testid={`panel-${view}`}>
      <div className="studio-inner">
        {view === 'data' && <DatasetPanel />}
        {view === 'train' && <TrainingPanel />}
        {view === 'evaluate' && <EvaluatePanel />}
        {view === 'predict' && <PredictPanel />}
        {view === 'inside' && <InsidePanel />}
        {view === 'export' && <ExportPanel />}
      </div>
    </section>
  );
}
