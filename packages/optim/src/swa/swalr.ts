import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { checkOptimizer, formatParam, type Group, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from '../schedulers/lr-scheduler.js';

/** Options of {@link SWALR}. */
export interface SWALROptions extends LRSchedulerOptions {
  /** The learning rate to anneal to, for all groups or one per group (required). */
  swaLr: number | number[];
  /** Epochs the annealing takes, an integer ≥ 0 (default 10). */
  annealEpochs?: number;
  /** `'cos'` (the default) or `'linear'`. */
  annealStrategy?: 'cos' | 'linear';
}

/**
 * Anneals each group's learning rate to a fixed `swaLr` over `annealEpochs` epochs and keeps it
 * there, PyTorch's `torch.optim.swa_utils.SWALR`, for the averaging phase of stochastic weight
 * averaging (Izmailov et al., 2018). With α = anneal(min(1, e/annealEpochs)), where anneal(x) is
 * x (linear) or (1 − cos πx)/2 (cos), the rate is swaLr·α + η₀(1 − α) from the rate η₀ it
 * started from; computed recursively, as PyTorch does, so it follows whatever rate the group has.
 * Each group gets `swaLr`.
 *
 * @example
 * ```ts
 * const swaScheduler = new SWALR(optimizer, { swaLr: 0.05, annealEpochs: 5, annealStrategy: 'linear' });
 * ```
 */
export class SWALR extends LRScheduler {
  /** `'cos'` or `'linear'` (PyTorch's `_anneal_strategy`). */
  declare annealStrategy: 'cos' | 'linear';
  /** Epochs the annealing takes. */
  declare annealEpochs: number;

  constructor(optimizer: Optimizer, options: SWALROptions) {
    checkOptimizer(optimizer);
    if (options?.swaLr === undefined) throw new OptimError("SWALR.__init__() missing 1 required positional argument: 'swa_lr'");
    const swaLrs = formatParam('swa_lr', optimizer, options.swaLr);
    (optimizer.paramGroups as Group[]).forEach((group, i) => (group['swaLr'] = swaLrs[i]));
    const annealStrategy = options.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new OptimError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    const annealEpochs = options.annealEpochs ?? 10;
    if (!Number.isInteger(annealEpochs) || annealEpochs < 0) throw new OptimError(`anneal_epochs must be equal or greater than 0, got ${String(annealEpochs)}`);
    super(optimizer, options, { annealStrategy, annealEpochs });
  }

  private anneal(t: number): number {
    return this.annealStrategy === 'cos' ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  }

  override getLr(): number[] {
    this.warnIfOutsideStep();
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const span = Math.max(1, this.annealEpochs);
    const prevAlpha = this.anneal(Math.max(0, Math.min(1, (step - 1) / span)));
    const alpha = this.anneal(Math.max(0, Math.min(1, step / span)));
    return this.groups().map((group) => {
      const lr = group['lr'] as number;
      const swaLr = group['swaLr'] as number;
      // Undo the previous epoch's mix to recover the rate annealing started from.
      const start = prevAlpha === 1 ? swaLr : (lr - prevAlpha * swaLr) / (1 - prevAlpha);
      return swaLr * alpha + start * (1 - alpha);
    });
  }

  /** PyTorch's state dict: `_anneal_strategy`, `anneal_epochs`, then the base attributes. */
  override stateDict(): SchedulerStateDict {
    return Object.fromEntries(Object.entries(super.stateDict()).map(([key, value]) => [key === 'anneal_strategy' ? '_anneal_strategy' : key, value]));
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(Object.fromEntries(Object.entries(stateDict).map(([key, value]) => [key === '_anneal_strategy' ? 'anneal_strategy' : key, value])));
  }
}
