import { full, type SparseTensor, type Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor } from './common.js';

/** Adagrad's hyperparameters (PyTorch's names in camelCase). */
export interface AdagradOptions extends Record<string, unknown> {
  lr: number;
  /** η in the decayed learning rate γ / (1 + (t − 1)η). */
  lrDecay: number;
  eps: number;
  weightDecay: number;
  /** The value `sum` starts at. */
  initialAccumulatorValue: number;
  maximize: boolean;
}

/** The learning rate of step t: γ / (1 + (t − 1)η). */
function decayedLr(t: number, o: AdagradOptions): number {
  return o.lr / (1 + (t - 1) * o.lrDecay);
}

/**
 * One Adagrad step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g + λθ;  γ̃ ← γ / (1 + (t − 1)η);  s ← s + g²;  θ ← θ − γ̃ · g / (√s + ε).
 */
export function adagradUpdate(param: FloatArray, grad: FloatArray, sum: FloatArray, t: number, o: AdagradOptions): void {
  const { eps, weightDecay, maximize } = o;
  const clr = decayedLr(t, o);
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    sum[i] = sum[i]! + g * g;
    param[i] = param[i]! - (clr * g) / (Math.sqrt(sum[i]!) + eps);
  }
}

/**
 * The same step for a sparse gradient: only the rows it names change. `rows` are the flat row
 * indices of a coalesced gradient (unique, since the update is not linear in g) and `values` its
 * rows one after another; a row is `values.length / rows.length` elements of `param` and `sum`.
 * There is no weight decay (PyTorch refuses it with sparse gradients).
 *
 * s[r] ← s[r] + v²;  θ[r] ← θ[r] − γ̃ · v / (√s[r] + ε)   for each named row r with values ±v.
 */
export function adagradSparseUpdate(param: FloatArray, sum: FloatArray, rows: ArrayLike<number>, values: FloatArray, t: number, o: AdagradOptions): void {
  if (rows.length === 0) return;
  const { eps, maximize } = o;
  const clr = decayedLr(t, o);
  const size = values.length / rows.length;
  for (let k = 0; k < rows.length; k++) {
    const base = rows[k]! * size;
    for (let j = 0; j < size; j++) {
      const v = maximize ? -values[k * size + j]! : values[k * size + j]!;
      const i = base + j;
      sum[i] = sum[i]! + v * v;
      param[i] = param[i]! - (clr * v) / (Math.sqrt(sum[i]!) + eps);
    }
  }
}

/** A sparse gradient, coalesced, as flat row numbers (over its sparse dims) and row values. */
function sparseRows(gradient: SparseTensor): { rows: Float64Array; values: FloatArray } {
  const g = gradient.coalesce();
  const [sparseDim, nnz] = g.indices.shape as [number, number];
  const indices = g.indices.toTypedArray();
  const rows = new Float64Array(nnz);
  for (let d = 0; d < sparseDim; d++) {
    for (let k = 0; k < nnz; k++) rows[k] = rows[k]! * g.shape[d]! + indices[d * nnz + k]!;
  }
  return { rows, values: g.values.toTypedArray() as FloatArray };
}

/**
 * Adagrad (Duchi, Hazan & Singer, 2011, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization"), as PyTorch's `torch.optim.Adagrad`. Unlike other optimizers its state
 * is created in the constructor, for every parameter: `step` and `sum` (filled with the
 * constructor's `initialAccumulatorValue`, as in PyTorch, whatever a group says). Sparse gradients
 * (an embedding's) update only the rows they name.
 *
 * @example
 * ```ts
 * const optimizer = new Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-3 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdagradOptions>>, options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, eps: 1e-10, weightDecay: 0, initialAccumulatorValue: 0, maximize: false, ...options });
    for (const group of this.paramGroups) {
      for (const p of group.params) this.stateOf(p, () => this.initialState(p, this.defaults.initialAccumulatorValue));
    }
  }

  private initialState(p: Tensor, value: number): Record<string, unknown> {
    return { step: stepTensor(), sum: full([...p.shape], value, { dtype: p.dtype }) };
  }

  protected override validate(group: AdagradOptions): void {
    checkNonNegative('learning rate', group.lr);
    checkNonNegative('lr_decay value', group.lrDecay);
    checkNonNegative('weight_decay value', group.weightDecay);
    checkNonNegative('initial_accumulator_value value', group.initialAccumulatorValue);
    checkNonNegative('epsilon value', group.eps);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      // Groups added after construction get their state here (PyTorch would fail on them).
      const state = this.stateOf(p, () => this.initialState(p, group.initialAccumulatorValue));
      const param = paramData('Adagrad', p);
      const sum = stateData(state['sum'] as Tensor);
      if (p.grad.isSparse) {
        if (group.weightDecay !== 0) throw new OptimError('weight_decay option is not compatible with sparse gradients');
        const t = incrementStep(state);
        const { rows, values } = sparseRows(p.grad as SparseTensor);
        adagradSparseUpdate(param, sum, rows, values, t, group);
      } else {
        const t = incrementStep(state);
        adagradUpdate(param, gradData(p), sum, t, group);
      }
      p.bumpVersion();
    }
  }
}
