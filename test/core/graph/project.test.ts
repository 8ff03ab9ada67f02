/** Project files: round trip, migrations, and malformed files with the field named in the error. */
import { describe, expect, it } from 'vitest';
import { ProjectFileError } from '../../../core/graph/errors';
import { MIGRATIONS, PROJECT_VERSION, migrate, parseProject, serializeProject, tryParseProject, validateProject } from '../../../core/graph/project';
import { buildTemplate } from '../../../core/templates/index';
import { analyze } from '../../../core/graph/analyze';
import type { GroupDef } from '../../../core/graph/types';

const valid = () => serializeProject({ name: 'demo', model: buildTemplate('resnet18', { input: [3, 64, 64], classes: 5 }), extra: {} });
type Key = string | number;
type Obj = Record<Key, unknown>;
/** The valid file with the value at `path` replaced (or deleted when value is DELETE). */
const DELETE = Symbol('delete');
const mutate = (path: Key[], value: unknown): string => {
  const raw = JSON.parse(valid()) as Obj;
  let o = raw;
  for (const k of path.slice(0, -1)) o = o[k] as Obj;
  const last = path[path.length - 1]!;
  if (value === DELETE) delete o[last];
  else o[last] = value;
  return JSON.stringify(raw);
};

function errorOf(text: string): ProjectFileError {
  try {
    parseProject(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectFileError);
    return e as ProjectFileError;
  }
  throw new Error('parsed a malformed project');
}

describe('project file', () => {
  it('round-trips a template, groups and unknown sections unchanged', () => {
    const group: GroupDef = {
      id: 'g',
      name: 'G',
      nodes: [{ id: 'r', type: 'relu', name: 'relu', params: {}, position: { x: 1, y: 2 } }],
      edges: [],
      inputs: [[{ node: 'r', port: 0 }]],
      outputs: [{ node: 'r', port: 0 }],
    };
    const model = { ...buildTemplate('googlenet', { variant: 'torchvision' }), groups: [group] };
    const text = serializeProject({ name: 'g', model, extra: { training: { epochs: 3 }, ui: { zoom: 1.5 } } });
    const p = parseProject(text);
    expect(p.model).toEqual(model);
    expect(p.extra).toEqual({ training: { epochs: 3 }, ui: { zoom: 1.5 } });
    expect(serializeProject(p)).toBe(text);
    expect(analyze(p.model).totals.params).toBe(6624904);
    expect(JSON.parse(text)).toMatchObject({ format: 'cnn-studio', version: PROJECT_VERSION });
  });

  const MALFORMED: [string, string, string, RegExp][] = [
    ['truncated JSON', valid().slice(0, 200), '', /not valid JSON.*truncated/],
    ['empty file', '', '', /empty/],
    ['not an object', '[1, 2]', '', /JSON object/],
    ['wrong format', mutate(['format'], 'keras'), 'format', /"cnn-studio"/],
    ['missing format', mutate(['format'], DELETE), 'format', /missing/],
    ['newer version', mutate(['version'], PROJECT_VERSION + 1), 'version', /newer than this CNN Studio reads/],
    ['version as text', mutate(['version'], '1'), 'version', /whole number/],
    ['missing model', mutate(['model'], DELETE), 'model', /missing/],
    ['nodes not a list', mutate(['model', 'nodes'], {}), 'model.nodes', /expected array/],
    ['node id a number', mutate(['model', 'nodes', 2, 'id'], 7), 'model.nodes[2].id', /expected string.*got number 7/],
    ['param of the wrong type', mutate(['model', 'nodes', 1, 'params', 'kernel'], 'big'), 'model.nodes[1].params.kernel', /whole number/],
    ['param out of range', mutate(['model', 'nodes', 1, 'params', 'filters'], 0), 'model.nodes[1].params.filters', /at least 1/],
    ['param that does not exist', mutate(['model', 'nodes', 1, 'params', 'kernal'], 3), 'model.nodes[1].params.kernal', /not a parameter/],
    ['param null', mutate(['model', 'nodes', 1, 'params', 'kernel'], null), 'model.nodes[1].params.kernel', /.+/],
    ['position not a number', mutate(['model', 'nodes', 3, 'position', 'x'], 'left'), 'model.nodes[3].position.x', /.+/],
    ['unknown block type', mutate(['model', 'nodes', 4, 'type'], 'wavelet'), 'model.nodes[4].type', /unknown block type "wavelet"/],
    ['duplicate node id', mutate(['model', 'nodes', 4, 'id'], 'relu'), 'model.nodes[4].id', /unique/],
    ['edge to a missing node', mutate(['model', 'edges', 0, 'to', 'node'], 'ghost'), 'model.edges[0].to.node', /no block with id "ghost"/],
    ['edge port out of range', mutate(['model', 'edges', 0, 'to', 'port'], 3), 'model.edges[0].to.port', /has no input 3/],
    ['negative port', mutate(['model', 'edges', 1, 'from', 'port'], -1), 'model.edges[1].from.port', /.+/],
    [
      'group edge to missing node',
      mutate(['model', 'groups'], [{ id: 'g', name: 'G', nodes: [], edges: [], inputs: [[{ node: 'x', port: 0 }]], outputs: [] }]),
      'model.groups[0].inputs[0][0].node',
      /no block/,
    ],
  ];

  it.each(MALFORMED)('%s -> error at "%s"', (_label, text, path, problem) => {
    const e = errorOf(text);
    expect(e.path).toBe(path);
    expect(e.problem).toMatch(problem);
    expect(e.message).toBe(path ? `${path}: ${e.problem}` : e.problem);
  });

  it('tryParseProject returns the error instead of throwing', () => {
    const r = tryParseProject('{"format": "cnn-studio"');
    expect(r.ok).toBe(false);
    expect(tryParseProject(valid()).ok).toBe(true);
  });

  it('throws only ProjectFileError for arbitrary input', () => {
    const inputs: unknown[] = [
      null,
      1,
      'x',
      { format: 'cnn-studio', version: 1, name: 3 },
      { format: 'cnn-studio', version: 1, name: 'x', model: { nodes: [null], edges: [] } },
    ];
    for (const v of inputs) expect(() => validateProject(v)).toThrow(ProjectFileError);
  });

  it('runs migrations from older versions, one step at a time', () => {
    // A pretend history: version 1 named the model section "graph", version 2 added "name".
    const steps = {
      1: (r: Obj) => {
        const { graph, ...rest } = r;
        return { ...rest, model: graph };
      },
      2: (r: Obj) => ({ name: 'untitled', ...r }),
    };
    const out = migrate({ format: 'cnn-studio', version: 1, graph: { nodes: [] } }, 1, 3, steps);
    expect(out).toEqual({ format: 'cnn-studio', version: 3, model: { nodes: [] }, name: 'untitled' });
    expect(() => migrate({ version: 1 }, 1, 4, steps)).toThrow(ProjectFileError);
    expect(MIGRATIONS).toEqual({});
  });
});
