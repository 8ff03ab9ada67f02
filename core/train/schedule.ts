/**
 * Learning-rate schedules, evaluated per optimizer step. Pure functions of (config, base lr, step):
 * nothing is stateful, so a run resumed at step k gets exactly the rates an uninterrupted run gets.
 *
 * `step` is the 0-based index of the optimizer step about to run; `stepsPerEpoch` and `totalSteps`
 * describe the whole run (totalSteps = epochs * stepsPerEpoch).
 *
 *  constant:  lr
 *  step:      lr * gamma^floor(epoch / everyEpochs),      epoch = floor(step / stepsPerEpoch)
 *             (torch.optim.lr_scheduler.StepLR stepped once per epoch)
 *  cosine:    linear warmup over W steps, lr * (s + 1) / W for s < W, then cosine annealing to minLr:
 *             minLr + (lr - minLr) * (1 + cos(pi * (s - W) / (T - W))) / 2
 *  onecycle:  torch.optim.lr_scheduler.OneCycleLR (1.13, anneal_strategy='cos', three_phase=False):
 *             initial = lr / divFactor, min = initial / finalDivFactor,
 *             phase 1 ends at step pctStart * T - 1 (initial -> lr), phase 2 at T - 1 (lr -> min),
 *             cos_anneal(a, b, pct) = b + (a - b) / 2 * (cos(pi * pct) + 1).
 *             Momentum cycling (cycle_momentum) is not applied: beta1/momentum stay fixed, which is
 *             OneCycleLR(..., cycle_momentum=False).
 */

export type ScheduleKind = 'constant' | 'step' | 'cosine' | 'onecycle';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['constant', 'step', 'cosine', 'onecycle'];

export interface ScheduleConfig {
  kind: ScheduleKind;
  /** step: decay every this many epochs (default 30, PyTorch's common recipe uses 30 of 90). */
  everyEpochs?: number;
  /** step: multiplicative factor (default 0.1). */
  gamma?: number;
  /** cosine: warmup length in steps; default: one epoch, at most 10% of the run. */
  warmupSteps?: number;
  /** cosine: final learning rate (default 0). */
  minLr?: number;
  /** onecycle: fraction of the run spent increasing (default 0.3). */
  pctStart?: number;
  /** onecycle: initial lr = lr / divFactor (default 25). */
  divFactor?: number;
  /** onecycle: final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
}

export interface ScheduleSpan {
  stepsPerEpoch: number;
  totalSteps: number;
}

/** Cosine warmup default: one epoch, but never more than a tenth of the run. */
export function defaultWarmupSteps(span: ScheduleSpan): number {
  return Math.max(0, Math.min(span.stepsPerEpoch, Math.floor(span.totalSteps / 10)));
}

function cosAnneal(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

export function oneCycleLr(cfg: ScheduleConfig, maxLr: number, step: number, totalSteps: number): number {
  const pctStart = cfg.pctStart ?? 0.3;
  const initial = maxLr / (cfg.divFactor ?? 25);
  const min = initial / (cfg.finalDivFactor ?? 1e4);
  // PyTorch: phase end steps are float(pct_start * total_steps) - 1 and total_steps - 1.
  const end1 = pctStart * totalSteps - 1;
  const end2 = totalSteps - 1;
  if (step <= end1) return cosAnneal(initial, maxLr, end1 > 0 ? step / end1 : 1);
  return cosAnneal(maxLr, min, end2 - end1 > 0 ? (step - end1) / (end2 - end1) : 1);
}

export function learningRate(cfg: ScheduleConfig, lr: number, step: number, span: ScheduleSpan): number {
  const T = Math.max(1, span.totalSteps);
  const s = Math.min(Math.max(0, step), T - 1);
  switch (cfg.kind) {
    case 'constant':
      return lr;
    case 'step': {
      const epoch = Math.floor(s / Math.max(1, span.stepsPerEpoch));
      return lr * (cfg.gamma ?? 0.1) ** Math.floor(epoch / Math.max(1, cfg.everyEpochs ?? 30));
    }
    case 'cosine': {
      const W = Math.min(cfg.warmupSteps ?? defaultWarmupSteps(span), T - 1);
      const min = cfg.minLr ?? 0;
      if (s < W) return (lr * (s + 1)) / W;
      const span2 = T - W;
      return min + ((lr - min) * (1 + Math.cos((Math.PI * (s - W)) / span2))) / 2;
    }
    case 'onecycle':
      return oneCycleLr(cfg, lr, s, T);
  }
}

/** A message naming the bad field, or null. */
export function validateSchedule(cfg: ScheduleConfig): string | null {
  if (!SCHEDULE_KINDS.includes(cfg.kind)) return `schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got "${String(cfg.kind)}"`;
  const positive = (name: string, v: number | undefined): string | null =>
    v !== undefined && !(v > 0 && Number.isFinite(v)) ? `schedule ${name} must be a positive number, got ${v}` : null;
  if (cfg.everyEpochs !== undefined && !(Number.isInteger(cfg.everyEpochs) && cfg.everyEpochs >= 1))
    return `schedule everyEpochs must be a whole number >= 1, got ${cfg.everyEpochs}`;
  if (cfg.pctStart !== undefined && !(cfg.pctStart > 0 && cfg.pctStart < 1)) return `schedule pctStart must be in (0, 1), got ${cfg.pctStart}`;
  if (cfg.warmupSteps !== undefined && !(Number.isInteger(cfg.warmupSteps) && cfg.warmupSteps >= 0))
    return `schedule warmupSteps must be a whole number >= 0, got ${cfg.warmupSteps}`;
  if (cfg.minLr !== undefined && !(cfg.minLr >= 0)) return `schedule minLr must be >= 0, got ${cfg.minLr}`;
  return positive('gamma', cfg.gamma) ?? positive('divFactor', cfg.divFactor) ?? positive('finalDivFactor', cfg.finalDivFactor);
}
