import type { LRScheduler, Module, Optimizer, OptimizerStateDict, SchedulerStateDict, StateDict } from '@torchlet/optim';
import { CheckpointError } from './checkpoint-error.js';

/** What {@link saveCheckpoint} stores: the objects whose state to save, an epoch, and any other values. */
export interface CheckpointParts {
  /** Saved as `model: model.stateDict()`. */
  model?: Module;
  /** Saved as `optimizer: optimizer.stateDict()`. */
  optimizer?: Optimizer;
  /** Saved as `scheduler: scheduler.stateDict()`. */
  scheduler?: LRScheduler;
  /** The epoch to resume from, saved as is. */
  epoch?: number;
  /** Anything else (`best`, `config`, …), saved as is. */
  [extra: string]: unknown;
}

/** The objects {@link loadCheckpoint} restores state into; each needs its entry in the checkpoint. */
export interface CheckpointTargets {
  model?: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler;
}

/** What {@link loadCheckpoint} returns: every entry it did not restore into an object (`epoch`, extras). */
export interface CheckpointRest {
  epoch?: number;
  [extra: string]: unknown;
}

const PARTS = ['model', 'optimizer', 'scheduler'] as const;

/**
 * The dict a checkpoint holds: `{ epoch, model, optimizer, scheduler, ...extra }`, each object's
 * part being its `stateDict()`, the layout of PyTorch's usual `torch.save({...})` checkpoint.
 */
export function checkpointOf(parts: CheckpointParts): Record<string, unknown> {
  const { model, optimizer, scheduler, epoch, ...extra } = parts;
  const out: Record<string, unknown> = {};
  if (epoch !== undefined) out['epoch'] = epoch;
  const objects = { model, optimizer, scheduler };
  for (const name of PARTS) {
    const object = objects[name];
    if (object === undefined) continue;
    if (typeof (object as { stateDict?: unknown } | null)?.stateDict !== 'function') {
      throw new CheckpointError(`saveCheckpoint: '${name}' must be ${ARTICLE[name]} with stateDict(), got ${describe(object)}`);
    }
    out[name] = object.stateDict();
  }
  return Object.assign(out, extra);
}

const ARTICLE = { model: 'a Module', optimizer: 'an Optimizer', scheduler: 'an LRScheduler' };

/**
 * Restores a loaded checkpoint dict into `targets`, all or nothing: the optimizer's and the
 * scheduler's entries are checked first, then the model's entry is loaded (nn's `loadStateDict`
 * checks every key and shape before it copies anything), then the optimizer's and the scheduler's.
 * Should one of those still fail, the parts already restored are put back as they were.
 *
 * @returns the entries not restored into an object: `epoch` and the extras.
 */
export function restoreCheckpoint(checkpoint: unknown, targets: CheckpointTargets): CheckpointRest {
  const entries = asDict(checkpoint, 'the checkpoint');
  for (const name of PARTS) {
    if (targets[name] !== undefined && !(name in entries)) {
      throw new CheckpointError(`loadCheckpoint: the checkpoint has no '${name}' entry to restore the ${name} from (it holds ${Object.keys(entries).map((k) => `'${k}'`).join(', ') || 'nothing'})`);
    }
  }
  const steps: RestoreStep[] = [];
  if (targets.model) steps.push(modelStep(targets.model, entries['model']));
  if (targets.optimizer) steps.push(optimizerStep(targets.optimizer, entries['optimizer']));
  if (targets.scheduler) steps.push(schedulerStep(targets.scheduler, entries['scheduler']));
  const undo: (() => void)[] = [];
  try {
    for (const step of steps) {
      const restore = step.snapshot();
      step.apply();
      undo.push(restore);
    }
  } catch (error) {
    for (const restore of undo.reverse()) restore();
    if (CheckpointError.isInstance(error)) throw error;
    throw new CheckpointError(`loadCheckpoint: ${(error as Error).message}`);
  }
  const rest: CheckpointRest = {};
  for (const [key, value] of Object.entries(entries)) {
    if (!PARTS.some((name) => name === key && targets[name] !== undefined)) rest[key] = value;
  }
  return rest;
}

/** One object's restore: `snapshot` records its current state and returns a function that puts it back. */
interface RestoreStep {
  snapshot(): () => void;
  apply(): void;
}

function modelStep(model: Module, entry: unknown): RestoreStep {
  const state = asDict(entry, "the checkpoint's 'model' entry");
  return {
    snapshot() {
      const saved = Object.fromEntries(Object.entries(model.stateDict()).map(([key, t]) => [key, t.clone()]));
      return () => model.loadStateDict(saved);
    },
    apply() {
      try {
        model.loadStateDict(state as StateDict);
      } catch (error) {
        throw new CheckpointError(`loadCheckpoint: the checkpoint's 'model' entry does not fit the model: ${(error as Error).message}`);
      }
    },
  };
}

/** Checks what PyTorch's `load_state_dict` checks (group count and sizes), plus the dict's structure. */
function optimizerStep(optimizer: Optimizer, entry: unknown): RestoreStep {
  const what = "the checkpoint's 'optimizer' entry";
  const dict = asDict(entry, what);
  const groups = dict['param_groups'];
  if (!Array.isArray(groups)) throw new CheckpointError(`loadCheckpoint: ${what} should hold a 'param_groups' list, got ${describe(groups)}`);
  if (groups.length !== optimizer.paramGroups.length) {
    throw new CheckpointError(`loadCheckpoint: ${what} has ${groups.length} parameter group(s), the optimizer has ${optimizer.paramGroups.length}`);
  }
  const paramGroups = groups.map((group, i) => {
    const g = asDict(group, `${what}'s param_groups[${i}]`);
    const params = g['params'];
    if (!Array.isArray(params) || !params.every((id) => Number.isInteger(id))) {
      throw new CheckpointError(`loadCheckpoint: ${what}'s param_groups[${i}].params should be a list of parameter indices, got ${describe(params)}`);
    }
    const size = optimizer.paramGroups[i]!.params.length;
    if (params.length !== size) {
      throw new CheckpointError(`loadCheckpoint: ${what}'s param_groups[${i}] has ${params.length} parameter(s), the optimizer's group ${i} has ${size}`);
    }
    return g;
  });
  const state: OptimizerStateDict['state'] = {};
  for (const [key, value] of Object.entries(asDict(dict['state'] ?? {}, `${what}'s state`))) {
    if (!/^(0|[1-9]\d*)$/.test(key)) throw new CheckpointError(`loadCheckpoint: ${what}'s state has the key '${key}'; its keys are parameter indices`);
    state[Number(key)] = asDict(value, `${what}'s state[${key}]`);
  }
  const stateDict: OptimizerStateDict = { state, param_groups: paramGroups };
  return {
    snapshot() {
      // Loading replaces the state entries with copies, so the live tensors here stay as they are.
      const saved = optimizer.stateDict();
      return () => optimizer.loadStateDict(saved);
    },
    apply: () => optimizer.loadStateDict(stateDict),
  };
}

/**
 * A scheduler's entry must have the public keys of its own state dict: its options and
 * `base_lrs`/`last_epoch`, which tell one scheduler class from another. Private bookkeeping
 * (`_step_count`, `_is_initial`, …) differs between PyTorch versions, so it may be missing (the
 * scheduler keeps its own) or extra; PyTorch 1.13's `verbose` flag, since removed, is dropped.
 */
function schedulerStep(scheduler: LRScheduler, entry: unknown): RestoreStep {
  const what = "the checkpoint's 'scheduler' entry";
  const given = asDict(entry, what);
  const own = Object.keys(scheduler.stateDict());
  const state: SchedulerStateDict = Object.fromEntries(Object.entries(given).filter(([key]) => key !== 'verbose' || own.includes(key)));
  const isPublic = (key: string) => !key.startsWith('_');
  const missing = own.filter((key) => isPublic(key) && !(key in state));
  const unexpected = Object.keys(state).filter((key) => isPublic(key) && !own.includes(key));
  if (missing.length > 0 || unexpected.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`missing key(s) ${missing.map((k) => `'${k}'`).join(', ')}`] : []),
      ...(unexpected.length > 0 ? [`unexpected key(s) ${unexpected.map((k) => `'${k}'`).join(', ')}`] : []),
    ];
    throw new CheckpointError(`loadCheckpoint: ${what} does not fit ${scheduler.constructor.name}: ${problems.join('; ')}`);
  }
  return {
    snapshot() {
      const saved = scheduler.stateDict();
      return () => scheduler.loadStateDict(saved);
    },
    apply: () => scheduler.loadStateDict(state),
  };
}

/** A dict as a plain object: plain objects as they are, Maps (Python dicts with int keys) keyed by String(key). */
function asDict(value: unknown, what: string): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  const prototype = value !== null && typeof value === 'object' ? (Object.getPrototypeOf(value) as unknown) : undefined;
  if (prototype === Object.prototype || prototype === null) return value as Record<string, unknown>;
  throw new CheckpointError(`loadCheckpoint: ${what} should be a dict, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return `the string '${value}'`;
  return `${typeof value} ${String(value)}`;
}
