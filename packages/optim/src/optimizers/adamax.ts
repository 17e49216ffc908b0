import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkBetas, checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';

/** Adamax's hyperparameters (PyTorch's names in camelCase). */
export interface AdamaxOptions extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * One Adamax step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g + λθ;  m ← β₁m + (1 − β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − γ/(1 − β₁ᵗ) · m / u.
 *
 * ε goes inside the max (PyTorch's form), so u > 0 from the first step.
 */
export function adamaxUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expInf: FloatArray, t: number, o: AdamaxOptions): void {
  const { lr, eps, weightDecay, maximize } = o;
  const [beta1, beta2] = o.betas;
  const clr = lr / (1 - beta1 ** t);
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    expAvg[i] = expAvg[i]! + (g - expAvg[i]!) * (1 - beta1);
    expInf[i] = Math.max(expInf[i]! * beta2, Math.abs(g) + eps);
    param[i] = param[i]! - (clr * expAvg[i]!) / expInf[i]!;
  }
}

/**
 * Adamax (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", section 7.1): Adam
 * with the infinity norm in place of the second moment, as PyTorch's `torch.optim.Adamax`.
 * State: `step`, `exp_avg`, `exp_inf`.
 *
 * @example
 * ```ts
 * const optimizer = new Adamax(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdamaxOptions>>, options: Partial<AdamaxOptions> = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(group: AdamaxOptions): void {
    checkNonNegative('learning rate', group.lr);
    checkNonNegative('epsilon value', group.eps);
    checkBetas(group.betas);
    checkNonNegative('weight_decay value', group.weightDecay);
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'Adamax does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), exp_avg: zerosLikeParam(p), exp_inf: zerosLikeParam(p) }));
      const t = incrementStep(state);
      adamaxUpdate(paramData('Adamax', p), grad, stateData(state['exp_avg'] as Tensor), stateData(state['exp_inf'] as Tensor), t, group);
      p.bumpVersion();
    }
  }
}
