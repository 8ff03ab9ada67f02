/**
 * Training runs for the studio: starts them in the trainer host (Electron's utility process in
 * the app, a worker thread in serve mode), keeps one RunView per live run up to date from its
 * events and pushes it to the page (the `run` event), and answers control requests. Runs belong
 * to the backend, not to a page: a reloaded page lists the runs and re-attaches to the live one.
 */
import { decodeProgressText } from '../../core/data/decode-progress';
import type { RunStepPoint, RunView, TrainSettingsInput } from '../../core/api';
import { RUN_STEP_POINTS, StudioError, stepCurveX } from '../../core/api';
import {
  readRunJson,
  startTraining,
  validateSettings,
  TrainError,
  type ProjectJson,
  type StartOptions,
  type TrainEvent,
  type TrainingRun,
} from '../trainer/index';
import { emptyView, trainerSettings, viewFromRunJson } from './run-view';
import { existingRunDir, listRunIds, newRunId, runDirOf } from './runs-folder';

const LOG_LINES = 50;

interface LiveRun {
  run: TrainingRun;
  view: RunView;
  /** Step points for a page that (re)loads mid-run or after it (RunView.steps). */
  steps: StepTrace;
}

export interface TrainingServiceOptions {
  runsRoot: string;
  cacheDir?: string;
  /** called with the new view after every change */
  emit: (view: RunView) => void;
  /** worker (default) or inline (tests) */
  start?: StartOptions;
  threads?: number;
}

function withSteps(l: LiveRun): RunView {
  return { ...l.view, steps: [...l.steps.points] };
}

/** Step points at an even stride: every `stride`-th progress point, the stride doubling as needed. */
export interface StepTrace {
  points: RunStepPoint[];
  stride: number;
  seen: number;
}

export function newStepTrace(): StepTrace {
  return { points: [], stride: 1, seen: 0 };
}

/**
 * Adds a progress point (ignored unless x grows). Past RUN_STEP_POINTS, every other kept point is
 * dropped and the stride doubles, so the kept points stay evenly spaced over the whole run.
 */
export function addStepPoint(t: StepTrace, p: RunStepPoint): void {
  const last = t.points[t.points.length - 1];
  if (last && last.x >= p.x) return;
  if (t.seen++ % t.stride !== 0) return;
  t.points.push(p);
  if (t.points.length > RUN_STEP_POINTS) {
    t.points = t.points.filter((_, i) => i % 2 === 0);
    t.stride *= 2;
  }
}

export class TrainingService {
  private readonly live = new Map<string, LiveRun>();

  constructor(private readonly o: TrainingServiceOptions) {}

  start(project: ProjectJson, projectPath: string | null, dataDir: string, input: TrainSettingsInput): RunView {
    const settings = trainerSettings(input);
    try {
      validateSettings(settings);
    } catch (e) {
      throw new StudioError('bad-settings', (e as Error).message);
    }
    for (const l of this.live.values()) {
      // One run at a time: two would share the CPU/GPU and each would take twice as long.
      if (l.view.status === 'starting' || l.view.status === 'running' || l.view.status === 'paused') {
        throw new StudioError('busy', `run ${l.view.id} is still training: stop it first`);
      }
    }
    const id = newRunId(this.o.runsRoot, project.name);
    let run: TrainingRun;
    try {
      run = startTraining(
        {
          project,
          ...(projectPath ? { projectPath } : {}),
          dataDir,
          outDir: runDirOf(this.o.runsRoot, id),
          settings,
          ...(this.o.cacheDir ? { cacheDir: this.o.cacheDir } : {}),
          ...(this.o.threads ? { threads: this.o.threads } : {}),
          progressIntervalMs: 300,
        },
        this.o.start ?? {},
      );
    } catch (e) {
      throw new StudioError(e instanceof TrainError ? e.code : 'train-failed', (e as Error).message);
    }
    const live: LiveRun = { run, view: emptyView(id, runDirOf(this.o.runsRoot, id), dataDir, input), steps: newStepTrace() };
    this.live.set(id, live);
    run.on((e) => this.apply(live, e));
    return live.view;
  }

  private apply(live: LiveRun, e: TrainEvent): void {
    const v: RunView = { ...live.view };
    switch (e.type) {
      case 'log':
        v.log = [...v.log, `${e.level === 'warn' ? 'warning: ' : ''}${e.message}`].slice(-LOG_LINES);
        break;
      case 'data':
        v.log = [...v.log.filter((l) => !l.startsWith('decoding images')), decodeProgressText(e, e)].slice(-LOG_LINES);
        break;
      case 'start':
        Object.assign(v, { status: 'running', device: e.device, classes: e.classes, trainSamples: e.trainSamples, valSamples: e.valSamples, epochs: e.epochs });
        break;
      case 'progress':
        v.progress = {
          epoch: e.epoch,
          step: e.step,
          stepsPerEpoch: e.stepsPerEpoch,
          loss: e.loss,
          lr: e.lr,
          imagesPerSecond: e.imagesPerSecond,
          etaSeconds: e.etaSeconds,
        };
        addStepPoint(live.steps, { x: stepCurveX(e), loss: e.loss, lr: e.lr });
        break;
      case 'epoch':
        v.history = [
          ...v.history,
          {
            epoch: e.epoch,
            trainLoss: e.trainLoss,
            trainAccuracy: e.trainAccuracy,
            valLoss: e.valLoss,
            valAccuracy: e.valAccuracy,
            lr: e.lr,
            seconds: e.seconds,
            imagesPerSecond: e.imagesPerSecond,
          },
        ];
        if (e.best) Object.assign(v, { bestEpoch: e.epoch, bestValAccuracy: e.valAccuracy });
        break;
      case 'paused':
        v.status = 'paused';
        break;
      case 'resumed':
        v.status = 'running';
        break;
      case 'done':
        Object.assign(v, {
          status: 'done',
          progress: null,
          hasModel: e.checkpoints.model !== null,
          bestEpoch: e.bestEpoch,
          bestValAccuracy: e.bestValAccuracy,
        });
        if (e.corrupt.length)
          v.log = [
            ...v.log,
            `warning: ${e.corrupt.length} unreadable file(s) skipped: ${e.corrupt
              .slice(0, 5)
              .map((c) => c.path)
              .join(', ')}`,
          ].slice(-LOG_LINES);
        break;
      case 'cancelled':
        Object.assign(v, { status: 'cancelled', progress: null });
        break;
      case 'failed':
        Object.assign(v, { status: 'failed', progress: null, error: e.message });
        break;
      case 'checkpoint':
        return;
    }
    live.view = v;
    this.o.emit(v);
  }

  control(id: string, action: 'pause' | 'resume' | 'stop'): RunView {
    const live = this.live.get(id);
    if (!live) throw new StudioError('not-found', `run ${id} is not training`);
    if (action === 'pause') live.run.pause();
    else if (action === 'resume') live.run.resume();
    else live.run.cancel();
    return live.view;
  }

  /** The current view of every run started by this service (live or ended), for a new listener. */
  views(): RunView[] {
    return [...this.live.values()].map(withSteps);
  }

  /** Every run on disk plus the live ones, newest first. */
  async list(): Promise<RunView[]> {
    const ids = new Set([...(await listRunIds(this.o.runsRoot)), ...this.live.keys()]);
    const views = await Promise.all(
      [...ids].map(async (id) => {
        const live = this.live.get(id);
        if (live) return withSteps(live);
        try {
          const dir = existingRunDir(this.o.runsRoot, id);
          return viewFromRunJson(id, dir, await readRunJson(dir));
        } catch {
          return null; // a half-written or foreign folder is not a run
        }
      }),
    );
    return views.filter((v): v is RunView => v !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Stops live runs (backend shutdown); resolves when they have ended. */
  async close(): Promise<void> {
    const ends = [...this.live.values()].map((l) => {
      l.run.cancel();
      return l.run.finished;
    });
    await Promise.all(ends);
  }
}
