import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions extends LRSchedulerOptions {
  /** The factor applied until `totalIters`, in [0, 1] (default 1/3). */
  factor?: number;
  /** The epoch at which the factor is removed (default 5). */
  totalIters?: number;
}

/**
 * Multiplies the learning rate by a constant `factor` until epoch `totalIters`, then restores it:
 * η_e = η_0 · (factor if e < totalIters else 1). PyTorch's `ConstantLR`, a simple warmup.
 */
export class ConstantLR extends LRScheduler {
  /** The factor applied until `totalIters`. */
  declare factor: number;
  /** The epoch at which the factor is removed. */
  declare totalIters: number;

  constructor(optimizer: Optimizer, options: ConstantLROptions = {}) {
    const factor = options.factor ?? 1 / 3;
    if (factor > 1 || factor < 0) throw new OptimError('Constant multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options, { factor, totalIters: options.totalIters ?? 5 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    const groups = this.groups();
    if (this.lastEpoch === 0) return groups.map((group) => (group['lr'] as number) * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((group) => group['lr'] as number);
    // PyTorch computes 1.0 / factor here and raises ZeroDivisionError for factor 0.
    if (this.factor === 0) throw new OptimError('float division by zero');
    return groups.map((group) => (group['lr'] as number) * (1 / this.factor));
  }

  protected override getClosedFormLr(): number[] {
    const reached = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((baseLr) => baseLr * (this.factor + reached * (1 - this.factor)));
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions extends LRSchedulerOptions {
  /** The factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor from `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Number of epochs over which the factor moves linearly (default 5). */
  totalIters?: number;
}

/**
 * Moves the learning-rate factor linearly from `startFactor` to `endFactor` over `totalIters`
 * epochs: η_e = η_0 · (s + (f − s) · min(e, T)/T). PyTorch's `LinearLR`, a linear warmup.
 *
 * @example
 * ```ts
 * const scheduler = new LinearLR(optimizer, { startFactor: 0.1, totalIters: 10 });
 * ```
 */
export class LinearLR extends LRScheduler {
  /** The factor at epoch 0. */
  declare startFactor: number;
  /** The factor from `totalIters` on. */
  declare endFactor: number;
  /** Number of epochs over which the factor moves. */
  declare totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    if (startFactor > 1 || startFactor <= 0) throw new OptimError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (endFactor > 1 || endFactor < 0) throw new OptimError('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, options, { startFactor, endFactor, totalIters: options.totalIters ?? 5 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    const groups = this.groups();
    if (this.lastEpoch === 0) return groups.map((group) => (group['lr'] as number) * this.startFactor);
    if (this.isInitial || this.lastEpoch > this.totalIters) return groups.map((group) => group['lr'] as number);
    const { startFactor: s, endFactor: f, totalIters: t } = this;
    const ratio = 1 + (f - s) / (t * s + (this.lastEpoch - 1) * (f - s));
    return groups.map((group) => (group['lr'] as number) * ratio);
  }

  protected override getClosedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: t } = this;
    return this.baseLrs.map((baseLr) => baseLr * (s + ((f - s) * Math.min(t, this.lastEpoch)) / t));
  }
}
