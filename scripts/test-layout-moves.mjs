#!/usr/bin/env node
// The move of the tests into folders that mirror the source (issue 16 item 5), as data, and the
// rewrite of every path that names a moved file. It moves (git mv) each file still at an old path
// that MOVES names, then rewrites, in every tracked file, relative imports (and __dirname /
// import.meta.url paths) that point at an old location and repo-relative mentions (docs,
// .prettierignore) of an old path. Run it again after merging a branch that added or imports
// tests in the old folders; --rewrite-only rewrites without moving. Commit first: it edits in place.
//   node scripts/test-layout-moves.mjs [--rewrite-only]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MOVES = {
  // core
  'test/blocks/new-block.test.ts': 'test/core/blocks/new-block.test.ts',
  'test/core/block-search.test.ts': 'test/core/blocks/search.test.ts',
  'test/core/blocks.test.ts': 'test/core/blocks/blocks.test.ts',
  'test/core/form-bounds.test.ts': 'test/core/blocks/form-bounds.test.ts',
  'test/core/composites.test.ts': 'test/core/graph/composites.test.ts',
  'test/core/diagnostics.test.ts': 'test/core/graph/diagnostics.test.ts',
  'test/core/emit.test.ts': 'test/core/graph/emit.test.ts',
  'test/core/fixtures.test.ts': 'test/core/graph/fixtures.test.ts',
  'test/core/layered-layout.test.ts': 'test/core/graph/layered-layout.test.ts',
  'test/core/metrics.test.ts': 'test/core/graph/metrics.test.ts',
  'test/core/project-hostile-input.test.ts': 'test/core/graph/project-hostile-input.test.ts',
  'test/core/project.test.ts': 'test/core/graph/project.test.ts',
  'test/core/layer-names.test.ts': 'test/core/onnx/layer-names.test.ts',
  'test/core/templates.test.ts': 'test/core/templates/templates.test.ts',
  'test/core/text.test.ts': 'test/core/text/text.test.ts',
  'test/data/augment.test.ts': 'test/core/data/augment.test.ts',
  'test/devices/unroll-steps.test.ts': 'test/core/train/unroll-steps.test.ts',
  'test/export-pytorch/decode-parity.test.ts': 'test/core/export-pytorch/decode-parity.test.ts',
  'test/export-pytorch/logits.test.ts': 'test/core/export-pytorch/logits.test.ts',
  'test/export-pytorch/recipe.test.ts': 'test/core/export-pytorch/recipe.test.ts',
  'test/export-pytorch/torchrun.test.ts': 'test/core/export-pytorch/torchrun.test.ts',
  'test/foundation/train-defaults.test.ts': 'test/core/train-defaults.test.ts',
  'test/foundation/version.test.ts': 'test/core/version.test.ts',
  'test/onnx/bad-input.test.ts': 'test/core/onnx/bad-input.test.ts',
  'test/onnx/export.test.ts': 'test/core/onnx/export.test.ts',
  'test/onnx/fuzz.test.ts': 'test/core/onnx/fuzz.test.ts',
  'test/onnx/import-patterns.test.ts': 'test/core/onnx/import-patterns.test.ts',
  'test/onnx/import.test.ts': 'test/core/onnx/import.test.ts',
  'test/onnx/proto.test.ts': 'test/core/onnx/proto.test.ts',
  'test/train/op-registry.test.ts': 'test/core/ops/op-registry.test.ts',
  'test/train/conv-rewrites.test.ts': 'test/core/train/conv-rewrites.test.ts',
  'test/train/conv-subpixel.test.ts': 'test/core/train/conv-subpixel.test.ts',
  'test/train/cse.test.ts': 'test/core/train/cse.test.ts',
  'test/train/data-parallel.test.ts': 'test/core/train/data-parallel.test.ts',
  'test/train/dropout.test.ts': 'test/core/train/dropout.test.ts',
  'test/train/fixtures-train.test.ts': 'test/core/train/fixtures-train.test.ts',
  'test/train/grad-fd.test.ts': 'test/core/train/grad-fd.test.ts',
  'test/train/graph-identity.test.ts': 'test/core/train/graph-identity.test.ts',
  'test/train/graph-identity.json': 'test/core/train/graph-identity.json',
  'test/train/loss.test.ts': 'test/core/train/loss.test.ts',
  'test/train/maxpool-first-max.test.ts': 'test/core/train/maxpool-first-max.test.ts',
  'test/train/onnx-import.test.ts': 'test/core/train/onnx-import.test.ts',
  'test/train/per-sample.test.ts': 'test/core/train/per-sample.test.ts',
  'test/train/studio.test.ts': 'test/core/train/studio.test.ts',
  'test/train/target-formulations.test.ts': 'test/core/train/target-formulations.test.ts',
  'test/trainer/metrics.test.ts': 'test/core/train/metrics.test.ts',
  'test/trainer/schedule.test.ts': 'test/core/train/schedule.test.ts',
  // main
  'test/foundation/backend.test.ts': 'test/main/backend.test.ts',
  'test/foundation/backend-files.test.ts': 'test/main/backend-files.test.ts',
  'test/foundation/cli.test.ts': 'test/main/cli.test.ts',
  'test/foundation/cli-messages.test.ts': 'test/main/cli-messages.test.ts',
  'test/foundation/config.test.ts': 'test/main/config.test.ts',
  'test/foundation/providers.test.ts': 'test/main/providers.test.ts',
  'test/core/cli.test.ts': 'test/main/commands/template-info.test.ts',
  'test/data/dataset-command.test.ts': 'test/main/commands/dataset.test.ts',
  'test/train/bench-command.test.ts': 'test/main/commands/bench.test.ts',
  'test/main/onnx-cli/export-import-cli.test.ts': 'test/main/commands/export-import.test.ts',
  'test/main/onnx-cli/info-onnx.test.ts': 'test/main/commands/info-onnx.test.ts',
  'test/main/onnx-cli/predict-cli.test.ts': 'test/main/commands/predict.test.ts',
  'test/data/cache.test.ts': 'test/main/data/cache.test.ts',
  'test/data/decode-reference.test.ts': 'test/main/data/decode-reference.test.ts',
  'test/data/decode.test.ts': 'test/main/data/decode.test.ts',
  'test/data/loader.test.ts': 'test/main/data/loader.test.ts',
  'test/data/pool.test.ts': 'test/main/data/pool.test.ts',
  'test/data/scan-links-names.test.ts': 'test/main/data/scan-links-names.test.ts',
  'test/data/scan.test.ts': 'test/main/data/scan.test.ts',
  'test/foundation/electron.test.ts': 'test/main/electron/electron.test.ts',
  'test/foundation/electron-trainer.test.ts': 'test/main/electron/electron-trainer.test.ts',
  'test/export-pytorch/cli.test.ts': 'test/main/export-pytorch/cli.test.ts',
  'test/foundation/non-regular-files.test.ts': 'test/main/fs/non-regular-files.test.ts',
  'test/foundation/user-path.test.ts': 'test/main/fs/user-path.test.ts',
  'test/foundation/user-paths.test.ts': 'test/main/fs/user-paths.test.ts',
  'test/devices/device-inference.test.ts': 'test/main/inference/device-inference.test.ts',
  'test/main/onnx-inference/predict.test.ts': 'test/main/inference/predict.test.ts',
  'test/devices/adapters.test.ts': 'test/main/providers/adapters.test.ts',
  'test/devices/cuda-diagnosis.test.ts': 'test/main/providers/cuda-diagnosis.test.ts',
  'test/devices/probe-scope.test.ts': 'test/main/providers/probe-scope.test.ts',
  'test/devices/provider-options.test.ts': 'test/main/providers/provider-options.test.ts',
  'test/devices/provider-self-test.test.ts': 'test/main/providers/provider-self-test.test.ts',
  'test/webgpu/fixtures-inference.test.ts': 'test/main/providers/webgpu-fixtures-inference.test.ts',
  'test/webgpu/fixtures-train.test.ts': 'test/main/providers/webgpu-fixtures-train.test.ts',
  'test/webgpu/nhwc-conv-fault.test.ts': 'test/main/providers/webgpu-nhwc-conv-fault.test.ts',
  'test/webgpu/op-probe.test.ts': 'test/main/providers/op-probe.test.ts',
  'test/webgpu/op-support-cache.test.ts': 'test/main/providers/op-support-cache.test.ts',
  'test/foundation/server.test.ts': 'test/main/server/server.test.ts',
  'test/foundation/settings-store.test.ts': 'test/main/studio/settings-store.test.ts',
  'test/studio/studio-backend.test.ts': 'test/main/studio/studio-backend.test.ts',
  'test/studio/training-control.test.ts': 'test/main/studio/training-control.test.ts',
  'test/devices/device-selection.test.ts': 'test/main/trainer/device-selection.test.ts',
  'test/devices/resident-session.test.ts': 'test/main/trainer/resident-session.test.ts',
  'test/webgpu/trainer.test.ts': 'test/main/trainer/webgpu-trainer.test.ts',
  'test/trainer/checkpoint-integrity.test.ts': 'test/main/trainer/checkpoint-integrity.test.ts',
  'test/trainer/cli.test.ts': 'test/main/trainer/cli.test.ts',
  'test/trainer/device-and-options.test.ts': 'test/main/trainer/device-and-options.test.ts',
  'test/trainer/disk-full.test.ts': 'test/main/trainer/disk-full.test.ts',
  'test/trainer/evaluate-off-thread.test.ts': 'test/main/trainer/evaluate-off-thread.test.ts',
  'test/trainer/faults.test.ts': 'test/main/trainer/faults.test.ts',
  'test/trainer/hosts.test.ts': 'test/main/trainer/hosts.test.ts',
  'test/trainer/loop.test.ts': 'test/main/trainer/loop.test.ts',
  'test/trainer/resume-corrupt.test.ts': 'test/main/trainer/resume-corrupt.test.ts',
  'test/trainer/shard-worker-bundle.test.ts': 'test/main/trainer/shard-worker-bundle.test.ts',
  'test/trainer/sharded-session.test.ts': 'test/main/trainer/sharded-session.test.ts',
  'test/trainer/starting-weights.test.ts': 'test/main/trainer/starting-weights.test.ts',
  'test/trainer/step-plan.test.ts': 'test/main/trainer/step-plan.test.ts',
  'test/trainer/worker.test.ts': 'test/main/trainer/worker.test.ts',
  // renderer
  'test/studio/chart-ticks.test.ts': 'test/renderer/chart-ticks.test.ts',
  'test/renderer/number-text.test.ts': 'test/renderer/editor/number-text.test.ts',
  'test/renderer/reflow.test.ts': 'test/renderer/layout/reflow.test.ts',
  'test/renderer/document-commands.test.ts': 'test/renderer/state/document-commands.test.ts',
  'test/renderer/document-dirty.test.ts': 'test/renderer/state/document-dirty.test.ts',
  'test/renderer/optimizer-choice.test.ts': 'test/renderer/studio/optimizer-choice.test.ts',
  // the .ci scripts
  'test/foundation/ci-debian-mirror.test.ts': 'test/ci/debian-mirror.test.ts',
  // new tests other branches add in the old folders: moved when the script runs again after their merge
  'test/train/mobile-fixture.test.ts': 'test/core/train/mobile-fixture.test.ts',
  'test/webgpu/fp16-inference.test.ts': 'test/main/deploy/webgpu-fp16-inference.test.ts',
  // shared helpers, named for what they hold
  'test/core/helpers.ts': 'test/helpers/block-infer.ts',
  'test/core/fixture-models.ts': 'test/helpers/fixture-models.ts',
  'test/foundation/helpers.ts': 'test/helpers/test-backend.ts',
  'test/data/fixtures.ts': 'test/helpers/image-folders.ts',
  'test/data/pillow-decode.py': 'test/helpers/pillow-decode.py',
  'test/devices/fake-host.ts': 'test/helpers/fake-host.ts',
  'test/export-pytorch/helpers.ts': 'test/helpers/python-torch.ts',
  'test/export-pytorch/models.ts': 'test/helpers/export-models.ts',
  'test/onnx/fixture-data.ts': 'test/helpers/fixture-onnx.ts',
  'test/onnx/ort.ts': 'test/helpers/run-onnx.ts',
  'test/onnx/param-count.ts': 'test/helpers/onnx-param-count.ts',
  'test/renderer/browser-stubs.ts': 'test/helpers/browser-stubs.ts',
  'test/train/expect-close.ts': 'test/helpers/expect-close.ts',
  'test/train/fd-helper.ts': 'test/helpers/finite-differences.ts',
  'test/train/fixture-graphs.ts': 'test/helpers/fixture-graphs.ts',
  'test/train/fixture-steps.ts': 'test/helpers/fixture-train-steps.ts',
  'test/train/fixtures.ts': 'test/helpers/fixture-tensors.ts',
  'test/train/grad-cases.ts': 'test/helpers/grad-cases.ts',
  'test/train/graph-identity.ts': 'test/helpers/graph-identity.ts',
  'test/train/loss-reference.ts': 'test/helpers/loss-reference.ts',
  'test/train/loss-reference.json': 'test/helpers/loss-reference.json',
  'test/trainer/fake-parent-port.cjs': 'test/helpers/fake-parent-port.cjs',
  'test/trainer/fake-utility-process.ts': 'test/helpers/fake-utility-process.ts',
  'test/trainer/helpers.ts': 'test/helpers/trainer-fixtures.ts',
  'test/trainer/write-check-entry.ts': 'test/helpers/write-check-entry.ts',
  'test/webgpu/webgpu.ts': 'test/helpers/webgpu.ts',
};

const rewriteOnly = process.argv.includes('--rewrite-only');
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' });
const norm = (p) => path.posix.normalize(p).replace(/\/$/, '') || '.';
const moving = new Set(rewriteOnly ? [] : Object.keys(MOVES).filter((o) => existsSync(o)));
// A merge may already have put a file at its new path (git follows the folder's rename) with
// imports still written from the old one: those resolve from the old path.
const oldOf = Object.fromEntries(Object.entries(MOVES).map(([o, n]) => [n, o]));

/** Whether `p` (repo-relative) is a file or folder before the move. */
function existed(p) {
  if (p === '.' || MOVES[p] !== undefined) return true;
  if (Object.keys(MOVES).some((o) => o.startsWith(p + '/'))) return true;
  return existsSync(p);
}

const EXTS = ['', '.ts', '.tsx', '.cjs', '.mjs', '.js', '.json', '/index.ts'];
/** Old target of a relative path written in a file that lived at `fromOld`, or null. */
function resolveOld(fromOld, spec) {
  const base = norm(path.posix.join(path.posix.dirname(fromOld), spec));
  for (const ext of EXTS) if (existed(base + ext)) return { base, ext };
  return null;
}

/** The same reference written from `fromNew`, after the moves. */
function respell(fromOld, fromNew, spec) {
  const hit = resolveOld(fromOld, spec) ?? (oldOf[fromOld] ? resolveOld(oldOf[fromOld], spec) : null);
  if (!hit) return spec;
  const target = hit.base + hit.ext;
  let newTarget = MOVES[target] ?? target;
  for (const [o, n] of Object.entries(MOVES)) if (target.startsWith(o + '/')) newTarget = n + target.slice(o.length);
  const newBase = hit.ext && newTarget.endsWith(hit.ext) ? newTarget.slice(0, -hit.ext.length) : newTarget;
  let rel = path.posix.relative(path.posix.dirname(fromNew), newBase) || '.';
  if (!rel.startsWith('.')) rel = './' + rel;
  if (spec.endsWith('/') && !rel.endsWith('/')) rel += '/';
  return rel;
}

const CALL = /((?:\bfrom|\bimport\(|\bimport|\bmock\(|\brequire\(|\bnew URL\()\s*)(['"`])(\.\.?\/[^'"`$]*|\.\.?)(?=[$'"`])/g;
const DIRNAME = /__dirname((?:\s*,\s*'[^']*')+)/g;
const REPO_PATH = /test\/[A-Za-z0-9_./-]+/g;

function rewriteRelative(text, fromOld, fromNew) {
  text = text.replace(CALL, (_m, lead, q, spec) => lead + q + respell(fromOld, fromNew, spec));
  return text.replace(DIRNAME, (m, segs) => {
    const parts = [...segs.matchAll(/'([^']*)'/g)].map((x) => x[1]);
    const spec = parts.join('/');
    const spelled = respell(fromOld, fromNew, spec.startsWith('.') ? spec : './' + spec);
    if (parts.length === 1) return `__dirname, '${spelled.replace(/^\.\//, '')}'`;
    const out = spelled
      .replace(/^\.\//, '')
      .split('/')
      .filter((s) => s !== '');
    return '__dirname, ' + out.map((s) => `'${s}'`).join(', ');
  });
}

function rewriteRepoPaths(text) {
  return text.replace(REPO_PATH, (p) => MOVES[p] ?? p);
}

const files = git('ls-files')
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/') && existsSync(f) && statSync(f).isFile());
const CODE = /\.(ts|tsx|mjs|cjs|js)$/;
const TEXT = /\.(ts|tsx|mjs|cjs|js|md|py|json|yml|sh)$|^\.prettierignore$|^\.ci\//;
const out = new Map();
for (const f of files) {
  if (f === 'scripts/test-layout-moves.mjs' || f === 'package-lock.json' || !TEXT.test(f) || f.startsWith('test/fixtures/')) continue;
  const before = readFileSync(f, 'utf8');
  const fromNew = MOVES[f] && moving.has(f) ? MOVES[f] : f;
  let text = CODE.test(f) ? rewriteRelative(before, f, fromNew) : before;
  text = rewriteRepoPaths(text);
  if (text !== before || fromNew !== f) out.set(f, { to: fromNew, text });
}
for (const o of moving) {
  execFileSync('mkdir', ['-p', path.dirname(MOVES[o])]);
  git('mv', o, MOVES[o]);
}
for (const [, { to, text }] of out) writeFileSync(to, text);
console.log(`moved ${moving.size} files, rewrote ${[...out.values()].length} files`);
