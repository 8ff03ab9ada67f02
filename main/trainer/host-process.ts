/**
 * The child-process host: the entry runs in a Node process of its own (child_process.fork),
 * started with TRAINER_ENV (glibc heap tuning, read at process start). The job goes in as the first
 * message; messages use 'advanced' serialization (structured clone, as a worker thread's do).
 * For plain Node (the CLI, serve mode): inside Electron, fork needs ELECTRON_RUN_AS_NODE, which the
 * packaged app's runAsNode fuse turns off; the app uses host-utility.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerMessage } from './messages';
import type { HostEnd, TrainerHostFactory } from './host-types';
import { TRAINER_ENV } from './process-env';

export interface ProcessHostOptions {
  /** the child's environment before TRAINER_ENV is added (default: this process's) */
  env?: NodeJS.ProcessEnv;
}

export function processHost(o: ProcessHostOptions = {}): TrainerHostFactory {
  return (script, init, on) => {
    const child = fork(script, [], {
      env: { ...(o.env ?? process.env), ...TRAINER_ENV },
      // Node flags of this process (a test runner's loaders, --inspect) are not the trainer's.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let ended = false;
    const end = (e: HostEnd): void => {
      if (ended) return;
      ended = true;
      on.end(e);
    };
    child.on('message', (m: WorkerMessage) => on.message(m));
    // 'error' without 'exit' means it never started (or could not be signalled, which kill handles).
    child.on('error', (e) => {
      if (child.pid === undefined) end({ code: null, signal: null, error: `cannot start it: ${e.message}` });
    });
    child.on('exit', (code, signal) => end({ code, signal, error: null }));
    const send = (m: Parameters<ChildProcess['send']>[0]): void => {
      if (child.connected) child.send(m);
    };
    send({ type: 'init', init });
    return {
      kind: 'child process',
      get pid() {
        return child.pid;
      },
      send,
      kill: () => endChild(child, 'SIGKILL'),
      release: () => {
        // The entry exits once its channel closes.
        if (child.connected) child.disconnect();
      },
    };
  };
}

function endChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}
