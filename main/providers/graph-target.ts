/**
 * Builds a training or eval graph for the provider that will run it:
 * 1. build for the provider's known gaps (core/train/target.ts KNOWN_GAPS),
 * 2. probe the graph's op signatures on the provider (op-probe.ts; cached per provider, onnxruntime
 *    version and driver in op-support.json),
 * 3. if the probe found gaps that another formulation avoids, rebuild for them and probe again,
 * 4. list the nodes that would still run on the CPU, each with its op and why.
 */
import * as ort from 'onnxruntime-node';
import type { Model } from '../../core/onnx/ir';
import { CPU_TARGET, formulationFor, knownTarget, withGaps, type ProviderTarget } from '../../core/train/target';
import type { Device } from '../trainer/ort-session';
import { adapterFor } from './adapters';
import { realHost } from './host-probe';
import { probeOps, type OpVerdict } from './op-probe';
import { opSignatures } from './op-signatures';
import { OpSupportCache, providerKey } from './op-support-cache';

export interface CpuFallbackNode {
  node: string;
  op: string;
  /** OpVerdict.kind: only 'no-kernel' nodes really fall back; the others make the device unusable. */
  kind: NonNullable<OpVerdict['kind']>;
  reason: string;
}

export interface TargetedGraph<G> {
  graph: G;
  target: ProviderTarget;
  /** Nodes the provider cannot run (they fall back to the CPU, or fail where fallback cannot help). */
  cpuFallbackNodes: CpuFallbackNode[];
  /** Signatures probed now (not found in the cache). */
  probed: number;
  /** A problem with the cache file (results still used for this run). */
  cacheWarning: string | null;
}

export interface TargetOptions {
  threads?: number;
  /** Defaults to the user's op-support.json. */
  cache?: OpSupportCache;
  /** Driver identity for the cache key; defaults to the adapter's (adapters.ts). */
  driverKey?: string;
}

async function verdictsFor(model: Model, device: Device, cache: OpSupportCache, key: string, threads: number) {
  const sigs = [...opSignatures(model).values()];
  const missing = sigs.filter((s) => !cache.get(key, s.key));
  if (missing.length > 0) {
    const fresh = await probeOps(ort, missing, device, threads);
    for (const [k, v] of fresh) cache.set(key, k, v);
  }
  const verdicts = sigs.map((s) => ({ sig: s, verdict: cache.get(key, s.key) as OpVerdict }));
  return { verdicts, probed: missing.length };
}

/** `build` makes the graph for a target; `model` picks its ONNX model (e.g. step => step.model). */
export async function buildForProvider<G>(
  device: Device,
  build: (target: ProviderTarget) => G,
  model: (graph: G) => Model,
  o: TargetOptions = {},
): Promise<TargetedGraph<G>> {
  if (device === 'cpu') return { graph: build(CPU_TARGET), target: CPU_TARGET, cpuFallbackNodes: [], probed: 0, cacheWarning: null };
  const cache = o.cache ?? (await OpSupportCache.open());
  const key = providerKey(device, ort.env.versions.node ?? 'unknown', o.driverKey ?? adapterFor(device, realHost).driverKey);
  let target = knownTarget(device);
  let probed = 0;
  for (let round = 0; ; round++) {
    const graph = build(target);
    const r = await verdictsFor(model(graph), device, cache, key, o.threads ?? 2);
    probed += r.probed;
    const bad = r.verdicts.filter((v) => !v.verdict.supported);
    const next = withGaps(
      target,
      bad.map((v) => v.sig.capability),
    );
    const same = JSON.stringify(formulationFor(next)) === JSON.stringify(formulationFor(target));
    if (same || round >= 2) {
      const cpuFallbackNodes = bad.flatMap((v) =>
        v.sig.nodes.map((node): CpuFallbackNode => ({
          node,
          op: v.sig.node.opType,
          kind: v.verdict.kind ?? 'no-kernel',
          reason: v.verdict.reason ?? 'unsupported',
        })),
      );
      return { graph, target: next, cpuFallbackNodes, probed, cacheWarning: await cache.save() };
    }
    target = next;
  }
}

/** One line per op and reason, e.g. "Size (4 nodes): no webgpu kernel". */
export function summarizeFallback(nodes: readonly CpuFallbackNode[]): string[] {
  const groups = new Map<string, number>();
  for (const n of nodes) {
    const k = `${n.op}\u0000${n.reason}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  return [...groups].map(([k, count]) => {
    const [op, reason] = k.split('\u0000') as [string, string];
    return `${op} (${count} node${count > 1 ? 's' : ''}): ${reason}`;
  });
}

/**
 * Why the provider cannot train with this graph although onnxruntime would load it: a node that
 * fails at run time (CPU fallback does not rescue it) or computes wrong values. null when usable.
 */
export function deviceProblem(device: Device, nodes: readonly CpuFallbackNode[]): string | null {
  const bad = nodes.filter((n) => n.kind !== 'no-kernel');
  if (bad.length === 0) return null;
  return `${device} cannot run ${bad.length} node(s) of the training graph correctly: ${summarizeFallback(bad).join('; ')}`;
}
