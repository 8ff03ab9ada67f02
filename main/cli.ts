import { Command, CommanderError } from 'commander';
import { commands } from './commands/index';
import { CliError, processIO, type CliIO } from './commands/io';
import { STUDIO_VERSION } from '../core/version';
import { describeSystemError, isSystemError } from '../core/fs-error-text';

export function createProgram(io: CliIO = processIO): Command {
  const program = new Command();
  program
    .name('cnn-studio')
    .description('CNN Studio: design, train and export convolutional neural networks')
    .version(STUDIO_VERSION, '-v, --version')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  for (const register of commands) register(program, io);
  return program;
}

/** Runs the CLI; resolves to the exit code. Errors a user caused print one line, never a stack. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  let code = 0;
  const wrapped: CliIO = {
    ...io,
    setExitCode: (c) => {
      code = c;
      io.setExitCode(c);
    },
  };
  const program = createProgram(wrapped);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return e.exitCode;
    }
    if (e instanceof CliError) {
      io.err(`error: ${e.message}`);
      return e.exitCode;
    }
    io.err(`error: ${describeUnexpected(e)}`);
    return 1;
  }
  return code;
}

/**
 * The last line of defence for an error no command turned into words: a file-system error is
 * named by its path and said plainly (never "ENOENT: ..." or a temp file's name).
 */
function describeUnexpected(e: unknown): string {
  if (isSystemError(e)) return describeSystemError(e);
  return e instanceof Error ? e.message : String(e);
}
