/** Dropout in training graphs: prepareForTraining turns it into training mode; dx = dy * mask / (1 - p). */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import { buildBackward } from '../../../core/train/autodiff';
import { makeModel } from '../../../core/train/build-train-step';
import { prepareForTraining } from '../../../core/train/prepare';
import { inferShapes } from '../../../core/train/shape-infer';
import { createSession, f32 } from '../../../main/trainer/ort-session';

it('dropout backward routes through the same mask as the forward', async () => {
  const src = new GraphBuilder('d');
  src.input('x', 'float32', [4, 50]);
  src.op('Dropout', ['x', src.constFloat('ratio', [0.3], [])], {}, { outputNames: ['y'] });
  const prepared = prepareForTraining(src.build(), {});
  const drop = prepared.graph.nodes.find((n) => n.opType === 'Dropout')!;
  expect(drop.outputs.length).toBe(2);
  const g = new GraphBuilder('t');
  g.input('x', 'float32', [4, 50]);
  for (const t of prepared.graph.initializers) g.initializer(t.name, t.dtype, t.dims, t.data, true);
  g.nodes.push(...prepared.graph.nodes);
  for (const n of prepared.graph.nodes) for (const o of n.outputs) g.reserve(o);
  const info = inferShapes(prepared.graph);
  const r = g.constFloat(
    'R',
    Array.from({ length: 200 }, (_, i) => 1 + (i % 7)),
    [4, 50],
  );
  const back = buildBackward({ graph: prepared.graph, info, seeds: { y: r }, wrt: ['x'], builder: g });
  const mask = drop.outputs[1]!;
  const maskF = g.op1('Cast', [mask], { to: 1 });
  g.output('y', 'float32', [4, 50]);
  g.output(maskF, 'float32', [4, 50]);
  g.output(back.grads.get('x')!, 'float32', [4, 50]);
  const s = await createSession(makeModel(g.build(), 'dropout'));
  const x = Float32Array.from({ length: 200 }, (_, i) => i + 1);
  const out = await s.run({ x: f32(x, [4, 50]) });
  const y = out.y!.data as Float32Array;
  const mk = out[maskF]!.data as Float32Array;
  const dx = out[back.grads.get('x')!]!.data as Float32Array;
  let kept = 0;
  for (let i = 0; i < 200; i++) {
    kept += mk[i]!;
    expect(y[i]).toBeCloseTo((x[i]! * mk[i]!) / 0.7, 3);
    expect(dx[i]).toBeCloseTo((mk[i]! * (1 + (i % 7))) / 0.7, 4);
  }
  expect(kept).toBeGreaterThan(100);
  expect(kept).toBeLessThan(180);
  await s.release();
});
