import { SHORTCUTS } from '../editor/shortcuts';
import { useUi } from '../state/ui';
import { Modal } from './Modal';

/** The help overlay (?): every shortcut, from the same table the key handler uses. */
export function ShortcutsOverlay() {
  const close = useUi((s) => s.close);
  const groups = ['File', 'Edit', 'Blocks', 'View'] as const;
  const mac = navigator.platform.toLowerCase().includes('mac');
  return (
    <Modal title="Keyboard shortcuts" onClose={close} wide testId="shortcuts">
      <div className="shortcut-grid">
        {groups.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <dl>
              {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                <div key={s.keys} className="shortcut">
                  <dt>
                    <kbd>{mac ? s.keys.replace(/Ctrl/g, '⌘') : s.keys}</kbd>
                  </dt>
                  <dd>{s.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
