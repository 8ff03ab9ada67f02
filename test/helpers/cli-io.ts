import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { runCli } from '../../main/cli';
import type { CliIO } from '../../main/commands/io';

/** A CliIO that keeps what the command printed, one line per call (as a terminal shows it). */
export function capture(): CliIO & { stdout: string; stderr: string; exitCode: number } {
  const io = {
    stdout: '',
    stderr: '',
    exitCode: 0,
    out: (t: string) => void (io.stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t: string) => void (io.stderr += t.endsWith('\n') ? t : `${t}\n`),
    setExitCode: (c: number) => void (io.exitCode = c),
  };
  return io;
}

/** Runs `cnn-studio ARGV` in process and returns its exit code and output. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The CLI bundled as scripts/build.mjs bundles it (cli.cjs + train-worker.cjs side by side), in
 * a folder of its own; returns the cli.cjs path and a function that removes the folder.
 */
export async function bundleCli(tag: string): Promise<{ cli: string; remove: () => Promise<void> }> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'cnn-studio-test', `${tag}-${process.pid}`);
  await fs.mkdir(dir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    external: ['onnxruntime-node', 'sharp', 'electron'],
    absWorkingDir: ROOT,
    logLevel: 'error' as const,
  };
  await Promise.all([
    build({ ...common, entryPoints: ['main/cli-entry.ts'], outfile: path.join(dir, 'cli.cjs') }),
    build({ ...common, entryPoints: ['main/trainer/worker-entry.ts'], outfile: path.join(dir, 'train-worker.cjs') }),
    build({ ...common, entryPoints: ['main/trainer/shard-worker.ts'], outfile: path.join(dir, 'shard-worker.cjs') }),
    build({ ...common, entryPoints: ['main/data/loader-worker.ts'], outfile: path.join(dir, 'loader-worker.cjs') }),
  ]);
  return { cli: path.join(dir, 'cli.cjs'), remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Runs the bundled CLI as a person would (its own process, in `cwd`); never throws on exit codes. */
export function spawnCli(cli: string, args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CNN_STUDIO_NO_REEXEC: '1' } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, out: stdout, err: stderr });
    });
  });
}
