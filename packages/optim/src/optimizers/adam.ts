import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkBetas, checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';

/** Adam's hyperparameters (PyTorch's names in camelCase). */
export interface AdamOptions extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW's decoupled weight decay θ ← θ(1 − γλ) instead of the L2 term g ← g + λθ. */
  decoupledWeightDecay: boolean;
}

/**
 * One Adam step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g (+ λθ, or θ ← θ(1 − γλ) when decoupled);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 * v̂ ← max(v̂, v) with AMSGrad;  θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
 */
export function adamUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null, t: number, o: AdamOptions): void {
  const { lr, eps, weightDecay, maximize, decoupledWeightDecay } = o;
  const [beta1, beta2] = o.betas;
  const stepSize = lr / (1 - beta1 ** t);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** t);
  const decay = decoupledWeightDecay ? 1 - lr * weightDecay : 1;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) {
      if (decoupledWeightDecay) param[i] = param[i]! * decay;
      else g += weightDecay * param[i]!;
    }
    expAvg[i] = expAvg[i]! + (g - expAvg[i]!) * (1 - beta1);
    expAvgSq[i] = expAvgSq[i]! * beta2 + (1 - beta2) * g * g;
    let v = expAvgSq[i]!;
    if (maxExpAvgSq !== null) {
      if (v > maxExpAvgSq[i]!) maxExpAvgSq[i] = v;
      v = maxExpAvgSq[i]!;
    }
    param[i] = param[i]! - (stepSize * expAvg[i]!) / (Math.sqrt(v) / bias2Sqrt + eps);
  }
}

/** Checks Adam-family options with PyTorch's messages. */
export function validateAdam(group: AdamOptions): void {
  checkNonNegative('learning rate', group.lr);
  checkNonNegative('epsilon value', group.eps);
  checkBetas(group.betas);
  checkNonNegative('weight_decay value', group.weightDecay);
}

/**
 * Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization"), with AMSGrad (Reddi et
 * al., 2018) and, through `decoupledWeightDecay`, AdamW. State: `step`, `exp_avg`, `exp_avg_sq`,
 * and `max_exp_avg_sq` with AMSGrad.
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdamOptions>>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false, ...options });
  }

  protected override validate(group: AdamOptions): void {
    validateAdam(group);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, `${this.constructor.name} does not support sparse gradients, please consider SparseAdam instead`);
      const state = this.stateOf(p, () => ({
        step: stepTensor(),
        exp_avg: zerosLikeParam(p),
        exp_avg_sq: zerosLikeParam(p),
        ...(group.amsgrad ? { max_exp_avg_sq: zerosLikeParam(p) } : {}),
      }));
      if (group.amsgrad && state['max_exp_avg_sq'] === undefined) state['max_exp_avg_sq'] = zerosLikeParam(p);
      const t = incrementStep(state);
      const max = group.amsgrad ? stateData(state['max_exp_avg_sq'] as Tensor) : null;
      adamUpdate(paramData(this.constructor.name, p), grad, stateData(state['exp_avg'] as Tensor), stateData(state['exp_avg_sq'] as Tensor), max, t, group);
      p.bumpVersion();
    }
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization"): Adam with weight
 * decay applied to the parameters directly, θ ← θ(1 − γλ), default λ = 0.01.
 */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdamOptions>>, options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options, decoupledWeightDecay: true });
  }
}
