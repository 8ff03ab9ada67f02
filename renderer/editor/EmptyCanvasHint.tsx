import { useUi } from '../state/ui';
import { guardUnsaved, openDialog, openPath, forgetRecent, useFiles } from '../state/files';
import { openOnnxFile, openSample } from '../studio/start-actions';

/**
 * The start screen, on an empty canvas (first run, or after New): the bundled sample, the
 * templates, recent projects, and opening a project or an ONNX file. It sits in the canvas, so the
 * palette stays usable beside it.
 */
export function EmptyCanvasHint() {
  const open = useUi((s) => s.open);
  const recent = useFiles((s) => s.recent).slice(0, 5);
  return (
    <div className="empty-hint start-screen" data-testid="empty-hint">
      <h2>Start a model</h2>
      <div className="start-grid">
        <button type="button" className="start-card primary-card" data-testid="start-sample" onClick={openSample}>
          <b>Bundled sample</b>
          <span>Fashion-MNIST (1,200 images) with LeNet-5: train it within a minute.</span>
        </button>
        <button type="button" className="start-card primary-card" data-testid="start-pretrained" onClick={() => open('pretrained')}>
          <b>Fine-tune a pretrained model on my images</b>
          <span>ResNet, GoogLeNet, MobileNet or EfficientNet trained on ImageNet: pick one and a folder of images.</span>
        </button>
        <button type="button" className="start-card" data-testid="start-templates" onClick={() => open('templates')}>
          <b>Templates</b>
          <span>LeNet-5, AlexNet, VGG16, GoogLeNet, ResNet-18 to 152.</span>
        </button>
        <button type="button" className="start-card" data-testid="start-open" onClick={openDialog}>
          <b>Open a project…</b>
          <span>A CNN Studio project file (.json).</span>
        </button>
        <button type="button" className="start-card" data-testid="start-onnx" onClick={openOnnxFile}>
          <b>Open an ONNX file…</b>
          <span>Imported as editable blocks.</span>
        </button>
      </div>
      {recent.length > 0 && (
        <div className="start-recent">
          <h3>Recent</h3>
          <ul>
            {recent.map((r) => (
              <li key={r.path}>
                <button
                  type="button"
                  className="link"
                  title={r.path}
                  onClick={() => guardUnsaved('Open another model', () => void openPath(r.path).then((ok) => ok || forgetRecent(r.path)))}
                >
                  {r.path.split(/[\\/]/).pop()}
                </button>
                <span className="muted small"> {r.path}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p>Or click a block in the palette to add it under the selected block, or drag it here. Connect an output (bottom) to an input (top).</p>
      <div className="empty-actions">
        <button type="button" className="primary" onClick={() => open('templates')}>
          Open a template…
        </button>
        <button type="button" onClick={() => open('shortcuts')}>
          Keyboard shortcuts (?)
        </button>
      </div>
    </div>
  );
}
