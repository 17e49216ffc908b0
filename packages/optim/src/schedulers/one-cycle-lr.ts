import { toCamelCase, toSnakeCase } from '../names.js';
import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { initMomentum, momentumUsesBeta1, setMomentum } from './cyclic-lr.js';
import { checkOptimizer, formatParam, type Group, LRScheduler, type LRSchedulerOptions, requireOption, type SchedulerStateDict } from './lr-scheduler.js';

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions extends LRSchedulerOptions {
  /** The peak learning rate: one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; otherwise `epochs · stepsPerEpoch`. */
  totalSteps?: number | null;
  /** Epochs, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number | null;
  /** Steps per epoch, with `epochs`, when `totalSteps` is not given. */
  stepsPerEpoch?: number | null;
  /** Fraction of the cycle spent increasing the rate, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** `'cos'` or `'linear'` annealing between phase ends (default `'cos'`). */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's β₁) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum bound, reached at the peak rate (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Upper momentum bound (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** The initial rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final rate is `initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Add a third phase that anneals to the final rate, making the first two symmetric (default false). */
  threePhase?: boolean;
}

/** One phase of the cycle: the step where it ends and the group keys it anneals between. */
export interface SchedulePhase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

function phase(endStep: number, startLr: string, endLr: string, startMomentum: string, endMomentum: string): SchedulePhase {
  return { endStep, startLr, endLr, startMomentum, endMomentum };
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new OptimError(`Expected positive integer ${name}, but got ${String(value)}`);
  return value;
}

/**
 * The 1cycle policy (Smith & Topin, 2019, "Super-Convergence: Very Fast Training of Neural
 * Networks Using Large Learning Rates"): the rate anneals from `maxLr/divFactor` up to `maxLr`
 * over the first `pctStart` of the steps, then down to `initialLr/finalDivFactor`, with
 * momentum (β₁ for Adam-style optimizers) moving inversely. Each group gets `initialLr`, `maxLr`,
 * `minLr` (and `maxMomentum`, `baseMomentum`). Step it after every batch, at most `totalSteps`
 * times. PyTorch's `OneCycleLR`; not chainable.
 *
 * @example
 * ```ts
 * const scheduler = new OneCycleLR(optimizer, { maxLr: 0.01, epochs: 10, stepsPerEpoch: batches.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle. */
  declare totalSteps: number;
  /** The phases of the cycle (PyTorch's `_schedule_phases`). */
  declare schedulePhases: SchedulePhase[];
  /** `'cos'` or `'linear'` (PyTorch's `_anneal_func_type`). */
  declare annealFuncType: 'cos' | 'linear';
  /** Whether momentum cycles. */
  declare cycleMomentum: boolean;
  /** True when momentum cycling acts on `betas[0]`. */
  declare useBeta1: boolean;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    checkOptimizer(optimizer);
    const maxLr = requireOption<number | number[]>('OneCycleLR', options, 'maxLr');
    const { totalSteps: steps, epochs, stepsPerEpoch } = options;
    let totalSteps: number;
    if (steps !== undefined && steps !== null) totalSteps = positiveInteger('total_steps', steps);
    else if (epochs !== undefined && epochs !== null && stepsPerEpoch !== undefined && stepsPerEpoch !== null) {
      totalSteps = positiveInteger('epochs', epochs) * positiveInteger('steps_per_epoch', stepsPerEpoch);
    } else throw new OptimError('You must define either total_steps OR (epochs AND steps_per_epoch)');

    const pctStart = options.pctStart ?? 0.3;
    const schedulePhases = options.threePhase
      ? [
          phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(2 * pctStart * totalSteps - 2, 'maxLr', 'initialLr', 'baseMomentum', 'maxMomentum'),
          phase(totalSteps - 1, 'initialLr', 'minLr', 'maxMomentum', 'maxMomentum'),
        ]
      : [phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'), phase(totalSteps - 1, 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum')];
    if (typeof pctStart !== 'number' || !(pctStart >= 0 && pctStart <= 1)) throw new OptimError(`Expected float between 0 and 1 pct_start, but got ${String(pctStart)}`);
    const annealStrategy = options.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new OptimError(`anneal_strategy must be one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);

    const lastEpoch = options.lastEpoch ?? -1;
    const maxLrs = formatParam('max_lr', optimizer, maxLr);
    if (lastEpoch === -1) {
      const divFactor = options.divFactor ?? 25;
      const finalDivFactor = options.finalDivFactor ?? 1e4;
      (optimizer.paramGroups as Group[]).forEach((group, i) => {
        group['initialLr'] = maxLrs[i]! / divFactor;
        group['maxLr'] = maxLrs[i];
        group['minLr'] = (group['initialLr'] as number) / finalDivFactor;
      });
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    const attributes: Record<string, unknown> = { totalSteps, schedulePhases, annealFuncType: annealStrategy, cycleMomentum };
    if (cycleMomentum) {
      const useBeta1 = momentumUsesBeta1(optimizer);
      const maxMomentums = formatParam('max_momentum', optimizer, options.maxMomentum ?? 0.95);
      const baseMomentums = formatParam('base_momentum', optimizer, options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) initMomentum(optimizer, useBeta1, maxMomentums, baseMomentums);
      attributes['useBeta1'] = useBeta1;
    }
    super(optimizer, options, attributes);
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealFuncType === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  /** The rates at step `lastEpoch` (and, when cycling, each group's momentum); past `totalSteps` it throws. */
  override getLr(): number[] {
    this.warnIfOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new OptimError(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    const phases = this.schedulePhases;
    return this.groups().map((group) => {
      let startStep = 0;
      for (let i = 0; i < phases.length; i++) {
        const { endStep, startLr, endLr, startMomentum, endMomentum } = phases[i]!;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          if (this.cycleMomentum) setMomentum(group, this.useBeta1, this.anneal(group[startMomentum] as number, group[endMomentum] as number, pct));
          return this.anneal(group[startLr] as number, group[endLr] as number, pct);
        }
        startStep = endStep;
      }
      throw new OptimError('OneCycleLR has no schedule phases');
    });
  }

  /** The phases are saved as PyTorch writes them: `{end_step, start_lr: 'initial_lr', …}`. */
  override stateDict(): SchedulerStateDict {
    const state = super.stateDict();
    state['_schedule_phases'] = this.schedulePhases.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [toSnakeCase(k), typeof v === 'string' ? toSnakeCase(v) : v])));
    return state;
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    const saved = stateDict['_schedule_phases'];
    if (Array.isArray(saved)) {
      this.schedulePhases = saved.map(
        (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [toCamelCase(k), typeof v === 'string' ? toCamelCase(v) : v])) as unknown as SchedulePhase,
      );
    }
  }
}
