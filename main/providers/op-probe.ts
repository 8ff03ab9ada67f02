/**
 * Which op signatures of a graph a provider runs, learned by running them: each signature becomes
 * one node of a probe model (its own inputs, seeded data), run on the provider with CPU fallback
 * disabled (session.disable_cpu_ep_fallback = 1: a node without a kernel fails the session) and on
 * the CPU. A signature is unsupported when its node has no kernel, fails at run time, or its
 * outputs differ from the CPU's (max |d - c| > 1e-3 max |c| + 1e-6; integer outputs exactly).
 *
 * The signatures are tested as a group and split in halves only where the group fails (a session
 * that does not load does not say which node lacks a kernel; a run-time failure names its node),
 * so a graph whose ops all run costs two sessions per group; a group's probe data (real shapes,
 * seeded values) is kept under 256 MB, so a large model's graph is probed in several groups.
 */
import type * as Ort from 'onnxruntime-node';
import type { DType, Graph, Node, Tensor, ValueInfo } from '../../core/onnx/ir';
import { makeModel } from '../../core/train/build-train-step';
import { mulberry32 } from '../../core/data/rng';
import { createSession, type Device } from '../trainer/ort-session';
import type { OpSignature } from './op-signatures';

export interface OpVerdict {
  supported: boolean;
  /**
   * Why not: 'no-kernel' (onnxruntime places the node on the CPU), 'load' (the session does not
   * load), 'run-time' (fails when run: CPU fallback cannot rescue it), 'differs' (runs, wrong values).
   */
  kind?: 'no-kernel' | 'load' | 'run-time' | 'differs';
  /** Details (the run-time error, or how far from the CPU). */
  reason?: string;
}

type Outputs = Map<string, Ort.Tensor>;

interface ProbeNode {
  sig: OpSignature;
  node: Node;
  inputs: ValueInfo[];
  constants: Tensor[];
  outputs: ValueInfo[];
  feeds: Record<string, Ort.Tensor>;
}

const TOLERANCE = 1e-3;

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Seeded data: floats in [0.25, 1.25) (positive: Sqrt, Log, Div stay finite), integers and booleans 0 (a valid index). */
function data(ort: typeof Ort, dtype: DType, shape: number[], random: () => number): Ort.Tensor {
  const n = size(shape);
  switch (dtype) {
    case 'float32':
      return new ort.Tensor(
        'float32',
        Float32Array.from({ length: n }, () => 0.25 + random()),
        shape,
      );
    case 'float64':
      return new ort.Tensor(
        'float64',
        Float64Array.from({ length: n }, () => 0.25 + random()),
        shape,
      );
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n), shape);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n), shape);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), shape);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(n), shape);
    case 'int8':
      return new ort.Tensor('int8', new Int8Array(n), shape);
    default:
      throw new Error(`op probe: no test data for ${dtype} inputs`);
  }
}

function probeNode(ort: typeof Ort, sig: OpSignature, i: number): ProbeNode {
  const random = mulberry32(0x5eed + i);
  const p = `p${i}`;
  const inputs: ValueInfo[] = [];
  const constants: Tensor[] = [];
  const feeds: Record<string, Ort.Tensor> = {};
  const names = sig.inputs.map((inp, j) => {
    if (!inp) return '';
    const name = `${p}_in${j}`;
    if (inp.constant) constants.push({ ...inp.constant, name });
    else {
      inputs.push({ name, dtype: inp.dtype, shape: inp.shape });
      feeds[name] = data(ort, inp.dtype, inp.shape, random);
    }
    return name;
  });
  const outputs: ValueInfo[] = [];
  const outNames = sig.outputs.map((o, k) => {
    if (!o) return '';
    const name = `${p}_out${k}`;
    outputs.push({ name, dtype: o.dtype, shape: o.shape });
    return name;
  });
  const node: Node = { ...sig.node, name: p, inputs: names, outputs: outNames };
  return { sig, node, inputs, constants, outputs, feeds };
}

function groupGraph(group: ProbeNode[]): Graph {
  return {
    name: 'op_probe',
    nodes: group.map((g) => g.node),
    inputs: group.flatMap((g) => g.inputs),
    outputs: group.flatMap((g) => g.outputs),
    initializers: group.flatMap((g) => g.constants),
    valueInfo: [],
  };
}

/** onnxruntime's first line without the source location. */
function firstLine(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  return text.replace(/^.*?Status Message:\s*/, '').replace(/^\S+\.(cc|h|cpp):\d+\s+\S+\s+/, '');
}

const NO_KERNEL = /fallback to CPU EP has been explicitly disabled/;
const FAILED_NODE = /running \S+ node\. Name:'(p\d+)'/;

/**
 * Runs `group` on `device` (fallback disabled unless cpu); nodes that fail get `failed` entries,
 * the others' outputs are collected. Splits the group where it cannot tell which node failed.
 */
type Failure = { kind: 'no-kernel' | 'load' | 'run-time'; reason: string };

async function runGroup(group: ProbeNode[], device: Device, threads: number, outs: Outputs, failed: Map<string, Failure>): Promise<void> {
  if (group.length === 0) return;
  let session: Ort.InferenceSession;
  try {
    session = await createSession(makeModel(groupGraph(group), 'op probe'), { device, threads, cpuFallback: device === 'cpu', quiet: true, memArena: false });
  } catch (e) {
    if (group.length === 1) {
      failed.set(
        group[0]!.node.name,
        NO_KERNEL.test(String(e)) ? { kind: 'no-kernel', reason: `no ${device} kernel` } : { kind: 'load', reason: `does not load: ${firstLine(e)}` },
      );
      return;
    }
    const half = Math.ceil(group.length / 2);
    await runGroup(group.slice(0, half), device, threads, outs, failed);
    await runGroup(group.slice(half), device, threads, outs, failed);
    return;
  }
  try {
    const feeds = Object.assign({}, ...group.map((g) => g.feeds)) as Record<string, Ort.Tensor>;
    const result = await session.run(feeds);
    for (const [k, v] of Object.entries(result)) outs.set(k, v);
  } catch (e) {
    const named = FAILED_NODE.exec(String(e))?.[1];
    const culprit = group.length === 1 ? group[0]!.node.name : named;
    await session.release();
    if (culprit && group.some((g) => g.node.name === culprit)) {
      failed.set(culprit, { kind: 'run-time', reason: `fails at run time: ${firstLine(e)}` });
      await runGroup(
        group.filter((g) => g.node.name !== culprit),
        device,
        threads,
        outs,
        failed,
      );
      return;
    }
    const half = Math.ceil(group.length / 2);
    await runGroup(group.slice(0, half), device, threads, outs, failed);
    await runGroup(group.slice(half), device, threads, outs, failed);
    return;
  }
  await session.release();
}

/** null when `got` matches `want`; otherwise how far off it is. */
function mismatch(got: Ort.Tensor, want: Ort.Tensor): string | null {
  const a = got.data as ArrayLike<number | bigint>;
  const b = want.data as ArrayLike<number | bigint>;
  if (a.length !== b.length || got.dims.join(',') !== want.dims.join(',')) return `output shape [${got.dims.join(', ')}] instead of [${want.dims.join(', ')}]`;
  if (want.type !== 'float32' && want.type !== 'float64' && want.type !== 'float16') {
    for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return `integer output differs from the CPU's at element ${i}`;
    return null;
  }
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(x) !== Number.isNaN(y)) return `NaN where the CPU has a number (element ${i})`;
    if (Number.isNaN(y)) continue;
    scale = Math.max(scale, Math.abs(y));
    diff = Math.max(diff, Math.abs(x - y));
  }
  return diff > TOLERANCE * scale + 1e-6 ? `differs from the CPU by ${diff.toPrecision(3)} (values up to ${scale.toPrecision(3)})` : null;
}

/** Input and output bytes of a signature's probe node (constants excluded). */
function probeBytes(sig: OpSignature): number {
  const tensors = [...sig.inputs.filter((i) => i && !i.constant), ...sig.outputs];
  return tensors.reduce((a, t) => a + (t ? size(t.shape) * 8 : 0), 0);
}

/** Probe data of one group at a time stays below this (a large model's activations are big). */
const GROUP_BYTES = 256 * 1024 * 1024;

/** Probes each signature on `device` against the CPU; keys are the signatures' keys. */
export async function probeOps(ort: typeof Ort, sigs: readonly OpSignature[], device: Device, threads = 2): Promise<Map<string, OpVerdict>> {
  const verdicts = new Map<string, OpVerdict>();
  let chunk: number[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length > 0) await probeChunk(ort, sigs, chunk, device, threads, verdicts);
    chunk = [];
    bytes = 0;
  };
  for (let i = 0; i < sigs.length; i++) {
    const b = probeBytes(sigs[i]!);
    if (chunk.length > 0 && bytes + b > GROUP_BYTES) await flush();
    chunk.push(i);
    bytes += b;
  }
  await flush();
  return verdicts;
}

async function probeChunk(
  ort: typeof Ort,
  sigs: readonly OpSignature[],
  chunk: number[],
  device: Device,
  threads: number,
  verdicts: Map<string, OpVerdict>,
): Promise<void> {
  const nodes = chunk.map((i) => probeNode(ort, sigs[i]!, i));
  const cpuOut: Outputs = new Map();
  const cpuFailed = new Map<string, Failure>();
  await runGroup(nodes, 'cpu', threads, cpuOut, cpuFailed);
  const judged = nodes.filter((n) => !cpuFailed.has(n.node.name));
  const devOut: Outputs = new Map();
  const devFailed = new Map<string, Failure>();
  await runGroup(judged, device, threads, devOut, devFailed);
  for (const n of nodes) {
    const cpuWhy = cpuFailed.get(n.node.name);
    // The CPU cannot run it with probe data either (e.g. data-dependent shapes): not judged.
    if (cpuWhy) {
      verdicts.set(n.sig.key, { supported: true, reason: `not judged: the CPU fails it with probe data (${cpuWhy.reason})` });
      continue;
    }
    const why = devFailed.get(n.node.name);
    if (why) {
      verdicts.set(n.sig.key, { supported: false, kind: why.kind, reason: why.reason });
      continue;
    }
    let off: string | null = null;
    for (const o of n.outputs) {
      const got = devOut.get(o.name);
      const want = cpuOut.get(o.name);
      if (!got || !want) off = `output ${o.name} missing`;
      else off = mismatch(got, want);
      if (off) break;
    }
    verdicts.set(n.sig.key, off ? { supported: false, kind: 'differs', reason: off } : { supported: true });
  }
}
