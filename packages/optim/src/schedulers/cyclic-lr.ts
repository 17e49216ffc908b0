import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { checkOptimizer, formatParam, type Group, LRScheduler, type LRSchedulerOptions, requireOption, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * Whether momentum cycling acts on Adam-style `betas[0]` rather than `momentum`; throws PyTorch's
 * error when the optimizer has neither.
 */
export function momentumUsesBeta1(optimizer: Optimizer): boolean {
  if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
    throw new OptimError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
  }
  return 'betas' in optimizer.defaults;
}

/** Sets a group's momentum, or its β₁ for optimizers with `betas`. */
export function setMomentum(group: Group, useBeta1: boolean, momentum: number): void {
  if (useBeta1) group['betas'] = [momentum, ...(group['betas'] as number[]).slice(1)];
  else group['momentum'] = momentum;
}

/** Starts each group at its maximum momentum and records `maxMomentum` and `baseMomentum` in it. */
export function initMomentum(optimizer: Optimizer, useBeta1: boolean, maxMomentums: number[], baseMomentums: number[]): void {
  (optimizer.paramGroups as Group[]).forEach((group, i) => {
    setMomentum(group, useBeta1, maxMomentums[i]!);
    group['maxMomentum'] = maxMomentums[i];
    group['baseMomentum'] = baseMomentums[i];
  });
}

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions extends LRSchedulerOptions {
  /** Lower bound of the cycle: one for all groups or one per group. */
  baseLr: number | readonly number[];
  /** Upper bound of the cycle: one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Iterations in the increasing half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Iterations in the decreasing half (default: `stepSizeUp`). */
  stepSizeDown?: number | null;
  /** Built-in amplitude policy (default `'triangular'`); ignored when `scaleFn` is given. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Base of `'exp_range'` scaling, γ^iterations (default 1). */
  gamma?: number;
  /** Custom amplitude scaling, with 0 ≤ scaleFn(x) ≤ 1; replaces `mode`. */
  scaleFn?: ((x: number) => number) | null;
  /** Whether `scaleFn` receives the cycle number or the iteration (default `'cycle'`). */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle momentum (or Adam's β₁) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum bound, reached at the peak rate (default 0.8). */
  baseMomentum?: number | readonly number[];
  /** Upper momentum bound, at the base rate (default 0.9). */
  maxMomentum?: number | readonly number[];
}

/**
 * Cyclical learning rates (Smith, 2017, "Cyclical Learning Rates for Training Neural Networks"):
 * the rate goes from `baseLr` to `maxLr` in `stepSizeUp` iterations and back in `stepSizeDown`,
 * with the amplitude scaled per cycle (`'triangular'`, `'triangular2'`: halved each cycle) or per
 * iteration (`'exp_range'`: γ^iteration). Momentum (β₁ for Adam-style optimizers) cycles
 * inversely between `maxMomentum` and `baseMomentum`. Step it after every batch. PyTorch's
 * `CyclicLR`.
 *
 * @example
 * ```ts
 * const scheduler = new CyclicLR(optimizer, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10 });
 * for (const batch of batches) {
 *   trainBatch(batch); // … optimizer.step() …
 *   scheduler.step();
 * }
 * ```
 */
export class CyclicLR extends LRScheduler {
  /** Upper bound of each group's cycle. */
  declare maxLrs: number[];
  /** Iterations per cycle, up plus down. */
  declare totalSize: number;
  /** Fraction of a cycle spent increasing. */
  declare stepRatio: number;
  /** The built-in amplitude policy. */
  declare mode: string;
  /** Base of `'exp_range'` scaling. */
  declare gamma: number;
  /** The custom scaling function, or null (PyTorch's `_scale_fn_custom`). */
  declare scaleFnCustom: ((x: number) => number) | null;
  /** Whether scaling reads the cycle number or the iteration. */
  declare scaleMode: string;
  /** Whether momentum cycles. */
  declare cycleMomentum: boolean;
  /** True when momentum cycling acts on `betas[0]`. */
  declare useBeta1: boolean;
  /** Lower momentum bound of each group. */
  declare baseMomentums: number[];
  /** Upper momentum bound of each group. */
  declare maxMomentums: number[];

  constructor(optimizer: Optimizer, options: CyclicLROptions) {
    checkOptimizer(optimizer);
    const lastEpoch = options?.lastEpoch ?? -1;
    const baseLrs = formatParam('base_lr', optimizer, requireOption<number | number[]>('CyclicLR', options, 'baseLr'));
    if (lastEpoch === -1) (optimizer.paramGroups as Group[]).forEach((group, i) => (group['lr'] = baseLrs[i]));
    const maxLrs = formatParam('max_lr', optimizer, requireOption<number | number[]>('CyclicLR', options, 'maxLr'));
    const stepSizeUp = options.stepSizeUp ?? 2000;
    const stepSizeDown = options.stepSizeDown ?? stepSizeUp;
    const totalSize = stepSizeUp + stepSizeDown;
    const mode = options.mode ?? 'triangular';
    const scaleFnCustom = options.scaleFn ?? null;
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && scaleFnCustom === null) throw new OptimError('mode is invalid and scale_fn is None');
    const cycleMomentum = options.cycleMomentum ?? true;
    const attributes: Record<string, unknown> = {
      maxLrs,
      totalSize,
      stepRatio: stepSizeUp / totalSize,
      mode,
      gamma: options.gamma ?? 1,
      scaleFnCustom,
      scaleMode: builtInScaleMode(mode, scaleFnCustom) ?? options.scaleMode ?? 'cycle',
      cycleMomentum,
    };
    if (cycleMomentum) {
      const useBeta1 = momentumUsesBeta1(optimizer);
      const baseMomentums = formatParam('base_momentum', optimizer, options.baseMomentum ?? 0.8);
      const maxMomentums = formatParam('max_momentum', optimizer, options.maxMomentum ?? 0.9);
      if (lastEpoch === -1) initMomentum(optimizer, useBeta1, maxMomentums, baseMomentums);
      Object.assign(attributes, { useBeta1, baseMomentums, maxMomentums });
    }
    super(optimizer, options, attributes);
    this.baseLrs = baseLrs;
  }

  /** The amplitude scale at `x` (a cycle number or an iteration, per `scaleMode`). */
  scaleFn(x: number): number {
    if (this.scaleFnCustom !== null) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  /** The rates at iteration `lastEpoch`; when cycling momentum, also writes each group's momentum. */
  override getLr(): number[] {
    this.warnIfOutsideStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((baseLr, i) => baseLr + (this.maxLrs[i]! - baseLr) * scaleFactor * scale);
    if (this.cycleMomentum) {
      const groups = this.groups();
      this.baseMomentums.forEach((base, i) => {
        const max = this.maxMomentums[i]!;
        if (groups[i] !== undefined) setMomentum(groups[i]!, this.useBeta1, max - (max - base) * scaleFactor * scale);
      });
    }
    return lrs;
  }

  /** PyTorch's order: `_scale_fn_custom` last, null unless it was a callable object (never, here). */
  override stateDict(): SchedulerStateDict {
    const { _scale_fn_custom: _, ...rest } = super.stateDict();
    return { ...rest, _scale_fn_custom: null };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    this.scaleMode = builtInScaleMode(this.mode, this.scaleFnCustom) ?? this.scaleMode;
  }
}

/** The scale mode a built-in policy imposes (PyTorch's `_init_scale_fn`); undefined with a custom function. */
function builtInScaleMode(mode: string, custom: unknown): string | undefined {
  if (custom !== null) return undefined;
  if (mode === 'triangular' || mode === 'triangular2') return 'cycle';
  if (mode === 'exp_range') return 'iterations';
  return undefined;
}
