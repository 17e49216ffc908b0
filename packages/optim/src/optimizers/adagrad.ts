import { full, type SparseTensor, type Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

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

/** The scalars of a dense Adagrad step at step count `t`, each rounded by `round` as PyTorch's ops round them. */
function adagradConstants(t: number, o: AdagradOptions, round: (v: number) => number) {
  const { sign, weightDecay, coupled } = decaySetup(o, round);
  return { sign, weightDecay, coupled, eps: round(o.eps), negativeStep: round(-decayedLr(t, o)) };
}

/**
 * One Adagrad step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g + λθ;  γ̃ ← γ / (1 + (t − 1)η);  s ← s + g²;  θ ← θ − γ̃ · g / (√s + ε).
 *
 * Each operation is rounded to the parameter's dtype, in PyTorch's order. Float32 arrays run in
 * the WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`), else in
 * {@link adagradFloat32Loop}, which gives the same bits; float64 ones in a loop in doubles.
 */
export function adagradUpdate(param: FloatArray, grad: FloatArray, sum: FloatArray, t: number, o: AdagradOptions): void {
  if (!(param instanceof Float32Array)) {
    adagradFloat64Loop(param, grad, sum, t, o);
    return;
  }
  const c = adagradConstants(t, o, Math.fround);
  const ran = runFloat32Kernel([param, grad, sum], (kernels, n) => kernels.adagrad(n, c.sign, c.weightDecay, c.eps, c.negativeStep, Number(c.coupled)));
  if (!ran) adagradFloat32Loop(param, grad, sum, t, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link adagradUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function adagradFloat32Loop(param: FloatArray, grad: FloatArray, sum: FloatArray, t: number, o: AdagradOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, eps, negativeStep } = adagradConstants(t, o, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      const s = Math.fround(sum[i]! + Math.fround(g * g));
      sum[i] = s;
      param[i] = x + Math.fround(Math.fround(negativeStep * g) / Math.fround(Math.fround(Math.sqrt(s)) + eps));
    }
  }
}

/** {@link adagradUpdate} on float64 arrays, in doubles. */
function adagradFloat64Loop(param: FloatArray, grad: FloatArray, sum: FloatArray, t: number, o: AdagradOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, eps, negativeStep } = adagradConstants(t, o, identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g += weightDecay * x;
      const s = sum[i]! + g * g;
      sum[i] = s;
      param[i] = x + (negativeStep * g) / (Math.sqrt(s) + eps);
    }
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
