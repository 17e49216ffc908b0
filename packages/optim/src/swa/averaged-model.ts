import { isFloatingPoint, Module, noGrad, scalarTensor, type Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { lerp, roundingFor } from '../optimizers/rounding.js';
import { stateData } from '../optimizers/common.js';
import { cloneModule } from './clone-module.js';

/**
 * Averages one tensor: returns the new average from the current average, the model's current
 * value and how many models have been averaged so far (PyTorch's `avg_fn`).
 */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: Tensor | number) => Tensor;

/**
 * Averages a list of tensors of one dtype in place, from the model's current values and how many
 * models have been averaged so far (PyTorch's `multi_avg_fn`).
 */
export type MultiAvgFn = (averaged: Tensor[], current: Tensor[], numAveraged: Tensor | number) => void;

function count(numAveraged: Tensor | number): number {
  return typeof numAveraged === 'number' ? numAveraged : Number(numAveraged.item());
}

function checkDecay(decay: number): void {
  if (!(decay >= 0 && decay <= 1)) throw new OptimError(`Invalid decay value ${String(decay)} provided. Please provide a value in [0,1] range.`);
}

/** `averaged ← lerp(averaged, current, weight)` in place, with PyTorch's CPU lerp rounding. */
function lerpInPlace(averaged: Tensor, current: Tensor, weight: number): void {
  const target = stateData(averaged);
  const source = current.dtype === averaged.dtype ? current.contiguous() : current.to(averaged.dtype).contiguous();
  const values = source.toTypedArray() as ArrayLike<number>;
  const round = roundingFor(target);
  const w = round(weight);
  for (let i = 0; i < target.length; i++) target[i] = lerp(target[i]!, values[i]!, w, round);
  averaged.bumpVersion();
}

/**
 * The exponential moving average over lists of tensors, in place: a ← a + (1 − decay)(m − a), as
 * PyTorch's `get_ema_multi_avg_fn` (a lerp for floating tensors). Pass it as `multiAvgFn`.
 *
 * @example
 * ```ts
 * const ema = new AveragedModel(model, { multiAvgFn: getEmaMultiAvgFn(0.999) });
 * ```
 */
export function getEmaMultiAvgFn(decay = 0.999): MultiAvgFn {
  checkDecay(decay);
  return (averaged, current) =>
    noGrad(() => {
      averaged.forEach((a, i) => {
        const m = current[i]!;
        if (isFloatingPoint(a.dtype)) lerpInPlace(a, m, 1 - decay);
        else a.copy_(a.mul(decay).add(m.mul(1 - decay)));
      });
    });
}

/** The exponential moving average of one tensor: decay·a + (1 − decay)·m (PyTorch's `get_ema_avg_fn`). Pass it as `avgFn`. */
export function getEmaAvgFn(decay = 0.999): AvgFn {
  checkDecay(decay);
  return (averaged, current) => noGrad(() => averaged.mul(decay).add(current.mul(1 - decay)));
}

/**
 * The equal-weight running average over lists of tensors, in place: a ← a + (m − a)/(n + 1) for
 * the (n + 1)-th model, as PyTorch's `get_swa_multi_avg_fn` (a lerp for floating tensors).
 */
export function getSwaMultiAvgFn(): MultiAvgFn {
  const single = getSwaAvgFn();
  return (averaged, current, numAveraged) =>
    noGrad(() => {
      // PyTorch divides by the int64 count as a float32 tensor.
      const weight = Math.fround(1 / (count(numAveraged) + 1));
      averaged.forEach((a, i) => {
        if (isFloatingPoint(a.dtype)) lerpInPlace(a, current[i]!, weight);
        else a.copy_(single(a, current[i]!, numAveraged));
      });
    });
}

/** The equal-weight running average of one tensor: a + (m − a)/(n + 1) (PyTorch's `get_swa_avg_fn`). */
export function getSwaAvgFn(): AvgFn {
  return (averaged, current, numAveraged) =>
    noGrad(() => averaged.add(current.sub(averaged).div(typeof numAveraged === 'number' ? numAveraged + 1 : numAveraged.add(1))));
}

/** Options of {@link AveragedModel}. */
export interface AveragedModelOptions {
  /** Returns each tensor's new average; default: the equal-weight average (SWA). */
  avgFn?: AvgFn | null;
  /** Updates the averages in place, one list per dtype; give this or `avgFn`, not both. */
  multiAvgFn?: MultiAvgFn | null;
  /** Average the buffers too (default false: buffers are copied from the model). */
  useBuffers?: boolean;
}

/**
 * A running average of a model's weights, PyTorch's `torch.optim.swa_utils.AveragedModel`: for
 * stochastic weight averaging (Izmailov et al., 2018, "Averaging Weights Leads to Wider Optima
 * and Better Generalization") with the default equal weights, or an exponential moving average
 * with {@link getEmaMultiAvgFn}. It holds a deep copy of the model as child `module` and an int64
 * buffer `n_averaged`, so its state dict has PyTorch's keys: `n_averaged`, `module.<name>`.
 * The first {@link AveragedModel.updateParameters} copies the model; later ones average.
 *
 * @example
 * ```ts
 * const swaModel = new AveragedModel(model);
 * const swaScheduler = new SWALR(optimizer, { swaLr: 0.05 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   trainOneEpoch(model, optimizer);
 *   if (epoch >= 75) {
 *     swaModel.updateParameters(model);
 *     swaScheduler.step();
 *   }
 * }
 * updateBn(loader, swaModel); // recompute BatchNorm statistics for the averaged weights
 * ```
 */
export class AveragedModel<M extends Module = Module> extends Module {
  /** The averaged copy of the model. */
  declare module: M;
  /** How many models have been averaged (int64, 0-d). */
  declare n_averaged: Tensor;
  /** The per-tensor averaging function, or null. */
  declare avgFn: AvgFn | null;
  /** The in-place, per-dtype averaging function, or null. */
  declare multiAvgFn: MultiAvgFn | null;
  /** Whether buffers are averaged too, rather than copied. */
  declare useBuffers: boolean;

  constructor(model: M, options: AveragedModelOptions = {}) {
    super();
    if (!(model instanceof Module)) throw new OptimError(`AveragedModel: model must be a Module, got ${model === null ? 'null' : typeof model}`);
    const avgFn = options.avgFn ?? null;
    const multiAvgFn = options.multiAvgFn ?? null;
    if (avgFn !== null && multiAvgFn !== null) throw new OptimError('Only one of avg_fn and multi_avg_fn should be provided');
    this.module = cloneModule(model);
    this.registerBuffer('n_averaged', scalarTensor(0, 'int64'));
    this.avgFn = avgFn;
    this.multiAvgFn = multiAvgFn;
    this.useBuffers = options.useBuffers ?? false;
  }

  /** Runs the averaged copy. */
  override forward(...inputs: unknown[]): unknown {
    return (this.module.call as (...args: unknown[]) => unknown)(...inputs);
  }

  /**
   * Folds `model`'s current parameters (and buffers, with `useBuffers`) into the average: the
   * first call copies them, later calls apply the averaging function; without `useBuffers` the
   * buffers are copied from `model`. Then `n_averaged` grows by one.
   */
  updateParameters(model: Module): void {
    noGrad(() => {
      const own = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : [...this.parameters()];
      const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : [...model.parameters()];
      const averaged: Tensor[] = [];
      const current: Tensor[] = [];
      const numAveraged = Number(this.n_averaged.item());
      for (let i = 0; i < Math.min(own.length, theirs.length); i++) {
        const a = own[i]!.detach();
        const m = theirs[i]!.detach();
        averaged.push(a);
        current.push(m);
        if (numAveraged === 0) a.copy_(m);
      }
      if (numAveraged > 0) {
        if (this.multiAvgFn !== null || this.avgFn === null) {
          for (const [as, ms] of groupByDtype(averaged, current)) {
            if (this.multiAvgFn !== null) this.multiAvgFn(as, ms, this.n_averaged);
            else {
              // PyTorch's default on the CPU: the per-tensor average (its foreach path is for GPUs).
              const average = getSwaAvgFn();
              as.forEach((a, i) => a.copy_(average(a, ms[i]!, this.n_averaged)));
            }
          }
        } else {
          averaged.forEach((a, i) => a.copy_(this.avgFn!(a, current[i]!, this.n_averaged)));
        }
      }
      if (!this.useBuffers) {
        const mine = [...this.module.buffers()];
        const sources = [...model.buffers()];
        for (let i = 0; i < Math.min(mine.length, sources.length); i++) mine[i]!.detach().copy_(sources[i]!.detach());
      }
      this.n_averaged.add_(1);
    });
  }
}

/** Pairs of lists grouped by the averaged tensor's dtype, in order of first appearance. */
function groupByDtype(averaged: Tensor[], current: Tensor[]): [Tensor[], Tensor[]][] {
  const groups = new Map<string, [Tensor[], Tensor[]]>();
  averaged.forEach((a, i) => {
    let group = groups.get(a.dtype);
    if (group === undefined) groups.set(a.dtype, (group = [[], []]));
    group[0].push(a);
    group[1].push(current[i]!);
  });
  return [...groups.values()];
}
