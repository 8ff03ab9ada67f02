/**
 * Writes model documents in code (templates, tests, CLI): `then()` appends a block fed by the
 * previous one, `add()` takes explicit sources. Ids equal names; positions are a simple layered
 * layout the editor can re-run through elkjs.
 */
import type { GroupDef, ModelDocument, ModelEdge, ModelNode, Params } from './types';

export class DocBuilder {
  private readonly nodes: ModelNode[] = [];
  private readonly edges: ModelEdge[] = [];
  private readonly groups: GroupDef[] = [];
  private readonly depth = new Map<string, number>();
  private readonly lane = new Map<number, number>();
  private last: string | null = null;

  /** Adds a block fed by `from` (node ids; port 0 each, in input-port order). Returns its id. */
  add(name: string, type: string, params: Params = {}, from: (string | { node: string; port: number })[] = []): string {
    const id = name;
    const d = from.length ? Math.max(...from.map((f) => this.depth.get(typeof f === 'string' ? f : f.node) ?? 0)) + 1 : 0;
    const row = this.lane.get(d) ?? 0;
    this.lane.set(d, row + 1);
    this.depth.set(id, d);
    this.nodes.push({ id, type, name, params, position: { x: d * 220, y: row * 120 } });
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
    return { nodes: [...this.nodes], edges: [...this.edges], groups: [...this.groups] };
  }
}

export function emptyDocument(): ModelDocument {
  return { nodes: [], edges: [], groups: [] };
}
