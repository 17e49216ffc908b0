import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { bisectRight, floorMod, LRScheduler, type LRSchedulerOptions, requireOption, type SchedulerStateDict } from './lr-scheduler.js';

/** Options of {@link StepLR}. */
export interface StepLROptions extends LRSchedulerOptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative decay factor (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs: η_e = η_0 · γ^⌊e/stepSize⌋.
 * PyTorch's `StepLR`.
 *
 * @example
 * ```ts
 * const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   train(); // … optimizer.step() …
 *   scheduler.step();
 * }
 * ```
 */
export class StepLR extends LRScheduler {
  /** Period of the decay, in epochs. */
  declare stepSize: number;
  /** Multiplicative decay factor. */
  declare gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    const stepSize = requireOption<number>('StepLR', options, 'stepSize');
    super(optimizer, options, { stepSize, gamma: options.gamma ?? 0.1 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    // PyTorch computes last_epoch % step_size and raises ZeroDivisionError for step_size 0.
    if (this.lastEpoch !== 0 && this.stepSize === 0) throw new OptimError('integer modulo by zero');
    const decay = this.lastEpoch !== 0 && floorMod(this.lastEpoch, this.stepSize) === 0;
    return this.groups().map((group) => (decay ? (group['lr'] as number) * this.gamma : (group['lr'] as number)));
  }

  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epoch indices at which to decay; a repeated milestone decays once per repetition. */
  milestones: Iterable<number>;
  /** Multiplicative decay factor (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` at each milestone: η_e = η_0 · γ^(milestones ≤ e).
 * PyTorch's `MultiStepLR`; milestones are counted (a `Counter`), so duplicates multiply.
 */
export class MultiStepLR extends LRScheduler {
  /** How many times each milestone epoch was given (PyTorch's `Counter`). */
  declare milestones: Map<number, number>;
  /** Multiplicative decay factor. */
  declare gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    const milestones = new Map<number, number>();
    for (const m of requireOption<Iterable<number>>('MultiStepLR', options, 'milestones')) milestones.set(m, (milestones.get(m) ?? 0) + 1);
    super(optimizer, options, { milestones, gamma: options.gamma ?? 0.1 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    const count = this.milestones.get(this.lastEpoch);
    return this.groups().map((group) => (count === undefined ? (group['lr'] as number) : (group['lr'] as number) * this.gamma ** count));
  }

  protected override getClosedFormLr(): number[] {
    const sorted = [...this.milestones].flatMap(([m, count]) => new Array<number>(count).fill(m)).sort((a, b) => a - b);
    return this.baseLrs.map((baseLr) => baseLr * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }

  /** The milestones are saved as PyTorch's `Counter`: an object from epoch to count. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    const saved = stateDict['milestones'];
    if (saved !== undefined && saved !== null) this.milestones = new Map(Object.entries(saved as Record<string, number>).map(([m, count]) => [Number(m), count]));
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Multiplicative decay factor per epoch. */
  gamma: number;
}

/** Multiplies the learning rate by `gamma` every epoch: η_e = η_0 · γ^e. PyTorch's `ExponentialLR`. */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay factor per epoch. */
  declare gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer, options, { gamma: requireOption<number>('ExponentialLR', options, 'gamma') });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    // Resuming must not move the rate one step ahead during the initial step.
    if (this.isInitial) return this.groups().map((group) => group['lr'] as number);
    return this.groups().map((group) => (group['lr'] as number) * this.gamma);
  }

  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * this.gamma ** this.lastEpoch);
  }
}

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions extends LRSchedulerOptions {
  /** Number of epochs over which the rate decays to 0 (default 5). */
  totalIters?: number;
  /** Power of the polynomial (default 1). */
  power?: number;
}

/**
 * Decays the learning rate polynomially to 0 over `totalIters` epochs:
 * η_e = η_0 · (1 − min(e, T)/T)^power. PyTorch's `PolynomialLR`.
 */
export class PolynomialLR extends LRScheduler {
  /** Number of epochs over which the rate decays to 0. */
  declare totalIters: number;
  /** Power of the polynomial. */
  declare power: number;

  constructor(optimizer: Optimizer, options: PolynomialLROptions = {}) {
    super(optimizer, options, { totalIters: options.totalIters ?? 5, power: options.power ?? 1 });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    const groups = this.groups();
    if (this.isInitial || this.lastEpoch > this.totalIters) return groups.map((group) => group['lr'] as number);
    const decay = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return groups.map((group) => (group['lr'] as number) * decay);
  }

  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}
