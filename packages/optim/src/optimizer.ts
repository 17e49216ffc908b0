import { addHook, enableGrad, isFloatingPoint, noGrad, RawTensor, type RemovableHandle, Tensor } from '@torchlet/nn';
import { toCamelCase, toSnakeCase } from './names.js';
import { OptimError } from './optim-error.js';

/** Hyperparameters of a parameter group: camelCase names (`lr`, `weightDecay`, `betas`, …). */
export type Hyperparameters = Record<string, unknown>;

/** A parameter group: the very tensors passed in, plus every hyperparameter (filled from defaults). */
export type ParamGroup<H extends Hyperparameters = Hyperparameters> = H & { params: Tensor[] };

/** What a user may pass for a group: params plus any hyperparameters to override. */
export type ParamGroupInput<H extends Hyperparameters = Hyperparameters> = Partial<H> & { params: Tensor | Iterable<Tensor> } & Hyperparameters;

/** The values an optimizer keeps per parameter (`momentum_buffer`, `exp_avg`, `step`, …). */
export type ParamState = Record<string, unknown>;

/** An optimizer's state dict, in PyTorch's structure and key names. */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by the parameter's index across groups, snake_case keys. */
  state: Record<number, ParamState>;
  /** The groups' hyperparameters in snake_case, with `params` as index lists, written last. */
  param_groups: Record<string, unknown>[];
}

/** Marks a hyperparameter that has no default and must be given (PyTorch's `required`). */
export const required: unique symbol = Symbol('required');

/** A step hook; a pre-hook runs before `step`, a post-hook after. */
export type StepHook = (optimizer: Optimizer) => void;

/** Runs before `stateDict()` builds the dict. */
export type StateDictPreHook = (optimizer: Optimizer) => void;
/** Runs on the dict `stateDict()` built; may return a replacement. */
export type StateDictPostHook = (optimizer: Optimizer, stateDict: OptimizerStateDict) => OptimizerStateDict | void;
/** Runs on the dict given to `loadStateDict()` before it is loaded; may return a replacement. */
export type LoadStateDictPreHook = (optimizer: Optimizer, stateDict: OptimizerStateDict) => OptimizerStateDict | void;
/** Runs after `loadStateDict()` has loaded. */
export type LoadStateDictPostHook = (optimizer: Optimizer) => void;

const globalPreHooks: StepHook[] = [];
const globalPostHooks: StepHook[] = [];

/** Registers a hook run before every optimizer's `step()` (PyTorch's `register_optimizer_step_pre_hook`). */
export function registerOptimizerStepPreHook(hook: StepHook): RemovableHandle {
  return addHook(globalPreHooks, hook);
}

/** Registers a hook run after every optimizer's `step()` (PyTorch's `register_optimizer_step_post_hook`). */
export function registerOptimizerStepPostHook(hook: StepHook): RemovableHandle {
  return addHook(globalPostHooks, hook);
}

/** Runs `fn` without recording gradients and returns its value: updates must not reach the tape. */
function untracked<T>(fn: () => T): T {
  return noGrad(fn);
}

/**
 * Base class of every optimizer, with PyTorch's object model: `defaults`, `state` (a Map keyed by
 * the parameter tensor itself, filled lazily on a parameter's first step), `paramGroups`,
 * `stepCount`, `step(closure)`, `zeroGrad()`, `addParamGroup()`, `stateDict()` and
 * `loadStateDict()`. Subclasses validate their options and implement {@link Optimizer.updateGroup}
 * by calling a pure update function.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  /** The hyperparameters given at construction, filled with the optimizer's defaults. */
  readonly defaults: H;
  /** Per-parameter state, keyed by the parameter tensor (identity). */
  readonly state = new Map<Tensor, ParamState>();
  /** The parameter groups, holding the very tensors passed in. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** How many times `step()` has run (PyTorch's `_step_count`); LR schedulers read it. */
  stepCount = 0;
  #preHooks: StepHook[] = [];
  #postHooks: StepHook[] = [];
  #stateDictPreHooks: StateDictPreHook[] = [];
  #stateDictPostHooks: StateDictPostHook[] = [];
  #loadPreHooks: LoadStateDictPreHook[] = [];
  #loadPostHooks: LoadStateDictPostHook[] = [];

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<H>>, defaults: H) {
    if (params instanceof RawTensor) {
      throw new OptimError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${params.constructor.name}`);
    }
    if (params === null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new OptimError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeof params}`);
    }
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) throw new OptimError('optimizer got an empty parameter list');
    const groups = list[0] instanceof RawTensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>] : (list as ParamGroupInput<H>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a parameter group, filling missing hyperparameters from `defaults`, with PyTorch's checks. */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (typeof group !== 'object' || group === null || group instanceof RawTensor || Array.isArray(group)) {
      throw new OptimError(`param_group must be a dict, but got ${group === null ? 'null' : (group as object).constructor?.name ?? typeof group}`);
    }
    const given = group.params;
    if (given instanceof Set) {
      throw new OptimError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    }
    const params = given instanceof RawTensor ? [given] : [...(given as Iterable<unknown>)];
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new OptimError(`optimizer can only optimize Tensors, but one of the params is ${p === null ? 'null' : typeof p === 'object' ? (p as object).constructor.name : typeof p}`);
      }
      if (!p.isLeaf) throw new OptimError("can't optimize a non-leaf Tensor");
    }
    const filled: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(group)) if (key !== 'params') filled[key] = value;
    for (const [key, value] of Object.entries(this.defaults)) {
      if (key in filled) continue;
      if (value === required) throw new OptimError(`parameter group didn't specify a value of required optimization parameter ${key}`);
      filled[key] = value;
    }
    this.validate(filled as H);
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if ((params as Tensor[]).some((p) => existing.has(p))) throw new OptimError('some parameters appear in more than one parameter group');
    this.paramGroups.push({ ...filled, params: params as Tensor[] } as ParamGroup<H>);
  }

  /** Checks a group's hyperparameters, throwing PyTorch's messages ("Invalid learning rate: -1"). */
  protected validate(_group: H): void {}

  /**
   * Updates the parameters of one group that have gradients. Called by `step()` under no-grad;
   * `state` gets entries lazily (see {@link Optimizer.stateOf}).
   */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /** The state entry of `p`, created by `init` on first use (PyTorch's lazy state). */
  protected stateOf(p: Tensor, init: () => ParamState): ParamState {
    let entry = this.state.get(p);
    if (entry === undefined) {
      entry = init();
      this.state.set(p, entry);
    }
    return entry;
  }

  /**
   * Performs one optimization step. With a closure, it is run first (with grad enabled), and its
   * loss is returned. Parameters without a gradient are skipped and get no state.
   */
  step(closure?: () => number | RawTensor): number | null {
    const self = this as unknown as Optimizer;
    for (const hook of [...globalPreHooks, ...this.#preHooks]) hook(self);
    let loss: number | null = null;
    if (closure !== undefined) {
      const value = enableGrad(closure);
      loss = typeof value === 'number' ? value : Number(value.item());
    }
    untracked(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    this.stepCount++;
    for (const hook of [...this.#postHooks, ...globalPostHooks]) hook(self);
    return loss;
  }

  /** Clears every parameter's gradient: to null (the default) or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (options.setToNone ?? true) p.grad = null;
        else untracked(() => p.grad!.detach().zero_());
      }
    }
  }

  /** Registers a hook run before every `step()`. */
  registerStepPreHook(hook: StepHook): RemovableHandle {
    return addHook(this.#preHooks, hook);
  }

  /** Registers a hook run after every `step()`. */
  registerStepPostHook(hook: StepHook): RemovableHandle {
    return addHook(this.#postHooks, hook);
  }

  /** Registers a hook run before `stateDict()` builds the dict. */
  registerStateDictPreHook(hook: StateDictPreHook): RemovableHandle {
    return addHook(this.#stateDictPreHooks, hook);
  }

  /** Registers a hook run on the dict `stateDict()` built; it may return a replacement. */
  registerStateDictPostHook(hook: StateDictPostHook): RemovableHandle {
    return addHook(this.#stateDictPostHooks, hook);
  }

  /** Registers a hook run on a dict before `loadStateDict()` loads it; it may return a replacement. */
  registerLoadStateDictPreHook(hook: LoadStateDictPreHook): RemovableHandle {
    return addHook(this.#loadPreHooks, hook);
  }

  /** Registers a hook run after `loadStateDict()` has loaded. */
  registerLoadStateDictPostHook(hook: LoadStateDictPostHook): RemovableHandle {
    return addHook(this.#loadPostHooks, hook);
  }

  /**
   * PyTorch's `state_dict()`: `state` keyed by parameter index (numbered in order of first
   * appearance across groups), `param_groups` with snake_case hyperparameters and `params` as
   * index lists, written last. Tensors are the live state tensors, as in PyTorch.
   */
  stateDict(): OptimizerStateDict {
    const self = this as unknown as Optimizer;
    for (const hook of this.#stateDictPreHooks) hook(self);
    let result = this.buildStateDict();
    for (const hook of this.#stateDictPostHooks) result = hook(self, result) ?? result;
    return result;
  }

  private buildStateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) if (key !== 'params') out[toSnakeCase(key)] = plainValue(value);
      out['params'] = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return out;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, entry] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...entry };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores a state dict (from `stateDict()` or a PyTorch checkpoint). Groups must match in
   * number and size; floating state tensors are cast to their parameter's dtype; everything is
   * deep-copied, so later steps never change the dict that was loaded. Saved hyperparameters win.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const self = this as unknown as Optimizer;
    for (const hook of this.#loadPreHooks) stateDict = hook(self, stateDict) ?? stateDict;
    this.loadValidated(stateDict);
    for (const hook of this.#loadPostHooks) hook(self);
  }

  private loadValidated(stateDict: OptimizerStateDict): void {
    const saved = stateDict.param_groups;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new OptimError('loaded state dict has a different number of parameter groups');
    }
    saved.forEach((group, i) => {
      const ids = group['params'];
      if (!Array.isArray(ids) || ids.length !== this.paramGroups[i]!.params.length) {
        throw new OptimError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byIndex = new Map<number, Tensor>();
    saved.forEach((group, i) => (group['params'] as number[]).forEach((id, k) => byIndex.set(id, this.paramGroups[i]!.params[k]!)));
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(stateDict.state ?? {})) {
      const p = byIndex.get(Number(key));
      if (p === undefined) continue;
      const copy: ParamState = {};
      for (const [name, value] of Object.entries(entry)) copy[name] = castState(name, value, p);
      newState.set(p, this.upgradeState(copy));
    }
    const newGroups = saved.map((group, i) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) if (key !== 'params') out[toCamelCase(key)] = copyValue(value);
      for (const [key, value] of Object.entries(this.defaults)) if (!(key in out)) out[key] = value;
      return { ...out, params: this.paramGroups[i]!.params } as ParamGroup<H>;
    });
    this.state.clear();
    for (const [p, entry] of newState) this.state.set(p, entry);
    this.paramGroups.splice(0, this.paramGroups.length, ...newGroups);
  }

  /** Converts state saved by older PyTorch (an int `step`) to the current form; optimizers may extend it. */
  protected upgradeState(entry: ParamState): ParamState {
    if (typeof entry['step'] === 'number' && this.stepIsTensor()) entry['step'] = Tensor.wrap(new RawTensor(scalarStorage(entry['step']), [], [], 0, 'float32'));
    return entry;
  }

  /** True when this optimizer keeps `step` as a 0-d float32 tensor (PyTorch 2.x; SparseAdam keeps an int). */
  protected stepIsTensor(): boolean {
    return true;
  }
}

function scalarStorage(value: number) {
  return RawTensor.fromData(new Float32Array([value]), [], 'float32').storage;
}

/** Tensors in state are copied and cast to the parameter's dtype when floating (except `step`). */
function castState(name: string, value: unknown, p: Tensor): unknown {
  if (value instanceof RawTensor) {
    const copy = Tensor.wrap(value.clone());
    if (name !== 'step' && isFloatingPoint(copy.dtype) && isFloatingPoint(p.dtype) && copy.dtype !== p.dtype) return copy.to(p.dtype);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => castState(name, v, p));
  return copyValue(value);
}

function copyValue(value: unknown): unknown {
  if (value instanceof RawTensor) return Tensor.wrap(value.clone());
  if (Array.isArray(value)) return value.map(copyValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyValue(v)]));
  return value;
}

/** Hyperparameter values as they go into a state dict: arrays copied (tuples in PyTorch). */
function plainValue(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value;
}

