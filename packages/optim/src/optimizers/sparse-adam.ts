import type { SparseTensor, Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../optimizer.js';
import { checkBetas, checkNonNegative, type FloatArray, paramData, stateData, zerosLikeParam } from './common.js';

/** SparseAdam's hyperparameters (PyTorch's names in camelCase). */
export interface SparseAdamOptions extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  maximize: boolean;
}

/** A tensor's elements in logical (row-major) order, without copying when it is contiguous. */
function contiguousData(t: Tensor): ArrayLike<number> {
  const c = t.isContiguous() ? t : t.contiguous();
  return c.storage.data.subarray(c.offset, c.offset + c.numel()) as ArrayLike<number>;
}

/**
 * Where each block of a coalesced sparse gradient starts in its dense parameter, and the block
 * width: index k names the elements `offsets[k] … offsets[k] + width − 1`.
 */
function blockOffsets(shape: readonly number[], indices: Tensor): { offsets: Float64Array; width: number } {
  const [sparseDim = 0, nnz = 0] = indices.shape;
  let width = 1;
  for (let d = sparseDim; d < shape.length; d++) width *= shape[d]!;
  const idx = contiguousData(indices);
  const offsets = new Float64Array(nnz);
  let stride = width;
  for (let d = sparseDim - 1; d >= 0; d--) {
    for (let k = 0; k < nnz; k++) offsets[k]! += idx[d * nnz + k]! * stride;
    stride *= shape[d]!;
  }
  return { offsets, width };
}

/**
 * One SparseAdam step on flat arrays, in place, at step count `t`, touching only the blocks a
 * coalesced sparse gradient names (block k: `width` elements from `offsets[k]`, gradient values
 * `values[k·width …]`). For those entries:
 *
 * g ← ±g;  m ← m + (1 − β₁)(g − m);  v ← v + (1 − β₂)(g² − v);
 * θ ← θ − γ·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)   (ε is not bias-corrected, unlike Adam).
 *
 * Every other entry of θ, m and v stays as it is: no decay, no move, and no weight decay.
 */
export function sparseAdamUpdate(param: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, offsets: ArrayLike<number>, width: number, values: ArrayLike<number>, t: number, o: SparseAdamOptions): void {
  const { lr, eps, maximize } = o;
  const [beta1, beta2] = o.betas;
  const stepSize = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  for (let k = 0; k < offsets.length; k++) {
    const start = offsets[k]!;
    for (let j = 0; j < width; j++) {
      const i = start + j;
      const g = maximize ? -values[k * width + j]! : values[k * width + j]!;
      expAvg[i] = expAvg[i]! + (1 - beta1) * (g - expAvg[i]!);
      expAvgSq[i] = expAvgSq[i]! + (1 - beta2) * (g * g - expAvgSq[i]!);
      param[i] = param[i]! - (stepSize * expAvg[i]!) / (Math.sqrt(expAvgSq[i]!) + eps);
    }
  }
}

/**
 * SparseAdam, PyTorch's "lazy" Adam for sparse gradients (such as those of
 * `embedding(idx, weight, { sparse: true })`): only the moments and parameter entries the gradient
 * names are updated, so rows not looked up keep their state as it was. Gradients must be sparse;
 * parameters must be dense. State: `step` (a plain integer, as in PyTorch), `exp_avg`,
 * `exp_avg_sq` (dense). Adam is Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization".
 *
 * @example
 * ```ts
 * const optimizer = new SparseAdam([table], { lr: 0.01 });
 * embedding(idx, table, { sparse: true }).sum().backward();
 * optimizer.step();
 * ```
 */
export class SparseAdam extends Optimizer<SparseAdamOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<SparseAdamOptions>>, options: Partial<SparseAdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, maximize: false, ...options });
    const sparse: [number, number][] = [];
    this.paramGroups.forEach((group, g) => group.params.forEach((p, i) => p.isSparse && sparse.push([g, i])));
    if (sparse.length > 0) {
      throw new OptimError(`Sparse params at indices [${sparse.map(([g, i]) => `[${g}, ${i}]`).join(', ')}]: SparseAdam requires dense parameter tensors`);
    }
  }

  protected override validate(group: SparseAdamOptions): void {
    checkNonNegative('learning rate', group.lr, true);
    checkNonNegative('epsilon value', group.eps, true);
    checkBetas(group.betas);
  }

  /** SparseAdam keeps `step` as a plain integer, as PyTorch does. */
  protected override stepIsTensor(): boolean {
    return false;
  }

  /** A `step` saved as a tensor becomes the integer SparseAdam keeps. */
  protected override upgradeState(entry: ParamState): ParamState {
    const step = entry['step'];
    if (step !== null && typeof step === 'object' && 'item' in step) entry['step'] = Number((step as Tensor).item());
    return entry;
  }

  protected updateGroup(group: ParamGroup<SparseAdamOptions>): void {
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      if (!grad.isSparse) throw new OptimError('SparseAdam does not support dense gradients, please consider Adam instead');
      const state = this.stateOf(p, () => ({ step: 0, exp_avg: zerosLikeParam(p), exp_avg_sq: zerosLikeParam(p) }));
      const t = (state['step'] as number) + 1;
      state['step'] = t;
      // The update is not linear in g, so duplicate indices must be summed first.
      const coalesced = (grad as SparseTensor).coalesce();
      if (coalesced.values.numel() === 0) continue;
      const { offsets, width } = blockOffsets(p.shape, coalesced.indices);
      sparseAdamUpdate(paramData('SparseAdam', p), stateData(state['exp_avg'] as Tensor), stateData(state['exp_avg_sq'] as Tensor), offsets, width, contiguousData(coalesced.values), t, group);
      p.bumpVersion();
    }
  }
}
