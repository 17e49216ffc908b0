import { scalarTensor, type Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../optimizer.js';
import { checkBetas, checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';

/** NAdam's hyperparameters (PyTorch's names in camelCase). */
export interface NAdamOptions extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** ψ in the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)). */
  momentumDecay: number;
  /** NAdamW: θ ← θ(1 − γλ) instead of the L2 term g ← g + λθ. */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/**
 * One NAdam step on flat arrays, in place, at step count `t`. `muProduct` is the one-element
 * running product Πμ (a float32 tensor in PyTorch, so it is read back after each update):
 *
 * g ← ±g (+ λθ, or θ ← θ(1 − γλ) when decoupled);  μₜ = β₁(1 − ½·0.96^(tψ));  Π ← Π·μₜ;
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  d ← √(v / (1 − β₂ᵗ)) + ε;
 * θ ← θ − γ(1 − μₜ)/(1 − Π) · g/d − γμₜ₊₁/(1 − Π·μₜ₊₁) · m/d.
 */
export function nadamUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, muProduct: FloatArray, t: number, o: NAdamOptions): void {
  const { lr, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize } = o;
  const [beta1, beta2] = o.betas;
  const bias2 = 1 - beta2 ** t;
  const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
  const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
  muProduct[0] = muProduct[0]! * mu;
  const product = muProduct[0]!;
  const gradStep = (lr * (1 - mu)) / (1 - product);
  const momentumStep = (lr * muNext) / (1 - product * muNext);
  const decay = decoupledWeightDecay ? 1 - lr * weightDecay : 1;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) {
      if (decoupledWeightDecay) param[i] = param[i]! * decay;
      else g += weightDecay * param[i]!;
    }
    expAvg[i] = expAvg[i]! + (g - expAvg[i]!) * (1 - beta1);
    expAvgSq[i] = expAvgSq[i]! * beta2 + (1 - beta2) * g * g;
    const denom = Math.sqrt(expAvgSq[i]! / bias2) + eps;
    // Two in-place updates in PyTorch, each rounded to the parameter's dtype.
    param[i] = param[i]! - (gradStep * g) / denom;
    param[i] = param[i]! - (momentumStep * expAvg[i]!) / denom;
  }
}

/**
 * NAdam (Dozat, 2016, "Incorporating Nesterov Momentum into Adam"), with the momentum schedule
 * of the paper, as PyTorch's `torch.optim.NAdam`; `decoupledWeightDecay` gives NAdamW. State:
 * `step`, `mu_product` (a 0-d float32 tensor starting at 1), `exp_avg`, `exp_avg_sq`.
 *
 * @example
 * ```ts
 * const optimizer = new NAdam(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<NAdamOptions>>, options: Partial<NAdamOptions> = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false, ...options });
  }

  protected override validate(group: NAdamOptions): void {
    checkNonNegative('learning rate', group.lr);
    checkNonNegative('epsilon value', group.eps);
    checkBetas(group.betas);
    checkNonNegative('weight_decay value', group.weightDecay);
    checkNonNegative('momentum_decay value', group.momentumDecay);
  }

  /** Older checkpoints may hold `mu_product` as a plain number. */
  protected override upgradeState(entry: ParamState): ParamState {
    if (typeof entry['mu_product'] === 'number') entry['mu_product'] = scalarTensor(entry['mu_product'], 'float32');
    return super.upgradeState(entry);
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'NAdam does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), mu_product: scalarTensor(1, 'float32'), exp_avg: zerosLikeParam(p), exp_avg_sq: zerosLikeParam(p) }));
      const t = incrementStep(state);
      const muProduct = state['mu_product'] as Tensor;
      nadamUpdate(paramData('NAdam', p), grad, stateData(state['exp_avg'] as Tensor), stateData(state['exp_avg_sq'] as Tensor), stateData(muProduct), t, group);
      muProduct.bumpVersion();
      p.bumpVersion();
    }
  }
}
