/**
 * The open document and its history. Every change goes through `commit`, so undo/redo covers
 * everything (parameters, fixes, moves, groups). Documents are immutable: history is a list of
 * snapshots that share unchanged nodes, which is cheap and cannot drift from the edits made.
 */
import { create } from 'zustand';
import type { ModelDocument } from '../../core/graph/types';

const HISTORY_LIMIT = 300;
/** Edits with the same coalesce key within this window form one undo step (typing a number). */
const COALESCE_MS = 1200;

export const EMPTY_DOC: ModelDocument = { nodes: [], edges: [], groups: [] };

export interface DocState {
  doc: ModelDocument;
  past: ModelDocument[];
  future: ModelDocument[];
  /** The document as last saved or opened. */
  saved: ModelDocument;
  /**
   * `saved` and the documents reached from it by view changes alone (layout, expand, collapse):
   * the project is dirty when the document shown is none of them. Undoing a view change from a
   * clean document stays clean.
   */
  clean: ReadonlySet<ModelDocument>;
  /** The file it belongs to (null: never saved). */
  path: string | null;
  /** Top-level node ids, or primitive ids (`node/inner.name`) inside expanded composites. */
  selection: string[];
  selectedEdges: string[];
  coalesceKey: string | null;
  coalesceAt: number;
  /** `view`: a change of view, not an edit, so a clean project stays clean. */
  commit(next: ModelDocument, opts?: { coalesce?: string; view?: boolean }): void;
  undo(): void;
  redo(): void;
  /** Replaces the document and forgets history (new, open, template). */
  load(doc: ModelDocument, path: string | null, opts?: { dirty?: boolean }): void;
  markSaved(path: string, doc: ModelDocument): void;
  select(nodes: string[], edges?: string[]): void;
}

export const useDoc = create<DocState>((set, get) => ({
  doc: EMPTY_DOC,
  past: [],
  future: [],
  saved: EMPTY_DOC,
  clean: new Set([EMPTY_DOC]),
  path: null,
  selection: [],
  selectedEdges: [],
  coalesceKey: null,
  coalesceAt: 0,
  commit(next, opts) {
    const s = get();
    if (next === s.doc) return;
    const now = Date.now();
    const merge = opts?.coalesce !== undefined && opts.coalesce === s.coalesceKey && now - s.coalesceAt < COALESCE_MS;
    const past = merge ? s.past : [...s.past, s.doc].slice(-HISTORY_LIMIT);
    const alive = new Set(next.nodes.map((n) => n.id));
    set({
      doc: next,
      ...(opts?.view && s.clean.has(s.doc) ? { clean: new Set([...s.clean, next]) } : {}),
      past,
      future: [],
      coalesceKey: opts?.coalesce ?? null,
      coalesceAt: now,
      selection: s.selection.filter((id) => alive.has(id.split('/')[0]!)),
      selectedEdges: s.selectedEdges.filter((id) => next.edges.some((e) => e.id === id)),
    });
  },
  undo() {
    const s = get();
    const prev = s.past[s.past.length - 1];
    if (!prev) return;
    set({ doc: prev, past: s.past.slice(0, -1), future: [s.doc, ...s.future], coalesceKey: null });
  },
  redo() {
    const s = get();
    const next = s.future[0];
    if (!next) return;
    set({ doc: next, past: [...s.past, s.doc], future: s.future.slice(1), coalesceKey: null });
  },
  load(doc, path, opts) {
    const saved = opts?.dirty ? EMPTY_DOC : doc;
    set({ doc, past: [], future: [], saved, clean: new Set([saved]), path, selection: [], selectedEdges: [], coalesceKey: null });
  },
  markSaved(path, doc) {
    set({ saved: doc, clean: new Set([doc]), path });
  },
  select(nodes, edges = []) {
    set({ selection: nodes, selectedEdges: edges });
  },
}));

export const isDirty = (s: DocState): boolean => !s.clean.has(s.doc);
