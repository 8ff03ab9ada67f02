/**
 * How long the core takes to build a training-step graph (forward + loss + backward + optimizer)
 * for the bigger templates: the wait between pressing Train and the first step, before onnxruntime.
 * Prints CPU time (single-threaded build: equals wall time on an idle machine, and stays meaningful
 * on a loaded one) and wall time per build, best of N after a warm-up. The target for ResNet-50 at
 * 3x224x224, batch 32, is under 200 ms of CPU time.
 *   node bench/run-ts.mjs bench/train-step-build.ts [--iterations N] [--json]
 */
import { buildTemplate } from '../core/templates/index';
import { buildStudioTrainStep } from '../core/train/studio';

const iterations = Number(process.argv[process.argv.indexOf('--iterations') + 1] ?? 5) || 5;
const json = process.argv.includes('--json');
const options = { batchSize: 32, optimizer: { kind: 'sgd' as const, momentum: 0.9 } };

const rows: { template: string; nodes: number; bestCpuMs: number; bestWallMs: number }[] = [];
for (const id of ['resnet18', 'googlenet', 'resnet50']) {
  const doc = buildTemplate(id, { input: [3, 224, 224], classes: 1000 });
  buildStudioTrainStep(doc, options); // warm-up (JIT)
  let bestCpu = Infinity;
  let bestWall = Infinity;
  let nodes = 0;
  for (let i = 0; i < iterations; i++) {
    const w0 = performance.now();
    const t0 = process.cpuUsage();
    const { step } = buildStudioTrainStep(doc, options);
    const d = process.cpuUsage(t0);
    bestCpu = Math.min(bestCpu, (d.user + d.system) / 1000);
    bestWall = Math.min(bestWall, performance.now() - w0);
    nodes = step.model.graph.nodes.length;
  }
  rows.push({ template: id, nodes, bestCpuMs: bestCpu, bestWallMs: bestWall });
}
if (json) console.log(JSON.stringify(rows));
else
  for (const r of rows)
    console.log(
      `${r.template.padEnd(10)} ${String(r.nodes).padStart(6)} nodes  CPU ${r.bestCpuMs.toFixed(1)} ms  wall ${r.bestWallMs.toFixed(1)} ms (best of ${iterations})`,
    );
