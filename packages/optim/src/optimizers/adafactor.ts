import { type Tensor, zeros } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';
import { lerp, roundingFor } from './rounding.js';

/** Adafactor's hyperparameters (PyTorch's names in camelCase). */
export interface AdafactorOptions extends Record<string, unknown> {
  /** Caps the relative step size ρₜ = min(γ, 1/√t) and scales the weight decay. */
  lr: number;
  /** τ in 1 − β̂₂ₜ = t^τ (≤ 0). */
  beta2Decay: number;
  /** [ε₁, ε₂]: ε₁ floors the second-moment estimate (null: the dtype's machine epsilon), ε₂ the parameter RMS. */
  eps: [number | null, number];
  /** The update-clipping threshold (≥ 1). */
  d: number;
  weightDecay: number;
  maximize: boolean;
}

/** The float formats' machine epsilon (PyTorch's `torch.finfo(dtype).eps`). */
const MACHINE_EPSILON = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** The second-moment state of one parameter: row and column factors for matrices, a full one otherwise. */
export type AdafactorMoments =
  | { kind: 'factored'; rowVar: FloatArray; colVar: FloatArray; rows: number; cols: number }
  | { kind: 'full'; variance: FloatArray };

/** √(Σx²) of `values` (accumulated in double). */
function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/**
 * One Adafactor step on flat arrays, in place, at step count `t`, with ε₁ resolved to a number:
 *
 * G ← ±g;  1 − β̂₂ₜ ← t^τ;  ρₜ ← min(γ, 1/√t);  αₜ ← max(ε₂, RMS(θ))·ρₜ;  θ ← θ(1 − γλ);
 * matrices (over the last two dims): R ← β̂₂R + (1 − β̂₂)·mean_cols(G²), C ← β̂₂C + (1 − β̂₂)·mean_rows(G²),
 * V̂ ← R·C / max(mean(R), ε₁);  vectors: V̂ ← β̂₂V̂ + (1 − β̂₂)G²;
 * U ← G / √max(V̂, ε₁²);  θ ← θ − αₜ·U / max(1, RMS(U)/d).
 *
 * Means stand for the paper's sums (the same estimate, better conditioned), as in PyTorch.
 */
export function adafactorUpdate(param: FloatArray, grad: FloatArray, moments: AdafactorMoments, t: number, eps1: number, o: AdafactorOptions): void {
  const { lr, beta2Decay, d, weightDecay, maximize } = o;
  const eps2 = o.eps[1];
  const round = roundingFor(param);
  const n = param.length;
  const weight = round(t ** beta2Decay);
  const rho = Math.min(lr, 1 / Math.sqrt(t));
  const alpha = Math.max(eps2, round(norm(param)) / Math.sqrt(n)) * rho;
  if (weightDecay !== 0) {
    const decay = round(1 - lr * weightDecay);
    for (let i = 0; i < n; i++) param[i] = param[i]! * decay;
  }
  const sign = maximize ? -1 : 1;
  const update = param instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  if (moments.kind === 'factored') {
    const { rowVar, colVar, rows, cols } = moments;
    const floor = round(eps1);
    for (let base = 0, r0 = 0, c0 = 0; base < n; base += rows * cols, r0 += rows, c0 += cols) {
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += grad[base + r * cols + c]! ** 2;
        const rowNorm = round(Math.sqrt(sum));
        rowVar[r0 + r] = lerp(rowVar[r0 + r]!, round(round(rowNorm * rowNorm) / cols), weight, round);
      }
      for (let c = 0; c < cols; c++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += grad[base + r * cols + c]! ** 2;
        const colNorm = round(Math.sqrt(sum));
        colVar[c0 + c] = lerp(colVar[c0 + c]!, round(round(colNorm * colNorm) / rows), weight, round);
      }
      let rowSum = 0;
      for (let r = 0; r < rows; r++) rowSum = round(rowSum + rowVar[r0 + r]!);
      const rowMean = Math.max(round(rowSum / rows), floor);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) update[base + r * cols + c] = round(rowVar[r0 + r]! * colVar[c0 + c]!) / rowMean;
      }
    }
  } else {
    const { variance } = moments;
    for (let i = 0; i < n; i++) {
      variance[i] = lerp(variance[i]!, round(grad[i]! * grad[i]!), weight, round);
      update[i] = variance[i]!;
    }
  }
  const floorSquared = round(eps1 * eps1);
  for (let i = 0; i < n; i++) update[i] = round(1 / round(Math.sqrt(Math.max(update[i]!, floorSquared)))) * sign * grad[i]!;
  const denom = Math.max(1, round(norm(update)) / (Math.sqrt(n) * d));
  const step = round(-alpha / denom);
  for (let i = 0; i < n; i++) param[i] = param[i]! + step * update[i]!;
}

/**
 * Adafactor (Shazeer & Stern, 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
 * Cost"), as PyTorch's `torch.optim.Adafactor`: no first moment, a second moment that for a
 * matrix keeps only its row and column means (O(n + m) memory instead of O(nm)), a relative step
 * size scaled by the parameter's RMS, and update clipping. As in PyTorch, `lr` caps the relative
 * step (the paper fixes 0.01), weight decay is decoupled and scaled by `lr`, and ε₁ is applied to
 * the estimate rather than to the squared gradient.
 *
 * State: `step`, and `row_var` [..., R, 1] and `col_var` [..., 1, C] for parameters of two or more
 * dims (factored over the last two) or `variance` for vectors and scalars.
 *
 * @example
 * ```ts
 * const optimizer = new Adafactor(model.parameters(), { lr: 1e-2 });
 * ```
 */
export class Adafactor extends Optimizer<AdafactorOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdafactorOptions>>, options: Partial<AdafactorOptions> = {}) {
    super(params, { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(group: AdafactorOptions): void {
    const [eps1, eps2] = group.eps;
    if (!(group.lr >= 0)) throw new OptimError(`Learning rate should be >= 0 but is: ${String(group.lr)}`);
    if (!(group.beta2Decay <= 0)) throw new OptimError(`beta2_decay should be <= 0 but is: ${String(group.beta2Decay)}`);
    if (eps1 !== null && !(eps1 >= 0)) throw new OptimError(`epsilon1 should be >= 0 but is: ${String(eps1)}`);
    if (!(eps2 >= 0)) throw new OptimError(`epsilon2 should be >= 0 but is: ${String(eps2)}`);
    if (!(group.d >= 1)) throw new OptimError(`Clipping threshold d should be >= 1 but is: ${String(group.d)}`);
    if (!(group.weightDecay >= 0)) throw new OptimError(`weight_decay should be >= 0 but is: ${String(group.weightDecay)}`);
  }

  protected updateGroup(group: ParamGroup<AdafactorOptions>): void {
    // PyTorch resolves a null ε₁ from the first parameter with a gradient and keeps it for the group.
    let eps1 = group.eps[0];
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'Adafactor does not support sparse gradients');
      const param = paramData('Adafactor', p);
      eps1 ??= MACHINE_EPSILON[p.dtype as 'float32' | 'float64'];
      const state = this.stateOf(p, () => initialState(p));
      const t = incrementStep(state);
      adafactorUpdate(param, grad, moments(p, state), t, eps1, group);
      p.bumpVersion();
    }
  }
}

/** `step`, then `row_var` and `col_var` for two or more dims, or `variance`. */
function initialState(p: Tensor): Record<string, unknown> {
  if (p.ndim < 2) return { step: stepTensor(), variance: zerosLikeParam(p) };
  const shape = [...p.shape];
  return {
    step: stepTensor(),
    row_var: zeros([...shape.slice(0, -1), 1], { dtype: p.dtype }),
    col_var: zeros([...shape.slice(0, -2), 1, shape[shape.length - 1]!], { dtype: p.dtype }),
  };
}

function moments(p: Tensor, state: Record<string, unknown>): AdafactorMoments {
  if (p.ndim < 2) return { kind: 'full', variance: stateData(state['variance'] as Tensor) };
  return {
    kind: 'factored',
    rowVar: stateData(state['row_var'] as Tensor),
    colVar: stateData(state['col_var'] as Tensor),
    rows: p.shape[p.ndim - 2]!,
    cols: p.shape[p.ndim - 1]!,
  };
}
