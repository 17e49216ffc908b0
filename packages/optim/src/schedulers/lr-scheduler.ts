import { toCamelCase, toSnakeCase } from '../names.js';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup } from '../optimizer.js';
import { warn } from './warnings.js';

/** Options every scheduler accepts. */
export interface LRSchedulerOptions {
  /**
   * The index of the last epoch (default -1: start from the beginning). Any other value resumes a
   * schedule and needs `initialLr` in every parameter group (from a loaded optimizer state dict).
   */
  lastEpoch?: number;
}

/** A scheduler's state dict: PyTorch's attribute names (snake_case) and plain values. */
export type SchedulerStateDict = Record<string, unknown>;

const ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. ' +
  'In PyTorch 1.1.0 and later, you should call them in the opposite order: ' +
  '`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this ' +
  'will result in PyTorch skipping the first value of the learning rate schedule. ' +
  'See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';

/** PyTorch's `EPOCH_DEPRECATION_WARNING`, emitted when `step(epoch)` is given an epoch. */
export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being ' +
  'deprecated where possible. Please use `scheduler.step()` to step the ' +
  'scheduler. During the deprecation, if epoch is different from None, the ' +
  'closed form is used instead of the new chainable form, where available. ' +
  'Please open an issue if you are unable to replicate your use case: ' +
  'https://github.com/pytorch/pytorch/issues/new/choose.';

/** In-memory names whose PyTorch attribute name is not their plain snake_case. */
const PYTHON_NAMES: Record<string, string> = {
  stepCount: '_step_count',
  isInitial: '_is_initial',
  getLrCalledWithinStep: '_get_lr_called_within_step',
  lastLr: '_last_lr',
  tMax: 'T_max',
  t0: 'T_0',
  tI: 'T_i',
  tMult: 'T_mult',
  tCur: 'T_cur',
  schedulePhases: '_schedule_phases',
  annealFuncType: '_anneal_func_type',
  scaleFnCustom: '_scale_fn_custom',
};
const CAMEL_NAMES = Object.fromEntries(Object.entries(PYTHON_NAMES).map(([camel, python]) => [python, camel]));

/** The attributes `LRScheduler.__init__` adds, in the order they enter PyTorch's `__dict__`. */
const BASE_STATE = ['baseLrs', 'lastEpoch', 'stepCount', 'isInitial', 'getLrCalledWithinStep', 'lastLr'];

/** `tMax` → `T_max`, `stepSize` → `step_size`, `lastLr` → `_last_lr`. */
export function pythonName(camel: string): string {
  return PYTHON_NAMES[camel] ?? toSnakeCase(camel);
}

function camelName(python: string): string {
  return CAMEL_NAMES[python] ?? toCamelCase(python);
}

/** Python's `type(value).__name__`, for error messages. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'function') return 'function';
  if (Array.isArray(value)) return 'list';
  const name = (value as object).constructor?.name;
  return name === undefined || name === 'Object' ? 'dict' : name;
}

/** Throws PyTorch's `TypeError("<Type> is not an Optimizer")` unless `value` is an optimizer. */
export function checkOptimizer(value: unknown): asserts value is Optimizer {
  if (!(value instanceof Optimizer)) throw new OptimError(`${pythonTypeName(value)} is not an Optimizer`);
}

/** A required option, or Python's "missing 1 required positional argument" error. */
export function requireOption<T>(className: string, options: object | undefined, camel: string): T {
  const value = (options as Record<string, unknown> | undefined)?.[camel];
  if (value === undefined) throw new OptimError(`${className}.__init__() missing 1 required positional argument: '${pythonName(camel)}'`);
  return value as T;
}

/** PyTorch's `_format_param`: one value per parameter group (a list must have one per group). */
export function formatParam(name: string, optimizer: Optimizer, value: number | readonly number[]): number[] {
  const count = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== count) {
      throw new OptimError(`${name} must have the same length as optimizer.param_groups. ${name} has ${value.length} values, param_groups has ${count}.`);
    }
    return [...(value as number[])];
  }
  return new Array<number>(count).fill(value as number);
}

/** Python's `a % n` (floor modulo: the result has the sign of `n`). */
export function floorMod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Python's `bisect.bisect_right` on a sorted list. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A state-dict value: arrays and objects copied, Maps as objects, functions as null (PyTorch saves plain functions as None). */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'function' || value === undefined) return null;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plainValue(v)]));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  return value;
}

function holdsFunction(value: unknown): boolean {
  return typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function'));
}

/** A parameter group's hyperparameters as a plain record (`lr`, `initialLr`, `momentum`, …). */
export type Group = ParamGroup & Record<string, unknown>;

/**
 * Base class of the learning-rate schedulers, PyTorch's `torch.optim.lr_scheduler.LRScheduler`.
 *
 * Construction records `initialLr` in every parameter group (unless resuming with
 * `lastEpoch !== -1`), sets `baseLrs` and runs the initial step, which sets the epoch-0 learning
 * rates. Each `step()` then advances `lastEpoch` and writes {@link LRScheduler.getLr} (PyTorch's
 * recursive, chainable form) into the groups. `step()` before the optimizer's first `step()`
 * emits PyTorch's order warning once (see {@link setWarningHandler}).
 *
 * A subclass passes its own attributes to `super` (they are set before the initial step, as in
 * PyTorch, where they are set before `super().__init__`), declares them with `declare` so that
 * class-field semantics do not reset them, and implements `getLr()`:
 *
 * @example
 * ```ts
 * class HalvingLR extends LRScheduler {
 *   declare every: number;
 *   constructor(optimizer: Optimizer, options: { every: number } & LRSchedulerOptions) {
 *     super(optimizer, options, { every: options.every });
 *   }
 *   override getLr(): number[] {
 *     const halve = !this.isInitial && this.lastEpoch % this.every === 0;
 *     return this.optimizer.paramGroups.map((g) => (g.lr as number) * (halve ? 0.5 : 1));
 *   }
 * }
 * ```
 */
export class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** Each group's `initialLr` at construction (PyTorch's `base_lrs`). */
  baseLrs!: number[];
  /** The epoch (or batch) index of the last step; 0 after construction. */
  lastEpoch!: number;
  /** How many times `step()` has run, counting the initial step (PyTorch's `_step_count`). */
  stepCount!: number;
  /** True during the initial step at construction (PyTorch's `_is_initial`). */
  protected isInitial = false;
  /** True while `step()` computes learning rates (PyTorch's `_get_lr_called_within_step`). */
  protected getLrCalledWithinStep = false;
  /** The learning rates written by the last step (PyTorch's `_last_lr`). */
  protected lastLr: number[] = [];
  /** PyTorch's `__dict__` keys, in order, as in-memory names. */
  #stateKeys: string[];
  #optimizerStepsAtStart = 0;

  /**
   * @param optimizer - the optimizer to schedule.
   * @param options - `lastEpoch` (default -1).
   * @param attributes - the subclass's own state, assigned before the initial step; it comes first
   *   in the state dict, in this order.
   * @param initialize - false for schedulers that, like PyTorch's `ReduceLROnPlateau`,
   *   `SequentialLR` and `ChainedScheduler`, skip `LRScheduler.__init__`: then `attributes` is the
   *   whole state.
   */
  constructor(optimizer: Optimizer, options: LRSchedulerOptions = {}, attributes: Record<string, unknown> = {}, initialize = true) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    Object.assign(this, attributes);
    this.#stateKeys = Object.keys(attributes);
    if (!initialize) return;
    this.#stateKeys.push(...BASE_STATE);
    const lastEpoch = options.lastEpoch ?? -1;
    const groups = this.groups();
    if (lastEpoch === -1) {
      for (const group of groups) if (!('initialLr' in group)) group['initialLr'] = group['lr'];
    } else {
      groups.forEach((group, i) => {
        if (!('initialLr' in group)) throw new OptimError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = groups.map((group) => group['initialLr'] as number);
    this.lastEpoch = lastEpoch;
    this.initialStep();
  }

  /** The optimizer's parameter groups, read afresh (loading an optimizer state dict replaces them). */
  protected groups(): Group[] {
    return this.optimizer.paramGroups as Group[];
  }

  /** Resets the step count and runs the step that sets the epoch-0 rates (PyTorch's `_initial_step`). */
  initialStep(): void {
    this.stepCount = 0;
    this.#optimizerStepsAtStart = this.optimizer.stepCount;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /**
   * Advances the schedule by one epoch and writes the new learning rates into the groups. With
   * `epoch`, jumps there instead and uses the closed form where one exists (deprecated in PyTorch,
   * so it warns).
   */
  step(epoch?: number): void {
    if (this.stepCount === 1 && this.optimizer.stepCount === this.#optimizerStepsAtStart) warn(ORDER_WARNING, 'TORCHLET_LR_SCHEDULER_ORDER');
    this.stepCount += 1;
    if (epoch !== undefined) warn(EPOCH_DEPRECATION_WARNING, 'TORCHLET_LR_SCHEDULER_EPOCH');
    this.updateLr(epoch);
  }

  /**
   * Sets the learning rates for the next epoch, or for `epoch` via the closed form, without the
   * order check or step counting (PyTorch's `_update_lr`; `SequentialLR` calls it at milestones).
   */
  updateLr(epoch?: number): void {
    let values: number[];
    this.getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.getClosedFormLr !== undefined ? this.getClosedFormLr() : this.getLr();
      }
    } finally {
      this.getLrCalledWithinStep = false;
    }
    this.writeLrs(values);
  }

  /** Writes one learning rate per group (PyTorch zips, so extra values are ignored) and records them. */
  protected writeLrs(values: readonly number[]): void {
    const groups = this.groups();
    for (let i = 0; i < Math.min(groups.length, values.length); i++) groups[i]!['lr'] = values[i];
    this.lastLr = groups.map((group) => group['lr'] as number);
  }

  /**
   * The learning rates for the current `lastEpoch`, computed from the groups' current `lr`
   * (PyTorch's chainable `get_lr`). Subclasses implement it; the base has none.
   */
  getLr(): number[] {
    throw new OptimError(`${this.constructor.name} does not implement getLr()`);
  }

  /** The learning rates at `lastEpoch` from `baseLrs` alone, for schedulers that have a closed form. */
  protected getClosedFormLr?(): number[];

  /** Emits PyTorch's warning when `getLr()` is called from outside `step()`. */
  protected warnIfOutsideStep(): void {
    if (!this.getLrCalledWithinStep) warn('To get the last learning rate computed by the scheduler, please use `getLastLr()`.', 'TORCHLET_LR_SCHEDULER_GET_LR');
  }

  /** The learning rates the last step wrote, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * PyTorch's `state_dict()`: every attribute but the optimizer, under PyTorch's names, in PyTorch's
   * order, as plain values (functions such as `lrLambda` are saved as null, as PyTorch does).
   */
  stateDict(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.#stateKeys.map((key) => [pythonName(key), plainValue(self[key])]));
  }

  /**
   * Restores a state dict (PyTorch's `__dict__.update`): values are copied in; attributes holding
   * functions keep their functions. Load the optimizer's state dict too.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [python, value] of Object.entries(stateDict)) {
      const key = camelName(python);
      if (holdsFunction(self[key])) continue;
      if (!this.#stateKeys.includes(key)) this.#stateKeys.push(key);
      self[key] = plainValue(value);
    }
  }
}
