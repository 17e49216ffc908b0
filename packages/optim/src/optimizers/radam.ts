import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { decaySetup, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';

/** RAdam's hyperparameters (PyTorch's names in camelCase). */
export interface RAdamOptions extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** RAdamW: θ ← θ(1 − γλ) instead of the L2 term g ← g + λθ. */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/**
 * One RAdam step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g (+ λθ, or θ ← θ(1 − γλ) when decoupled);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 * m̂ ← m / (1 − β₁ᵗ);  ρ∞ = 2/(1 − β₂) − 1;  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ);
 * when ρₜ > 5: r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)), θ ← θ − γ·m̂·r·√(1 − β₂ᵗ)/(√v + ε);
 * otherwise (the variance is not yet tractable) θ ← θ − γ·m̂.
 */
export function radamUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, t: number, o: RAdamOptions): void {
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adamUpdate).
  for (let start = 0; start < param.length; start += 16_384) {
    const { lr, eps, weightDecay } = o;
    const beta1 = o.betas[0];
    const beta2 = o.betas[1];
    const bias1 = 1 - beta1 ** t;
    const bias2 = 1 - beta2 ** t;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * t * beta2 ** t) / bias2;
    const rectified = rhoT > 5;
    const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    const bias2Sqrt = Math.sqrt(bias2);
    const { decay, maximize, decoupled, coupled } = decaySetup(o);
    // Stored values used again are rounded to the arrays' dtype by hand.
    const single = param instanceof Float32Array;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = maximize ? -grad[i]! : grad[i]!;
      let x = param[i]!;
      if (decoupled) x = single ? Math.fround(x * decay) : x * decay;
      else if (coupled) g += weightDecay * x;
      const m0 = expAvg[i]!;
      const m1 = m0 + (g - m0) * (1 - beta1);
      const m = single ? Math.fround(m1) : m1;
      const v1 = expAvgSq[i]! * beta2 + (1 - beta2) * g * g;
      const v = single ? Math.fround(v1) : v1;
      expAvg[i] = m;
      expAvgSq[i] = v;
      const corrected = m / bias1;
      if (rectified) param[i] = x - ((corrected * lr * bias2Sqrt) / (Math.sqrt(v) + eps)) * rect;
      else param[i] = x - corrected * lr;
    }
  }
}

/**
 * RAdam (Liu et al., 2020, "On the Variance of the Adaptive Learning Rate and Beyond"): Adam
 * whose adaptive step is switched on, and rectified, once the variance of the adaptive learning
 * rate is tractable (ρₜ > 5), as PyTorch's `torch.optim.RAdam`; `decoupledWeightDecay` gives
 * RAdamW. State: `step`, `exp_avg`, `exp_avg_sq`.
 *
 * @example
 * ```ts
 * const optimizer = new RAdam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RAdamOptions>>, options: Partial<RAdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false, ...options });
  }

  protected override validate(group: RAdamOptions): void {
    validateAdam(group);
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'RAdam does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), exp_avg: zerosLikeParam(p), exp_avg_sq: zerosLikeParam(p) }));
      const t = incrementStep(state);
      radamUpdate(paramData('RAdam', p), grad, stateData(state['exp_avg'] as Tensor), stateData(state['exp_avg_sq'] as Tensor), t, group);
      p.bumpVersion();
    }
  }
}
