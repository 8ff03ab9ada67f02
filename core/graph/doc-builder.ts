/**
 * Writes model documents in code (templates, tests, CLI): `then()` appends a block fed by the
 * previous one, `add()` takes explicit sources. Ids equal names; `build()` lays the blocks out top
 * to bottom (core's layered layout), so a written file opens readable; the editor's L refines it.
 */
import { layeredPositions } from './layered-layout';
import type { GroupDef, ModelDocument, ModelEdge, ModelNode, Params } from './types';

export class DocBuilder {
  private readonly nodes: ModelNode[] = [];
  private readonly edges: ModelEdge[] = [];
  private readonly groups: GroupDef[] = [];
  private last: string | null = null;

  /** Adds a block fed by `from` (node ids; port 0 each, in input-port order). Returns its id. */
  add(name: string, type: string, params: Params = {}, from: (string | { node: string; port: number })[] = []): string {
    const id = name;
    this.nodes.push({ id, type, name, params, position: { x: 0, y: 0 } });
    from.forEach((f, port) => {
      const src = typeof f === 'string' ? { node: f, port: 0 } : f;
      this.edges.push({ id: `${src.node}->${id}:${port}`, from: src, to: { node: id, port } });
    });
    this.last = id;
    return id;
  }

  /** Appends a block fed by the last one added. */
  then(name: string, type: string, params: Params = {}): string {
    return this.add(name, type, params, this.last ? [this.last] : []);
  }

  group(def: GroupDef): this {
    this.groups.push(def);
    return this;
  }

  get lastId(): string | null {
    return this.last;
  }

  build(): ModelDocument {
    const at = layeredPositions(this.nodes, this.edges);
    return { nodes: this.nodes.map((n) => ({ ...n, position: at.get(n.id)! })), edges: [...this.edges], groups: [...this.groups] };
  }
}

export function emptyDocument(): ModelDocument {
  return { nodes: [], edges: [], groups: [] };
}
