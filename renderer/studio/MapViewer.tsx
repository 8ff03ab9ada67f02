import { Modal } from '../components/Modal';

/** One activation map enlarged (click a map to open, Escape or a click outside closes; ← → step through). */
export function MapViewer({
  maps,
  index,
  layer,
  onIndex,
  onClose,
}: {
  maps: string[];
  index: number;
  layer: string;
  onIndex(i: number): void;
  onClose(): void;
}) {
  const step = (d: number) => onIndex((index + d + maps.length) % maps.length);
  return (
    <Modal title={`${layer}: map ${index} of ${maps.length}`} onClose={onClose} testId="map-viewer">
      <div
        className="map-viewer"
        onKeyDown={(e) => {
          if (e.key === 'ArrowRight') step(1);
          if (e.key === 'ArrowLeft') step(-1);
        }}
      >
        <img src={maps[index]} alt={`${layer} map ${index}, enlarged`} width={384} height={384} data-testid="map-enlarged" />
        <div className="row-actions">
          <button type="button" onClick={() => step(-1)} aria-label="Previous map">
            ← Previous
          </button>
          <button type="button" onClick={() => step(1)} aria-label="Next map">
            Next →
          </button>
        </div>
      </div>
    </Modal>
  );
}
