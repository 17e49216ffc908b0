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
  const { lr, rho, eps, weightDecay, maximize } = o;
  // Δ is a float32 tensor in PyTorch, used twice: round it the same way.
  const round = param instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    squareAvg[i] = squareAvg[i]! * rho + (1 - rho) * g * g;
    const delta = round((Math.sqrt(accDelta[i]! + eps) / Math.sqrt(squareAvg[i]! + eps)) * g);
    accDelta[i] = accDelta[i]! * rho + (1 - rho) * delta * delta;
    param[i] = param[i]! - lr * delta;
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
