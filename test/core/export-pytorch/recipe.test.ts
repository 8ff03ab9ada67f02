/**
 * train.py follows the studio's recipe where it can be checked without training: the learning
 * rate of every schedule at every step equals core/train/schedule.ts, and the stratified
 * validation split of a class-folder dataset picks the same files as main/data/scan.ts (same
 * hash, same counts), including names outside ASCII.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { buildTemplate } from '../../../core/templates/index';
import { learningRate, type ScheduleConfig } from '../../../core/train/schedule';
import { scanImageFolder } from '../../../main/data/scan';
import { runPython, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';
import { tempDir } from '../../helpers/temp-dir';

const missing = torchMissing();
if (missing) console.warn(`skipping the train.py recipe checks: ${missing}`);

const SCHEDULES: ScheduleConfig[] = [
  { kind: 'constant' },
  { kind: 'step', everyEpochs: 2, gamma: 0.5 },
  { kind: 'cosine' },
  { kind: 'cosine', warmupSteps: 7, minLr: 1e-4 },
  { kind: 'onecycle' },
  { kind: 'onecycle', pctStart: 0.25, divFactor: 10, finalDivFactor: 100 },
];
const STEPS_PER_EPOCH = 13;
const EPOCHS = 5;

const PROBE = `import json
import sys
from argparse import Namespace

import train

out = {"lr": [], "split": None}
for s in json.loads(sys.argv[1]):
    args = Namespace(
        lr=0.1,
        schedule=s["kind"],
        step_every=s.get("everyEpochs", 30),
        gamma=s.get("gamma", 0.1),
        warmup_steps=s.get("warmupSteps"),
        min_lr=s.get("minLr", 0.0),
        pct_start=s.get("pctStart", 0.3),
        div_factor=s.get("divFactor", 25.0),
        final_div_factor=s.get("finalDivFactor", 1e4),
    )
    total = ${EPOCHS} * ${STEPS_PER_EPOCH}
    out["lr"].append([
        train.learning_rate(args, k, ${STEPS_PER_EPOCH}, total)
        for k in range(total)
    ])
classes, tr, val, _ = train.scan(sys.argv[2], 0.25, 3)
out["split"] = {
    "classes": classes,
    "val": sorted(p for p, _ in val),
    "train": sorted(p for p, _ in tr),
}
print(json.dumps(out))
`;

describe.skipIf(missing !== null)('train.py: the studio recipe', () => {
  const root = tempDir('cnn-pt-recipe-');

  it('has the same learning rates and the same validation split', async () => {
    const project = path.join(root, 'project');
    writeFiles(project, exportPytorch(buildTemplate('lenet5', { classes: 3 }), { projectName: 'p', recipe: TEST_RECIPE }).files);
    writeFileSync(path.join(project, 'probe.py'), PROBE);
    const data = path.join(root, 'data');
    const counts = { ant: 9, 'bee-é': 4, çat: 2 };
    for (const [c, n] of Object.entries(counts)) {
      mkdirSync(path.join(data, c, 'sub'), { recursive: true });
      // Not decoded here: only names and the split matter.
      for (let i = 0; i < n; i++) writeFileSync(path.join(data, c, i % 2 ? 'sub' : '', `img_${i}${i === 1 ? 'ü' : ''}.png`), 'x');
    }
    const r = runPython(['probe.py', JSON.stringify(SCHEDULES), data], project);
    const got = JSON.parse(r.stdout) as { lr: number[][]; split: { classes: string[]; val: string[]; train: string[] } };
    const span = { stepsPerEpoch: STEPS_PER_EPOCH, totalSteps: EPOCHS * STEPS_PER_EPOCH };
    SCHEDULES.forEach((s, i) => {
      const want = Array.from({ length: span.totalSteps }, (_, k) => learningRate(s, 0.1, k, span));
      const err = Math.max(...want.map((w, k) => Math.abs(w - got.lr[i]![k]!)));
      expect(err, JSON.stringify(s)).toBeLessThan(1e-12);
    });
    const scan = await scanImageFolder(data, { valSplit: 0.25, seed: 3 });
    expect(got.split.classes).toEqual(scan.classes);
    expect(got.split.val).toEqual(scan.splits.val.map((e) => e.path).sort());
    expect(got.split.train).toEqual(scan.splits.train.map((e) => e.path).sort());
    expect(got.split.val.length).toBeGreaterThan(2);
  });
});
