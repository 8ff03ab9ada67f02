import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { BLOCKS, type BlockDef } from '../../core/blocks/index';
import { matchedAlias, searchBlocks } from '../../core/blocks/search';
import { addFromPalette } from '../state/commands';
import { useDoc } from '../state/document';
import { addBlock } from '../state/ops';
import { commitWithRoom } from '../state/placement';
import { PaletteItem } from './PaletteItem';
import { plural } from '../../core/text/plural';

const HIDDEN = new Set(['group']);

/** The block library by category, with search; click adds under the selection, drag places. */
export function Palette() {
  const [query, setQuery] = useState('');
  const groups = useDoc((s) => s.doc.groups);
  const rf = useReactFlow();
  const input = useRef<HTMLInputElement>(null);

  // Best match first: its category comes first, and Enter adds it.
  const matches = useMemo(() => {
    const byCat = new Map<string, BlockDef[]>();
    for (const b of searchBlocks(BLOCKS, query)) {
      if (HIDDEN.has(b.type)) continue;
      const l = byCat.get(b.category);
      if (l) l.push(b);
      else byCat.set(b.category, [b]);
    }
    return byCat;
  }, [query]);

  const center = () => {
    const el = document.querySelector('.canvas')?.getBoundingClientRect();
    const p = rf.screenToFlowPosition(el ? { x: el.left + el.width / 2, y: el.top + el.height / 3 } : { x: 400, y: 200 });
    return { x: p.x - 106, y: p.y };
  };
  // A block added under the selection may land below the fold: follow it, as Figma does.
  const reveal = (id: string) => {
    const n = useDoc.getState().doc.nodes.find((x) => x.id === id);
    const el = document.querySelector('.canvas')?.getBoundingClientRect();
    if (!n || !el) return;
    const { x, y, zoom } = rf.getViewport();
    const sx = n.position.x * zoom + x;
    const sy = n.position.y * zoom + y;
    if (sx < 0 || sy < 0 || sx + 212 * zoom > el.width || sy + 90 * zoom > el.height) {
      void rf.setCenter(n.position.x + 106, n.position.y + 40, { zoom, duration: 200 });
    }
  };
  const add = (type: string) => reveal(addFromPalette(type, null, center()));
  const first = [...matches.values()][0]?.[0];
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && first) add(first.type);
    if (e.key === 'Escape') {
      setQuery('');
      input.current?.blur();
    }
  };
  const visibleGroups = groups.filter((g) => !query || g.name.toLowerCase().includes(query.toLowerCase()));

  return (
    <aside className="palette" aria-label="Blocks">
      <div className="palette-search">
        <input
          ref={input}
          id="palette-search"
          type="search"
          placeholder="Search blocks  ( / )"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
          data-testid="palette-search"
          aria-label="Search blocks"
        />
      </div>
      <div className="palette-list">
        {[...matches].map(([cat, blocks]) => (
          <section key={cat} className="palette-cat">
            <h3>{cat}</h3>
            {blocks.map((b) => (
              <PaletteItem
                key={b.type}
                type={b.type}
                label={b.label}
                category={b.category}
                description={b.description}
                alias={matchedAlias(b, query)}
                onAdd={() => add(b.type)}
              />
            ))}
          </section>
        ))}
        {visibleGroups.length > 0 && (
          <section className="palette-cat">
            <h3>Project groups</h3>
            {visibleGroups.map((g) => (
              <PaletteItem
                key={g.id}
                type="group"
                testId={`palette-group-${g.id}`}
                label={g.name}
                category="Composite"
                description={`${plural(g.nodes.length, 'block')}, ${g.inputs.length} in / ${g.outputs.length} out`}
                params={{ group: g.id, repeat: 1 }}
                onAdd={() => {
                  const s = useDoc.getState();
                  const r = addBlock(s.doc, 'group', center(), { group: g.id, repeat: 1 });
                  commitWithRoom(r.doc);
                  s.select([r.id]);
                }}
              />
            ))}
          </section>
        )}
        {matches.size === 0 && visibleGroups.length === 0 && <p className="muted pad">No block matches “{query}”.</p>}
      </div>
    </aside>
  );
}
