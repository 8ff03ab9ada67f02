/**
 * Full re-validation with metrics (what the editor runs on every edit): analyze() expands the
 * composites, infers every shape, and computes parameters, MACs, activations and receptive fields.
 * Prints the median time per template; the target is well under 5 ms for the expanded ResNet-152.
 *   node bench/run-ts.mjs bench/validate.ts [--iterations N] [--json]
 */
import { analyze } from '../core/graph/analyze';
import { applyPatch } from '../core/graph/apply-fix';
import { trainingMemory } from '../core/graph/memory';
import { buildTemplate } from '../core/templates/index';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const iterations = Number(flag('--iterations') ?? 300);
const json = process.argv.includes('--json');

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const results: { template: string; primitives: number; params: number; medianMs: number; p90Ms: number; minMs: number }[] = [];
for (const id of ['lenet5', 'alexnet', 'vgg16', 'googlenet', 'resnet18', 'resnet50', 'resnet152']) {
  const base = buildTemplate(id);
  // Each run sees a freshly edited document (the classifier's class count toggles), as in the editor.
  const docs = [base, applyPatch(base, [{ op: 'setParam', node: base.nodes.at(-1)!.id, param: 'classes', value: 999 }])];
  for (let i = 0; i < 50; i++) analyze(docs[i % 2]!); // warm up the JIT
  const times: number[] = [];
  const ref = analyze(base);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const a = analyze(docs[i % 2]!);
    trainingMemory(a, { batchSize: 32, optimizer: 'adam' });
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  results.push({
    template: id,
    primitives: ref.graph.nodes.length,
    params: ref.totals.params,
    medianMs: quantile(times, 0.5),
    p90Ms: quantile(times, 0.9),
    minMs: times[0]!,
  });
}

if (json) console.log(JSON.stringify({ iterations, results }, null, 2));
else {
  console.log(`full re-validation + metrics, ${iterations} runs each (ms)`);
  console.log('template      primitives      params   median      p90      min');
  for (const r of results) {
    console.log(
      `${r.template.padEnd(12)} ${String(r.primitives).padStart(11)} ${r.params.toLocaleString('en-US').padStart(11)} ${r.medianMs.toFixed(3).padStart(8)} ${r.p90Ms.toFixed(3).padStart(8)} ${r.minMs.toFixed(3).padStart(8)}`,
    );
  }
  const r152 = results.find((r) => r.template === 'resnet152')!;
  console.log(`\nResNet-152 (expanded, ${r152.primitives} primitives): median ${r152.medianMs.toFixed(2)} ms (target: well under 5 ms)`);
}
