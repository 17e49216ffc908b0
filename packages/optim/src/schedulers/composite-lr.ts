import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { bisectRight, LRScheduler, type LRSchedulerOptions, plainValue, requireOption, type SchedulerStateDict } from './lr-scheduler.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

/** PyTorch's checks on the schedulers given to SequentialLR and ChainedScheduler. */
function checkSchedulers(className: string, optimizer: unknown, schedulers: readonly LRScheduler[]): void {
  schedulers.forEach((scheduler, i) => {
    if (scheduler === null || typeof scheduler !== 'object' || !('optimizer' in scheduler)) {
      throw new OptimError(`${className} at index ${i} should have \`optimizer\` as its attribute.`);
    }
    if (scheduler instanceof ReduceLROnPlateau) {
      throw new OptimError(
        `${className} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, ` +
          `but got one at index ${i} in the given schedulers sequence.`,
      );
    }
    if (scheduler.optimizer !== optimizer) {
      throw new OptimError(
        `${className} expects all schedulers to belong to the same optimizer, but got scheduler ${scheduler.constructor.name} at index ${i} ` +
          `has ${scheduler.optimizer?.constructor.name}, which is different from ${(optimizer as object | null)?.constructor.name}.`,
      );
    }
  });
}

/** Undoes the initial step of nested schedulers (PyTorch's `SequentialLR.recursive_undo`). */
function undoInitialSteps(scheduler: LRScheduler): void {
  if (scheduler instanceof SequentialLR || scheduler instanceof ChainedScheduler) scheduler.schedulers.forEach(undoInitialSteps);
  else scheduler.lastEpoch -= 1;
}

/** Saves the sub-schedulers' state dicts under `_schedulers`, after the scheduler's own keys. */
function withSchedulers(own: SchedulerStateDict, schedulers: readonly LRScheduler[]): SchedulerStateDict {
  return { ...own, _schedulers: schedulers.map((s) => s.stateDict()) };
}

function loadSchedulers(schedulers: readonly LRScheduler[], stateDict: SchedulerStateDict): void {
  const saved = stateDict['_schedulers'];
  if (Array.isArray(saved)) saved.forEach((s, i) => schedulers[i]?.loadStateDict(s as SchedulerStateDict));
}

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions extends LRSchedulerOptions {
  /** The schedulers to run one after another, all on this optimizer. */
  schedulers: LRScheduler[];
  /** The epochs at which to switch to the next scheduler: one fewer than the schedulers. */
  milestones: number[];
}

/**
 * Runs schedulers one after another, switching at the milestone epochs; at each switch the next
 * scheduler starts from its epoch-0 value (its closed form at 0). PyTorch's `SequentialLR`.
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(optimizer, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(optimizer, { tMax: 95 });
 * const scheduler = new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers, in order (PyTorch's `_schedulers`). */
  readonly schedulers: LRScheduler[];
  /** The switching epochs (PyTorch's `_milestones`). */
  milestones: number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    const schedulers = requireOption<LRScheduler[]>('SequentialLR', options, 'schedulers');
    const milestones = requireOption<number[]>('SequentialLR', options, 'milestones');
    if (schedulers.length < 1) throw new OptimError('SequentialLR expects at least one scheduler, but got no scheduler.');
    checkSchedulers('SequentialLR', optimizer, schedulers);
    if (milestones.length !== schedulers.length - 1) {
      throw new OptimError(
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, ' +
          `but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    super(optimizer, options, {}, false);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    for (const group of this.groups()) group['lr'] = group['initialLr'];
    undoInitialSteps(this);
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /** Steps the scheduler whose interval holds the next epoch (restarting it at its milestone). */
  override step(): void {
    this.lastEpoch += 1;
    const index = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[index]!;
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.updateLr(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  /** `{_milestones, last_epoch, _last_lr, _schedulers}`, the last holding each scheduler's state dict. */
  override stateDict(): SchedulerStateDict {
    return withSchedulers({ _milestones: [...this.milestones], last_epoch: this.lastEpoch, _last_lr: [...this.lastLr] }, this.schedulers);
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    if (stateDict['_milestones'] !== undefined) this.milestones = plainValue(stateDict['_milestones']) as number[];
    if (stateDict['last_epoch'] !== undefined) this.lastEpoch = stateDict['last_epoch'] as number;
    if (stateDict['_last_lr'] !== undefined) this.lastLr = plainValue(stateDict['_last_lr']) as number[];
    loadSchedulers(this.schedulers, stateDict);
  }
}

/**
 * Steps several schedulers together, each acting on the rate the previous one left, so their
 * factors multiply. PyTorch's `ChainedScheduler`; `optimizer` defaults to the first scheduler's.
 *
 * @example
 * ```ts
 * const scheduler = new ChainedScheduler([
 *   new ConstantLR(optimizer, { factor: 0.1, totalIters: 20 }),
 *   new ExponentialLR(optimizer, { gamma: 0.9 }),
 * ]);
 * ```
 */
export class ChainedScheduler extends LRScheduler {
  /** The chained schedulers (PyTorch's `_schedulers`). */
  readonly schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[], optimizer?: Optimizer) {
    if (schedulers.length < 1) throw new OptimError('ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.');
    const target = optimizer ?? schedulers[0]!.optimizer;
    checkSchedulers('ChainedScheduler', target, schedulers);
    super(target, {}, {}, false);
    this.schedulers = [...schedulers];
    this.lastLr = this.lastSchedulerLrs();
  }

  private lastSchedulerLrs(): number[] {
    return this.schedulers[this.schedulers.length - 1]!.optimizer.paramGroups.map((group) => group['lr'] as number);
  }

  /** Steps every scheduler, in order. */
  override step(): void {
    for (const scheduler of this.schedulers) scheduler.step();
    this.lastLr = this.lastSchedulerLrs();
  }

  /** `{_last_lr, _schedulers}`, the latter holding each scheduler's state dict. */
  override stateDict(): SchedulerStateDict {
    return withSchedulers({ _last_lr: [...this.lastLr] }, this.schedulers);
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    if (stateDict['_last_lr'] !== undefined) this.lastLr = plainValue(stateDict['_last_lr']) as number[];
    loadSchedulers(this.schedulers, stateDict);
  }
}
