import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseProject, type ModelDocument } from '../../core/graph/index';
import { buildTemplate } from '../../core/templates/index';
import { benchTrainStep } from '../trainer/bench';
import { summarizeFallback } from '../providers/graph-target';
import { hasTrainerEnv, TRAINER_ENV } from '../trainer/process-env';
import { ENV_NAMES, readConfig } from '../config';
import { wholeFlag } from './whole-flag';
import { CliError, type CliIO } from './io';
import { DEVICE_HELP, parseDeviceFlag, selectCliDevice } from './device-flag';
import { registerBenchInfer } from './bench-infer';

/**
 * A project file, or `template:<id>[:<C>x<H>x<W>[:<classes>[:<variant>]]]`
 * (e.g. template:resnet18:3x32x32:10) for benchmarks without a project.
 */
export function loadModelDocument(arg: string): ModelDocument {
  if (arg.startsWith('template:')) {
    const [, id, size, classes, variant] = arg.split(':');
    const dims = size ? size.split('x').map(Number) : undefined;
    if (dims && dims.length !== 3) throw new CliError(`template input must be CxHxW, got "${size}"`);
    const input = dims as [number, number, number] | undefined;
    try {
      return buildTemplate(id ?? '', { input, classes: classes ? Number(classes) : undefined, variant });
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
  }
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch {
    throw new CliError(`${arg}: no such project file`);
  }
  try {
    return parseProject(text).model;
  } catch (e) {
    throw new CliError(`${arg}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function registerBench(program: Command, io: CliIO): void {
  const bench = program.command('bench').description('measure performance');
  registerBenchInfer(bench, io);
  bench
    .command('train-step')
    .description('train-step throughput (SGD momentum 0.9, cross-entropy) on random data')
    .argument('<project>', 'a project file, or template:<id>[:CxHxW[:classes]] (e.g. template:resnet18:3x32x32:10)')
    .option('--batch <B>', 'batch size', '32')
    .option('--steps <S>', 'timed steps (after the warm-up steps)', '20')
    .option('--warmup <W>', 'untimed steps first (allocator, caches, JIT)', '3')
    .option('--device <D>', DEVICE_HELP, 'cpu')
    .option('--threads <N>', 'CPU threads for onnxruntime', '2')
    .option('--json', 'print one JSON line {imagesPerSecond, msPerStep, device, execution, fallbackReason, cpuFallbackNodes}')
    .option('--cpu-time', 'with --json: add cpuMsPerStep (process CPU time per step, less sensitive to machine load)')
    .action(
      async (projectArg: string, o: { batch: string; steps: string; warmup: string; device: string; threads: string; json?: boolean; cpuTime?: boolean }) => {
        const batch = wholeFlag('--batch', o.batch) ?? 32;
        const steps = wholeFlag('--steps', o.steps) ?? 20;
        const warmup = wholeFlag('--warmup', o.warmup) ?? 3;
        const threads = wholeFlag('--threads', o.threads) ?? 2;
        const choice = parseDeviceFlag(o.device, 'cpu');
        const doc = loadModelDocument(projectArg);
        // Measure as the training worker runs: re-run this command once with TRAINER_ENV when it is
        // the real CLI process (not when called in-process, e.g. by tests).
        const script = process.argv[1] ?? '';
        if (!hasTrainerEnv() && /(cnn-studio|cli)\.c?js$/.test(script) && !readConfig().noReexec) {
          const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
            stdio: 'inherit',
            env: { ...process.env, ...TRAINER_ENV, [ENV_NAMES.noReexec]: '1' },
          });
          io.setExitCode(child.status ?? 1);
          return;
        }
        const { device, fallbackReason } = await selectCliDevice(choice, io, 'benchmarking');
        let r: Awaited<ReturnType<typeof benchTrainStep>>;
        try {
          r = await benchTrainStep(doc, { batch, steps, warmup, device, threads, log: (m) => io.err(m) });
        } catch (e) {
          throw new CliError(`${device} could not run the training step: ${(e as Error).message.split('\n')[0]}`);
        }
        if (o.json) {
          const line: Record<string, unknown> = {
            imagesPerSecond: r.imagesPerSecond,
            msPerStep: r.msPerStep,
            device: r.device,
            execution: r.execution,
            fallbackReason,
            cpuFallbackNodes: r.cpuFallbackNodes,
          };
          if (o.cpuTime && r.cpuMsPerStep !== undefined) line.cpuMsPerStep = r.cpuMsPerStep;
          io.out(JSON.stringify(line));
        } else {
          io.out(
            `${r.imagesPerSecond.toFixed(1)} images/s, ${r.msPerStep.toFixed(2)} ms/step (batch ${batch}, ${r.device}, setup ${r.setupMs?.toFixed(0)} ms, CPU ${r.cpuMsPerStep?.toFixed(1)} ms/step)`,
          );
          io.out(`step: ${r.execution}`);
          if (r.cpuFallbackNodes.length > 0)
            io.out(`${r.cpuFallbackNodes.length} node(s) run on the CPU instead of ${r.device}: ${summarizeFallback(r.cpuFallbackNodes).join('; ')}`);
        }
      },
    );
}
