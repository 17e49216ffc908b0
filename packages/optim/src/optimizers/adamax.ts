import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';

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
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adamUpdate).
  for (let start = 0; start < param.length; start += 16_384) {
    const { lr, eps, weightDecay } = o;
    const beta1 = o.betas[0];
    const beta2 = o.betas[1];
    const clr = lr / (1 - beta1 ** t);
    const maximize = Boolean(o.maximize);
    // Stored values used again are rounded to the arrays' dtype by hand.
    const single = param instanceof Float32Array;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = maximize ? -grad[i]! : grad[i]!;
      if (weightDecay !== 0) g += weightDecay * x;
      const m0 = expAvg[i]!;
      const m1 = m0 + (g - m0) * (1 - beta1);
      const m = single ? Math.fround(m1) : m1;
      const u1 = Math.max(expInf[i]! * beta2, Math.abs(g) + eps);
      const u = single ? Math.fround(u1) : u1;
      expAvg[i] = m;
      expInf[i] = u;
      param[i] = x - (clr * m) / u;
    }
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
    validateAdam(group);
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
