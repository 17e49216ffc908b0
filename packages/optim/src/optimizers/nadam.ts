import { scalarTensor, type Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';

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
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adamUpdate). There is always one block, as Π moves even without elements; Π is stored
  // after the last.
  let product = 0;
  let start = 0;
  do {
    const { lr, eps, weightDecay, momentumDecay } = o;
    const beta1 = o.betas[0];
    const beta2 = o.betas[1];
    // A multiply by 1/(1 − β₂ᵗ) where PyTorch divides saves a division per element (each costs
    // about 1 ms per 1M); d moves by about an ulp of a double, below float32's resolution.
    const bias2Inverse = 1 / (1 - beta2 ** t);
    const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
    product = muProduct instanceof Float32Array ? Math.fround(muProduct[0]! * mu) : muProduct[0]! * mu;
    const gradStep = (lr * (1 - mu)) / (1 - product);
    const momentumStep = (lr * muNext) / (1 - product * muNext);
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
      const denom = Math.sqrt(v * bias2Inverse) + eps;
      // Two in-place updates in PyTorch, each rounded to the parameter's dtype.
      const x1 = x - (gradStep * g) / denom;
      param[i] = (single ? Math.fround(x1) : x1) - (momentumStep * m) / denom;
    }
    start += 16_384;
  } while (start < param.length);
  muProduct[0] = product;
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
    validateAdam(group);
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
