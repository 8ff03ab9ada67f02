/** Fresh ids and names for nodes and edges that fixes and editing operations add. */
import type { ModelDocument } from './types';

export class Namer {
  private readonly ids = new Set<string>();
  private readonly names = new Set<string>();

  constructor(doc: ModelDocument) {
    for (const n of doc.nodes) {
      this.ids.add(n.id);
      this.names.add(n.name);
    }
    for (const e of doc.edges) this.ids.add(e.id);
  }

  /** An id not used by any node or edge (nor handed out before). */
  id(base: string): string {
    let id = base;
    for (let i = 2; this.ids.has(id); i++) id = `${base}_${i}`;
    this.ids.add(id);
    return id;
  }

  name(base: string): string {
    let n = base;
    for (let i = 2; this.names.has(n); i++) n = `${base}_${i}`;
    this.names.add(n);
    return n;
  }
}

/** A block name usable as a PyTorch-style weight prefix: letters, digits, '_', '-', '.' between parts. */
export const NAME_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function sanitizeName(name: string): string {
  const s = name
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
  return s.length ? s : 'block';
}
