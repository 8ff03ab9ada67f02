/**
 * The worker entry's side of a trainer host: finds which host it runs in and gives one interface
 * to all three (host-types.ts):
 *   Electron utility process  process.parentPort (messages arrive as { data, ports })
 *   worker thread             worker_threads.parentPort, the job in workerData
 *   Node child process        process.send / process.on('message') (an IPC channel)
 */
import { parentPort as threadPort, workerData } from 'node:worker_threads';
import type { ControlMessage, ParentMessage, WorkerInit, WorkerMessage } from './messages';

export type HostKind = 'utility process' | 'worker thread' | 'child process';

export interface ParentLink {
  readonly kind: HostKind;
  /** the job: workerData in a thread, the first message in a process */
  readonly init: Promise<WorkerInit>;
  post(m: WorkerMessage): void;
  onControl(listener: (m: ControlMessage) => void): void;
  /** Sent the last message: a thread ends; a process waits for its parent to end it. */
  close(): void;
}

/** Electron's process.parentPort, as its docs describe it (electron is not loaded here). */
interface ElectronParentPort {
  on(event: 'message', listener: (e: { data: ParentMessage }) => void): unknown;
  removeAllListeners(event: 'message'): unknown;
  postMessage(message: WorkerMessage): void;
}

export function connectToParent(): ParentLink {
  const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) return ignoreCtrlC(utilityLink(electronPort));
  if (threadPort) return threadLink(threadPort);
  if (process.send) return ignoreCtrlC(childLink());
  throw new Error('train-worker.cjs runs inside a trainer host (a worker thread, a child process or an Electron utility process), not on its own');
}

/**
 * Ctrl-C in a terminal signals the whole process group, this process too. The parent decides what
 * it means (the CLI cancels after the current step, so the last checkpoint stays): ignore it here.
 * If the parent dies of it instead, this process learns that from its parent link.
 */
function ignoreCtrlC(link: ParentLink): ParentLink {
  process.on('SIGINT', () => undefined);
  return link;
}

/** The job as the first message; controls after it. */
function splitInit(): { init: Promise<WorkerInit>; receive: (m: ParentMessage) => void; onControl: (l: (m: ControlMessage) => void) => void } {
  let resolveInit!: (i: WorkerInit) => void;
  const init = new Promise<WorkerInit>((r) => {
    resolveInit = r;
  });
  const listeners: ((m: ControlMessage) => void)[] = [];
  return {
    init,
    receive: (m) => {
      if (m.type === 'init') resolveInit(m.init);
      else for (const l of listeners) l(m);
    },
    onControl: (l) => listeners.push(l),
  };
}

function utilityLink(port: ElectronParentPort): ParentLink {
  const s = splitInit();
  port.on('message', (e) => s.receive(e.data));
  // Whether an empty event loop ends a utility process differs between Electron builds; a paused
  // run waits on a promise only, so hold the process open until the parent ends it.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return {
    kind: 'utility process',
    init: s.init,
    post: (m) => port.postMessage(m),
    onControl: s.onControl,
    close: () => {
      clearInterval(keepAlive);
      port.removeAllListeners('message');
    },
  };
}

function threadLink(port: NonNullable<typeof threadPort>): ParentLink {
  const listeners: ((m: ControlMessage) => void)[] = [];
  port.on('message', (m: ControlMessage) => {
    for (const l of listeners) l(m);
  });
  return {
    kind: 'worker thread',
    init: Promise.resolve(workerData as WorkerInit),
    post: (m) => port.postMessage(m),
    onControl: (l) => listeners.push(l),
    close: () => port.close(),
  };
}

function childLink(): ParentLink {
  const s = splitInit();
  let closed = false;
  process.on('message', (m: ParentMessage) => s.receive(m));
  // The parent let go: after the last message that is the end; before it, the parent is gone
  // (killed, crashed) and nobody would see this run's events, so stop as the parent did.
  process.on('disconnect', () => process.exit(closed ? 0 : 137));
  return {
    kind: 'child process',
    init: s.init,
    post: (m) => {
      if (process.connected) process.send?.(m);
    },
    onControl: s.onControl,
    close: () => {
      closed = true;
    },
  };
}
