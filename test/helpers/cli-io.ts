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
