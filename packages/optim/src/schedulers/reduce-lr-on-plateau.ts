import type { RawTensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { checkOptimizer, EPOCH_DEPRECATION_WARNING, LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';
import { warn } from './warnings.js';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: reduce when the metric stops decreasing; `'max'`: when it stops increasing (default `'min'`). */
  mode?: 'min' | 'max';
  /** Factor by which the rate is reduced, < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'`: the threshold is relative to the best value; `'abs'`: absolute (default `'rel'`). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the rate: one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/** Reads PyTorch's ±inf, which JSON cannot hold: `null` (what JSON.stringify makes of it), `"inf"`, `"-inf"`. */
function savedFloat(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[+-]?(inf|infinity)$/i.test(value)) return value.startsWith('-') ? -Infinity : Infinity;
  return fallback;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for `patience`
 * epochs. PyTorch's `ReduceLROnPlateau`; `step(metric)` takes the metric (a number or a 0-d
 * tensor). Like PyTorch's, it skips the base initialization: no initial step, no `initialLr`.
 *
 * @example
 * ```ts
 * const scheduler = new ReduceLROnPlateau(optimizer, { mode: 'min', patience: 5 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   train();
 *   scheduler.step(validationLoss());
 * }
 * ```
 */
export class ReduceLROnPlateau extends LRScheduler {
  /** Factor by which the rate is reduced. */
  declare factor: number;
  /** The scalar `minLr` given, or null when a list was given. */
  declare defaultMinLr: number | null;
  /** The lower bound of each group's rate. */
  declare minLrs: number[];
  /** Epochs without improvement tolerated before reducing. */
  declare patience: number;
  /** Epochs to wait after a reduction. */
  declare cooldown: number;
  /** Reductions smaller than this are skipped. */
  declare eps: number;
  /** The worst possible metric for the mode: +∞ for `'min'`, −∞ for `'max'`. */
  declare modeWorse: number;
  /** Whether lower or higher metrics are better. */
  declare mode: 'min' | 'max';
  /** Minimum change that counts as an improvement. */
  declare threshold: number;
  /** Whether the threshold is relative or absolute. */
  declare thresholdMode: 'rel' | 'abs';
  /** The best metric so far. */
  declare best: number;
  /** Epochs left in the current cooldown. */
  declare cooldownCounter: number;
  /** Consecutive epochs without improvement. */
  declare numBadEpochs: number;

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const factor = options.factor ?? 0.1;
    if (factor >= 1) throw new OptimError('Factor should be < 1.0.');
    checkOptimizer(optimizer);
    const minLr = options.minLr ?? 0;
    const count = optimizer.paramGroups.length;
    const minLrs = typeof minLr === 'number' ? new Array<number>(count).fill(minLr) : [...minLr];
    if (minLrs.length !== count) throw new OptimError(`expected ${count} min_lrs, got ${minLrs.length}`);
    const mode = options.mode ?? 'min';
    const thresholdMode = options.thresholdMode ?? 'rel';
    checkModes(mode, thresholdMode);
    const modeWorse = mode === 'min' ? Infinity : -Infinity;
    super(
      optimizer,
      {},
      {
        factor,
        defaultMinLr: typeof minLr === 'number' ? minLr : null,
        minLrs,
        patience: options.patience ?? 10,
        cooldown: options.cooldown ?? 0,
        eps: options.eps ?? 1e-8,
        lastEpoch: 0,
        lastLr: optimizer.paramGroups.map((group) => group['lr'] as number),
        modeWorse,
        mode,
        threshold: options.threshold ?? 1e-4,
        thresholdMode,
        best: modeWorse,
        cooldownCounter: 0,
        numBadEpochs: 0,
      },
      false,
    );
  }

  /** True while the scheduler waits after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records the epoch's metric and reduces the rates after `patience` epochs without improvement. */
  override step(metrics?: number | RawTensor, epoch?: number): void {
    if (metrics === undefined) throw new OptimError("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'");
    const current = typeof metrics === 'number' ? metrics : Number(metrics.item());
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING, 'TORCHLET_LR_SCHEDULER_EPOCH');
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.groups().map((group) => group['lr'] as number);
  }

  private reduceLr(): void {
    const groups = this.groups();
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new OptimError(
          `The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized (${this.minLrs.length}), ` +
            'usually due to a new param group being added to the optimizer. Please modify the `min_lrs` field to match the length of the `optimizer` param groups.',
        );
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((group, i) => {
      const oldLr = group['lr'] as number;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) group['lr'] = newLr;
    });
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Restores a state dict; ±∞ saved through JSON (as null or "inf") comes back as ±∞. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    checkModes(this.mode, this.thresholdMode);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = savedFloat(this.best, this.modeWorse);
  }
}

function checkModes(mode: string, thresholdMode: string): void {
  if (mode !== 'min' && mode !== 'max') throw new OptimError(`mode ${mode} is unknown!`);
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new OptimError(`threshold mode ${thresholdMode} is unknown!`);
}
