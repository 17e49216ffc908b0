import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { checkOptimizer, LRScheduler, type LRSchedulerOptions, pythonTypeName, requireOption } from './lr-scheduler.js';

/** A function of the epoch index giving a multiplicative factor. */
export type LrLambda = (epoch: number) => number;

/** Options of {@link LambdaLR} and {@link MultiplicativeLR}. */
export interface LambdaLROptions extends LRSchedulerOptions {
  /** One function for every group, or a list with one function per group. */
  lrLambda: LrLambda | readonly LrLambda[];
}

function lambdaList(className: string, optimizer: Optimizer, options: LambdaLROptions): LrLambda[] {
  checkOptimizer(optimizer);
  const given = requireOption<LrLambda | readonly LrLambda[]>(className, options, 'lrLambda');
  const count = optimizer.paramGroups.length;
  if (!Array.isArray(given)) return new Array<LrLambda>(count).fill(given as LrLambda);
  if (given.length !== count) throw new OptimError(`Expected ${count} lr_lambdas, but got ${given.length}`);
  return [...(given as LrLambda[])];
}

/**
 * Sets each group's learning rate to its initial value times `lrLambda(epoch)`:
 * η_e = η_0 · λ(e). PyTorch's `LambdaLR`. The functions are not saved in the state dict.
 *
 * @example
 * ```ts
 * const scheduler = new LambdaLR(optimizer, { lrLambda: (epoch) => 0.95 ** epoch });
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** One factor function per parameter group. */
  declare lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    super(optimizer, options, { lrLambdas: lambdaList('LambdaLR', optimizer, options) });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    return this.baseLrs.map((baseLr, i) => baseLr * this.lrLambdas[i]!(this.lastEpoch));
  }
}

/**
 * Multiplies each group's learning rate by `lrLambda(epoch)` at every step after the first:
 * η_e = η_{e−1} · λ(e). PyTorch's `MultiplicativeLR`.
 */
export class MultiplicativeLR extends LRScheduler {
  /** One factor function per parameter group. */
  declare lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    const lrLambdas = lambdaList('MultiplicativeLR', optimizer, options);
    for (const fn of lrLambdas) {
      if (typeof fn !== 'function') throw new OptimError(`lr_lambda should be a function, but got ${pythonTypeName(fn)}`);
    }
    super(optimizer, options, { lrLambdas });
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    const groups = this.groups();
    if (this.isInitial) return groups.map((group) => group['lr'] as number);
    return groups.map((group, i) => (group['lr'] as number) * this.lrLambdas[i]!(this.lastEpoch));
  }
}
