/**
 * Fine-tuning settings applied to a run: which blocks each phase freezes (core/train/freeze.ts),
 * the discriminative learning rates of phase 2, and their validation.
 *
 * Phases: with phase2Epochs = M, the run's last M epochs are phase 2. Phase 1 trains with
 * `freeze` applied (the head only, for "backbone"); phase 2 also trains the blocks from
 * `phase2Unfreeze` on (default: the last frozen block with parameters, e.g. ResNet's layer4),
 * their learning rate scaled by phase2LrScale while the head keeps the run's. Each phase runs its
 * own learning-rate schedule over its epochs and starts with fresh optimizer state (as Keras'
 * compile() before its second fit does).
 */
import { expandGraph, type ModelDocument } from '../../core/graph/index';
import { applyFreeze, FreezeError, topLevelOrder } from '../../core/train/freeze';
import { TrainError } from './run-folder';
import type { TrainSettings } from './types';

/** Phase 2's learning-rate multiplier for the unfrozen blocks when none is given. */
export const DEFAULT_PHASE2_LR_SCALE = 0.1;
/** Bound of the cached backbone features, in MiB, when none is given. */
export const DEFAULT_FEATURE_CACHE_MB = 1024;

export type Phase = 1 | 2;

export function phaseOf(s: TrainSettings, epoch: number): Phase {
  const m = s.phase2Epochs ?? 0;
  return m > 0 && epoch > s.epochs - m ? 2 : 1;
}

/** The first epoch of a phase. */
export function phaseStart(s: TrainSettings, phase: Phase): number {
  return phase === 1 ? 1 : s.epochs - (s.phase2Epochs ?? 0) + 1;
}

/** Throws TrainError('bad-settings') for fine-tuning settings that no model could use. */
export function validateFineTune(s: TrainSettings): void {
  const bad = (m: string): never => {
    throw new TrainError('bad-settings', m);
  };
  const m = s.phase2Epochs ?? 0;
  if (!(Number.isInteger(m) && m >= 0)) bad(`phase 2 epochs must be a whole number >= 0, got ${m}`);
  if (m > 0 && m >= s.epochs) bad(`phase 2 epochs (${m}) must be fewer than the run's epochs (${s.epochs}): phase 1 trains the head first`);
  const scale = s.phase2LrScale ?? DEFAULT_PHASE2_LR_SCALE;
  if (!(scale > 0 && scale <= 10)) bad(`phase 2 learning-rate scale must be in (0, 10], got ${scale}`);
  const mb = s.featureCacheMb ?? DEFAULT_FEATURE_CACHE_MB;
  if (!(mb >= 0 && Number.isFinite(mb))) bad(`feature cache bound must be a number of MiB >= 0, got ${mb}`);
  if (m > 0 && (s.freeze === undefined || s.freeze === 'none')) bad('a phase 2 unfreezes blocks frozen in phase 1: give --freeze backbone or --freeze <block>');
}

/** The model a phase trains and its per-weight learning-rate multipliers. */
export interface PhaseModel {
  doc: ModelDocument;
  lrScale: Record<string, number>;
  /** What the phase trains, for the log. */
  description: string;
}

/** Top-level ids whose blocks are frozen in `doc`. */
function frozenSet(doc: ModelDocument): Set<string> {
  return new Set(doc.nodes.filter((n) => n.frozen === true).map((n) => n.id));
}

function phase1(doc: ModelDocument, s: TrainSettings): ModelDocument {
  try {
    return s.freeze === undefined ? doc : applyFreeze(doc, s.freeze);
  } catch (e) {
    if (e instanceof FreezeError) throw new TrainError('bad-settings', e.message);
    throw e;
  }
}

/** The block phase 2 unfreezes from: the one named, or the last frozen block with parameters. */
function unfreezeFrom(doc: ModelDocument, frozen: Set<string>, order: readonly string[], s: TrainSettings): number {
  const nameOf = (id: string): string => doc.nodes.find((n) => n.id === id)?.name ?? id;
  if (s.phase2Unfreeze !== undefined) {
    const at = order.findIndex((id) => nameOf(id) === s.phase2Unfreeze);
    if (at < 0 || !frozen.has(order[at]!)) {
      const choices = order.filter((id) => frozen.has(id)).map(nameOf);
      throw new TrainError('bad-settings', `--phase2-unfreeze: "${s.phase2Unfreeze}" is not a block frozen in phase 1; choose one of: ${choices.join(', ')}`);
    }
    return at;
  }
  const withParams = new Set(
    expandGraph(doc)
      .nodes.filter((p) => p.paramCount > 0)
      .map((p) => p.origin),
  );
  for (let i = order.length - 1; i >= 0; i--) if (frozen.has(order[i]!) && withParams.has(order[i]!)) return i;
  throw new TrainError('bad-settings', 'phase 2 has nothing to unfreeze: no frozen block has parameters');
}

/** The document and learning-rate multipliers of `phase` (the class count already set on `doc`). */
export function phaseModel(doc: ModelDocument, s: TrainSettings, phase: Phase): PhaseModel {
  const first = phase1(doc, s);
  const frozen1 = frozenSet(first);
  const describe = (d: ModelDocument): string => {
    const n = frozenSet(d).size;
    return n === 0 ? 'every block trains' : `${n} block(s) frozen (inference mode), the rest trains`;
  };
  if (phase === 1) return { doc: first, lrScale: {}, description: describe(first) };
  const expanded = expandGraph(first);
  const order = topLevelOrder(expanded);
  const from = unfreezeFrom(first, frozen1, order, s);
  const stays = new Set(order.slice(0, from).filter((id) => frozen1.has(id)));
  const second = { ...first, nodes: first.nodes.map((n) => ({ ...n, frozen: stays.has(n.id) })) };
  const scale = s.phase2LrScale ?? DEFAULT_PHASE2_LR_SCALE;
  const origin = new Map(expanded.nodes.map((p) => [p.id, p.origin]));
  const lrScale: Record<string, number> = {};
  for (const w of expanded.weights) {
    const top = origin.get(w.node)!;
    if (w.role === 'param' && frozen1.has(top) && !stays.has(top)) lrScale[w.name] = scale;
  }
  const from0 = first.nodes.find((n) => n.id === order[from])?.name ?? '';
  return { doc: second, lrScale, description: `${describe(second)}; blocks from ${from0} on were unfrozen and train at ${scale} x the learning rate` };
}
