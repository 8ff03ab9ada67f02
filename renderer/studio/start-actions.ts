/** What the start screen's buttons do: the bundled sample, an ONNX file as a new project. */
import { guardUnsaved, openPath, readable, useFiles } from '../state/files';
import { useDoc } from '../state/document';
import { useProjectMeta } from '../state/project';
import { choosePath } from '../state/picker';
import { loadDataset, useStudio } from '../state/studio';
import { useUi } from '../state/ui';

const fail = (e: unknown) => useUi.getState().toast('error', e instanceof Error ? e.message : String(e));

/**
 * Opens the example project, as an untitled copy (the file belongs to the install: Save asks
 * where to keep it), and its image folder, and shows the Data step.
 */
export function openSample(): void {
  const api = useFiles.getState().api;
  if (!api) return;
  guardUnsaved('Open the sample', () => {
    api
      .studioSample({})
      .then(async (s) => {
        if (!s) return useUi.getState().toast('error', 'The bundled sample is not installed with this copy of the studio.');
        if (!(await openPath(s.projectPath, { untitledCopy: true }))) return;
        useStudio.getState().setView('data');
        await loadDataset(s.dataDir);
      })
      .catch(fail);
  });
}

/** Imports an ONNX model as a new, unsaved project. */
export function openOnnxFile(): void {
  const api = useFiles.getState().api;
  if (!api) return;
  guardUnsaved('Open an ONNX model', () => {
    void choosePath(api, 'open', 'Open an ONNX model', null, ['onnx']).then(async (file) => {
      if (!file) return;
      useFiles.setState({ busy: 'Importing the ONNX model…' });
      try {
        const r = await api.openOnnx({ path: file });
        const model = await readable(r.project.model);
        useProjectMeta.getState().set(r.project.name, r.project.extra);
        useDoc.getState().load(model, null, { dirty: true });
        for (const w of r.warnings.slice(0, 3)) useUi.getState().toast('info', w);
        useUi.getState().requestFit();
      } catch (e) {
        fail(e);
      } finally {
        useFiles.setState({ busy: null });
      }
    });
  });
}
