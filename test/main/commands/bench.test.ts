/** `cnn-studio bench train-step` prints one JSON line {imagesPerSecond, msPerStep, device, execution, fallbackReason, cpuFallbackNodes}. */
import { expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import type { CliIO } from '../../../main/commands/io';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), setExitCode: () => undefined };
}

it('bench train-step --json on a template', async () => {
  const io = capture();
  const code = await runCli(['bench', 'train-step', 'template:lenet5:1x28x28:10', '--batch', '8', '--steps', '2', '--json'], io);
  expect(code, io.stderr.join('\n')).toBe(0);
  expect(io.stdout.length).toBe(1);
  const r = JSON.parse(io.stdout[0]!) as Record<string, unknown>;
  expect(Object.keys(r).sort()).toEqual(['cpuFallbackNodes', 'device', 'execution', 'fallbackReason', 'imagesPerSecond', 'msPerStep']);
  expect(r.device).toBe('cpu');
  // LeNet-5 (62k parameters, no batch norm) on 2 threads: the batch runs as two shards.
  expect(r.execution).toBe('2 data-parallel shards of 4/4 images, one thread each');
  // The CPU runs every node of a graph built for it.
  expect(r.cpuFallbackNodes).toEqual([]);
  expect(r.imagesPerSecond as number).toBeGreaterThan(0);
});

it('bench train-step names why a step runs as one session', async () => {
  const io = capture();
  expect(await runCli(['bench', 'train-step', 'template:resnet18:3x32x32:10', '--batch', '4', '--steps', '1', '--warmup', '1', '--json'], io)).toBe(0);
  expect((JSON.parse(io.stdout[0]!) as { execution: string }).execution).toMatch(/^one session, 2 thread\(s\): .*(batch norm|parameters)/);
  const io1 = capture();
  expect(await runCli(['bench', 'train-step', 'template:lenet5:1x28x28:10', '--batch', '4', '--steps', '1', '--threads', '1', '--json'], io1)).toBe(0);
  expect((JSON.parse(io1.stdout[0]!) as { execution: string }).execution).toBe('one session, 1 thread(s): one thread');
});

it('bench train-step reports bad input in one line', async () => {
  const io = capture();
  expect(await runCli(['bench', 'train-step', 'no-such-project.json', '--json'], io)).toBe(1);
  expect(io.stderr.join('\n')).toMatch(/no such project file/);
  const io2 = capture();
  expect(await runCli(['bench', 'train-step', 'template:lenet5', '--batch', '0'], io2)).toBe(1);
  expect(io2.stderr.join('\n')).toMatch(/--batch/);
});
