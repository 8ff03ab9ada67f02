import type { CliIO } from '../../../main/commands/io';

/** A CliIO that keeps what the command printed. */
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
