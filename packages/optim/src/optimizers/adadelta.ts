import type { Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';

/** Adadelta's hyperparameters (PyTorch's names in camelCase). */
export interface AdadeltaOptions extends Record<string, unknown> {
  /** Scales the step; Adadelta needs none, so it is 1 by default. */
  lr: number;
  /** The decay ρ of both running averages. */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * One Adadelta step on flat arrays, in place:
 *
 * g ← ±g + λθ;  v ← ρv + (1 − ρ)g²;  Δ ← √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − γΔ.
 *
 * `squareAvg` is v, `accDelta` is u.
 */
export function adadeltaUpdate(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, accDelta: FloatArray, o: AdadeltaOptions): void {
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adamUpdate).
  for (let start = 0; start < param.length; start += 16_384) {
    const { lr, rho, eps, weightDecay } = o;
    const maximize = Boolean(o.maximize);
    // Stored values used again (v, and Δ, a float32 tensor in PyTorch) are rounded to the dtype
    // by hand.
    const single = param instanceof Float32Array;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = maximize ? -grad[i]! : grad[i]!;
      if (weightDecay !== 0) g += weightDecay * x;
      const v1 = squareAvg[i]! * rho + (1 - rho) * g * g;
      const v = single ? Math.fround(v1) : v1;
      squareAvg[i] = v;
      const u = accDelta[i]!;
      const delta1 = (Math.sqrt(u + eps) / Math.sqrt(v + eps)) * g;
      const delta = single ? Math.fround(delta1) : delta1;
      accDelta[i] = u * rho + (1 - rho) * delta * delta;
      param[i] = x - lr * delta;
    }
  }
}

/**
 * Adadelta (Zeiler, 2012, "ADADELTA: An Adaptive Learning Rate Method"), as PyTorch's
 * `torch.optim.Adadelta`. State: `step`, `square_avg`, `acc_delta`.
 *
 * @example
 * ```ts
 * const optimizer = new Adadelta(model.parameters(), { rho: 0.95 });
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdadeltaOptions>>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(group: AdadeltaOptions): void {
    checkNonNegative('learning rate', group.lr);
    if (typeof group.rho !== 'number' || !(group.rho >= 0 && group.rho <= 1)) throw new OptimError(`Invalid rho value: ${String(group.rho)}`);
    checkNonNegative('epsilon value', group.eps);
    checkNonNegative('weight_decay value', group.weightDecay);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'Adadelta does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), square_avg: zerosLikeParam(p), acc_delta: zerosLikeParam(p) }));
      incrementStep(state);
      adadeltaUpdate(paramData('Adadelta', p), grad, stateData(state['square_avg'] as Tensor), stateData(state['acc_delta'] as Tensor), group);
      p.bumpVersion();
    }
  }
}
