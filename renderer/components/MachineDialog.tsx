import type { StudioClient } from '../../core/api';
import { useUi } from '../state/ui';
import { Modal } from './Modal';
import { ProvidersPanel } from './ProvidersPanel';

/** This machine: which execution providers load here (CPU, CUDA, WebGPU, ...). */
export function MachineDialog({ api }: { api: StudioClient }) {
  const close = useUi((s) => s.close);
  return (
    <Modal title="This machine" onClose={close} wide testId="machine-dialog">
      <ProvidersPanel api={api} />
    </Modal>
  );
}
