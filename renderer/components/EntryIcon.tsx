/**
 * Folder and file icons as inline SVG: emoji (📁/📄) need a colour-emoji font, which many Linux
 * installs lack, and then render as empty boxes.
 */
export function EntryIcon({ kind }: { kind: 'dir' | 'file' }) {
  return (
    <svg className={`entry-icon ${kind}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      {kind === 'dir' ? (
        <path d="M1.5 3.5h4.3l1.5 1.6h7.2v7.9H1.5z" fill="currentColor" fillOpacity="0.25" stroke="currentColor" strokeWidth="1" strokeLinejoin="round" />
      ) : (
        <path d="M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3" fill="none" stroke="currentColor" strokeWidth="1" strokeLinejoin="round" />
      )}
    </svg>
  );
}
