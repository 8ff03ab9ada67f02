import { useStudio, type StudioView } from '../state/studio';

const VIEWS: { id: StudioView; label: string; title: string }[] = [
  { id: 'model', label: 'Model', title: 'Draw the network' },
  { id: 'data', label: 'Data', title: 'Choose the image folder' },
  { id: 'train', label: 'Train', title: 'Train and watch it learn' },
  { id: 'evaluate', label: 'Evaluate', title: 'What it gets wrong' },
  { id: 'predict', label: 'Try it', title: 'Classify new images' },
  { id: 'inside', label: 'Inside', title: 'Activation maps of a conv layer' },
  { id: 'export', label: 'Export', title: 'ONNX and PyTorch' },
];

/** The studio's steps, left to right: model, data, train, evaluate, try, inside, export. */
export function ViewTabs() {
  const view = useStudio((s) => s.view);
  const setView = useStudio((s) => s.setView);
  return (
    <nav className="view-tabs" aria-label="Studio steps">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          className={view === v.id ? 'active' : ''}
          aria-current={view === v.id ? 'page' : undefined}
          data-testid={`view-${v.id}`}
          title={v.title}
          onClick={() => setView(v.id)}
        >
          {v.label}
        </button>
      ))}
      <span className="view-hint muted">{VIEWS.find((v) => v.id === view)?.title}</span>
    </nav>
  );
}
