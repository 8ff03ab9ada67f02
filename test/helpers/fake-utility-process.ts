/**
 * A stand-in for Electron's `utilityProcess` (the Electron binary is not installed here), over
 * child_process.fork, following Electron's documented API (docs/api/utility-process.md):
 *  - fork(modulePath, args, { env, serviceName, stdio }): env, when given, is the whole environment;
 *    stdio 'inherit' | 'ignore' | 'pipe' (stdin is always ignored);
 *  - child.postMessage(m) / child.on('message', (m) => ...): structured clone both ways;
 *  - 'spawn', then 'exit' with a number only: a process ended by a signal reports the signal's
 *    number (POSIX waitpid), and one ended by child.kill() (SIGTERM) reports 0;
 *  - child.pid: undefined before 'spawn' and after 'exit'.
 * The child side (process.parentPort) comes from fake-parent-port.cjs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { UtilityChild, UtilityForkOptions, UtilityProcessApi } from '../../main/trainer/host-utility';

const PARENT_PORT_SHIM = path.join(__dirname, 'fake-parent-port.cjs');

export class FakeUtilityChild extends EventEmitter implements UtilityChild {
  pid: number | undefined = undefined;
  private killed = false;

  constructor(readonly cp: ChildProcess) {
    super();
    cp.on('spawn', () => {
      this.pid = cp.pid;
      this.emit('spawn');
    });
    cp.on('message', (m: unknown) => this.emit('message', m));
    cp.on('exit', (code, signal) => {
      this.pid = undefined;
      const bySignal = signal ? (os.constants.signals[signal] ?? 1) : null;
      this.emit('exit', bySignal === null ? (code ?? 0) : this.killed && (signal === 'SIGTERM' || signal === 'SIGKILL') ? 0 : bySignal);
    });
  }

  postMessage(message: unknown): void {
    if (this.cp.connected) this.cp.send(message as Parameters<ChildProcess['send']>[0]);
  }

  kill(): boolean {
    if (this.pid === undefined) return false;
    this.killed = this.cp.kill('SIGTERM');
    return this.killed;
  }
}

export interface FakeFork {
  modulePath: string;
  args: string[];
  options: UtilityForkOptions;
  child: FakeUtilityChild;
}

export interface FakeUtilityProcess extends UtilityProcessApi {
  /** every fork, in order */
  readonly forks: FakeFork[];
}

export function fakeUtilityProcess(): FakeUtilityProcess {
  const forks: FakeFork[] = [];
  return {
    forks,
    fork(modulePath, args = [], options = {}) {
      const out = options.stdio ?? 'inherit';
      const cp = fork(modulePath, args, {
        ...(options.env ? { env: options.env } : {}),
        execArgv: ['--require', PARENT_PORT_SHIM],
        serialization: 'advanced',
        stdio: ['ignore', out, out, 'ipc'],
      });
      const child = new FakeUtilityChild(cp);
      forks.push({ modulePath, args, options, child });
      return child;
    },
  };
}
