/**
 * model.py: the studio graph as an nn.Module, plus `build_model(weights=None)` and a reader for
 * the safetensors weights the studio writes.
 */
import type { ExpandedGraph } from '../graph/expanded';
import type { ModelDocument } from '../graph/types';
import { BUILTIN_CODE, BUILTIN_ORDER } from './composites';
import { HELPER_CODE, type Helper } from './modules';
import { className, wrapText } from './python';
import { CodegenContext, classSource, scopeCode } from './scope';
import { modelStructure, type ModelStructure } from './structure';

export interface ModelPy {
  code: string;
  className: string;
  structure: ModelStructure;
}

const HELPER_ORDER: Helper[] = ['PaddedConv2d', 'PaddedMaxPool2d', 'PaddedAvgPool2d', 'MirroredLRN', 'StochasticDepth'];

const LOADER = `def read_safetensors(path):
    """Tensors of a .safetensors file (float32), with the standard library."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, not F32")
        begin, end = info["data_offsets"]
        raw = bytearray(data[begin:end])
        values = torch.frombuffer(raw, dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"])
    return tensors


def load_weights(path):
    """A state dict from weights.safetensors or a train.py checkpoint (.pt)."""
    if str(path).endswith(".safetensors"):
        return read_safetensors(path)
    state = torch.load(path, map_location="cpu")
    state = state.get("model", state)
    # DistributedDataParallel prefixes every key with "module.".
    prefix = "module."
    return {
        k[len(prefix):] if k.startswith(prefix) else k: v
        for k, v in state.items()
    }
`;

function buildModelFn(cls: string): string {
  return `def build_model(weights=None):
    """The network; with \`weights\` (a file), its weights loaded by name."""
    model = ${cls}()
    if weights is not None:
        result = model.load_state_dict(load_weights(weights), strict=False)
        # num_batches_tracked only counts steps; the studio does not keep it.
        missing = [
            k
            for k in result.missing_keys
            if not k.endswith("num_batches_tracked")
        ]
        unexpected = result.unexpected_keys
        if missing or unexpected:
            raise ValueError(
                f"{weights}: missing {missing}, unexpected {unexpected}"
            )
    return model


if __name__ == "__main__":
    net = build_model().eval()
    count = sum(p.numel() for p in net.parameters())
    logits = net(torch.zeros(1, *INPUT_SIZE))
    print(f"{count:,} parameters; logits {tuple(logits.shape)}")
`;
}

export function modelPy(doc: ModelDocument, graph: ExpandedGraph, projectName: string, version: string): ModelPy {
  const structure = modelStructure(doc, graph);
  const ctx = new CodegenContext();
  const cls = ctx.reserveName(className(projectName, 'Net'));
  const code = scopeCode(
    {
      items: structure.items,
      inputs: [{ node: structure.input.id, port: 0 }],
      inputNames: ['x'],
      outputs: [{ node: structure.output.id, port: 0 }],
    },
    ctx,
  );
  const usesF = [...ctx.helpers].some((h) => h !== 'MirroredLRN' && h !== 'StochasticDepth');
  const imports = ['import json', 'import struct'];
  if (ctx.usesOrderedDict) imports.push('from collections import OrderedDict');
  imports.push('', 'import torch');
  if (usesF) imports.push('import torch.nn.functional as F');
  imports.push('from torch import nn');
  const [c, h, w] = structure.input.outShapes[0]!;
  const classes = structure.output.outShapes[0]![0];
  const blocks = [
    ...HELPER_ORDER.filter((x) => ctx.helpers.has(x)).map((x) => HELPER_CODE[x]),
    ...BUILTIN_ORDER.filter((x) => ctx.builtins.has(x)).map((x) => BUILTIN_CODE[x]),
    ...ctx.classes.map((x) => x.code),
    classSource(cls, `${projectName || 'The model'}, as drawn in CNN Studio.`.replace(/"/g, "'"), code),
    LOADER,
    buildModelFn(cls),
  ];
  const title = (projectName || 'Model').replace(/"/g, "'");
  const header = [
    ...wrapText(`"""${title}: a CNN Studio ${version} model as a PyTorch module.`, 0),
    '',
    ...wrapText("Module names are the studio's block names, so state dict keys equal the studio's weight names: weights move between the two by name.", 0),
    '"""',
  ];
  const text = [
    ...header,
    ...imports,
    '',
    `INPUT_SIZE = (${c}, ${h}, ${w})  # channels, height, width`,
    `NUM_CLASSES = ${classes}`,
    '',
    '',
    blocks.map((b) => b.trimEnd()).join('\n\n\n'),
    '',
  ].join('\n');
  return { code: text, className: cls, structure };
}
