import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { decaySetup, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';

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
  // The loop runs in blocks of 2¹⁴ elements, and each block reads the options again. On a first
  // call over a large array V8 compiles the loop while it runs (on-stack replacement), before the
  // lines above it have recorded type feedback; compiled without that feedback, the function
  // deoptimizes on its second call and later calls stay in the slower on-stack code (+2 ms per 1M
  // elements). From the second block on those lines run again and record it, so keep all set-up
  // inside the block. The inner loop tests `i < param.length` first: with that check at its head,
  // V8 computes the set-up once per block, and without it may redo it for every element (Adamax
  // took 40 ms instead of 3).
  for (let start = 0; start < param.length; start += 16_384) {
    const { lr, eps, weightDecay } = o;
    const beta1 = o.betas[0];
    const beta2 = o.betas[1];
    const stepSize = lr / (1 - beta1 ** t);
    // A multiply by 1/√(1 − β₂ᵗ) where PyTorch divides saves a division per element (each costs
    // about 1 ms per 1M); the step moves by about an ulp of a double, below float32's resolution.
    const bias2SqrtInverse = 1 / Math.sqrt(1 - beta2 ** t);
    const { decay, maximize, decoupled, coupled } = decaySetup(o);
    // Each element is read once; a value that is stored and used again is rounded to the arrays'
    // dtype by hand, as reading it back would.
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
      let v = single ? Math.fround(v1) : v1;
      expAvg[i] = m;
      expAvgSq[i] = v;
      if (maxExpAvgSq !== null) {
        const max = maxExpAvgSq[i]!;
        if (v > max) maxExpAvgSq[i] = v;
        else v = max;
      }
      param[i] = x - (stepSize * m) / (Math.sqrt(v) * bias2SqrtInverse + eps);
    }
  }
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
