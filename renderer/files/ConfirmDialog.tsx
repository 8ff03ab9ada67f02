import { Modal } from '../components/Modal';
import { save, useFiles } from '../state/files';

/** "Discard unsaved changes?" with the choice to save first. */
export function ConfirmDialog() {
  const confirm = useFiles((s) => s.confirm);
  if (!confirm) return null;
  const close = () => useFiles.setState({ confirm: null });
  return (
    <Modal title="Unsaved changes" onClose={close} testId="confirm-dialog">
      <p>{confirm.text}</p>
      <div className="modal-actions">
        <button
          type="button"
          onClick={() => {
            close();
            save();
          }}
        >
          Save first
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          data-testid="confirm-discard"
          onClick={() => {
            close();
            confirm.run();
          }}
        >
          Discard changes
        </button>
      </div>
    </Modal>
  );
}
