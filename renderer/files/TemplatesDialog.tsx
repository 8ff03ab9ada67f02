import { useState } from 'react';
import { TEMPLATES, type Template } from '../../core/templates/index';
import { Modal } from '../components/Modal';
import { guardUnsaved, newDocument, openTemplate, useFiles } from '../state/files';
import { useUi } from '../state/ui';
import { TemplateCard } from './TemplateCard';

/** New model: an empty canvas or any template, with its input size and class count. */
export function TemplatesDialog() {
  const close = useUi((s) => s.close);
  const busy = useFiles((s) => s.busy);
  const [expand, setExpand] = useState(false);
  const start = (t: Template, input: [number, number, number], classes: number, variant: string) =>
    guardUnsaved(`Open ${t.label}`, () => void openTemplate(t.id, { input, classes, variant, expand }, t.label));
  return (
    <Modal title="New model" onClose={close} wide testId="templates-dialog">
      <label className="toggle gallery-head">
        <input type="checkbox" checked={expand} onChange={(e) => setExpand(e.target.checked)} data-testid="template-expand" /> Show composite blocks expanded
        (every layer on the canvas)
      </label>
      <div className="gallery">
        <button type="button" className="template-card empty" data-testid="template-empty" onClick={newDocument}>
          <span className="tc-title">Empty canvas</span>
          <span className="tc-desc">Start from nothing and add blocks from the palette.</span>
        </button>
        {TEMPLATES.map((t) => (
          <TemplateCard key={t.id} t={t} onOpen={start} disabled={busy !== null} />
        ))}
      </div>
      {busy && <p className="muted">{busy}</p>}
    </Modal>
  );
}
