import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { decaySetup, type FloatArray, firstMomentFloat32, gradData, incrementStep, lerpSetup, paramData, secondMomentFloat32, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

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

/** The scalars of an Adam step at step count `t`, each rounded by `round` as PyTorch's ops round them. */
function adamConstants(t: number, o: AdamOptions, round: (v: number) => number) {
  const { sign, decay, weightDecay, decoupled, coupled } = decaySetup(o, round);
  const { lerpSmall, lerpCoefficient } = lerpSetup(1 - o.betas[0], round);
  const beta2 = o.betas[1];
  return {
    sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient,
    beta2: round(beta2),
    weight2: round(1 - beta2),
    bias2Sqrt: round(Math.sqrt(1 - beta2 ** t)),
    eps: round(o.eps),
    negativeStep: round(-(o.lr / (1 - o.betas[0] ** t))),
  };
}

/**
 * One Adam step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g (+ λθ, or θ ← θ(1 − γλ) when decoupled);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 * v̂ ← max(v̂, v) with AMSGrad;  θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
 *
 * Float32 arrays run in the WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`),
 * else in {@link adamFloat32Loop}, which gives the same bits: each operation rounded to float32,
 * in the order of PyTorch's (`lerp_`, `mul_`, `addcmul_`, `sqrt`, `div`, `add_`, `addcdiv_`).
 * Float64 ones run in a loop in doubles.
 */
export function adamUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null, t: number, o: AdamOptions): void {
  if (!(param instanceof Float32Array)) {
    adamFloat64Loop(param, grad, expAvg, expAvgSq, maxExpAvgSq, t, o);
    return;
  }
  const c = adamConstants(t, o, Math.fround);
  const amsgrad = Number(maxExpAvgSq !== null);
  const ran = runFloat32Kernel([param, grad, expAvg, expAvgSq, maxExpAvgSq], (kernels, n) =>
    kernels.adam(n, c.sign, c.decay, c.weightDecay, c.lerpCoefficient, c.beta2, c.weight2, c.bias2Sqrt, c.eps, c.negativeStep, Number(c.decoupled), Number(c.coupled), Number(c.lerpSmall), amsgrad));
  if (!ran) adamFloat32Loop(param, grad, expAvg, expAvgSq, maxExpAvgSq, t, o);
}

// The loops run in blocks of 2¹⁴ elements, and each block reads the options again. On a first call
// over a large array V8 compiles the loop while it runs (on-stack replacement), before the lines
// above it have recorded type feedback; compiled without that feedback, the function deoptimizes
// on its second call and later calls stay in the slower on-stack code (+2 ms per 1M elements).
// From the second block on those lines run again and record it, so keep all set-up inside the
// block. The inner loop tests `i < param.length` first: with that check at its head, V8 computes
// the set-up once per block, and without it may redo it for every element (Adamax took 40 ms
// instead of 3). The float32 loop calls Math.fround by name for each operation: a rounding
// function passed in as a value is not inlined once a loop has seen two of them, and costs 10×.

/**
 * {@link adamUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function adamFloat32Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null, t: number, o: AdamOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, beta2, weight2, bias2Sqrt, eps, negativeStep } = adamConstants(t, o, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      let x = param[i]!;
      if (decoupled) x = Math.fround(x * decay);
      else if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      const m0 = expAvg[i]!;
      const m = firstMomentFloat32(m0, g, lerpSmall, lerpCoefficient);
      let v = secondMomentFloat32(expAvgSq[i]!, g, beta2, weight2);
      expAvg[i] = m;
      expAvgSq[i] = v;
      if (maxExpAvgSq !== null) {
        v = Math.max(maxExpAvgSq[i]!, v);
        maxExpAvgSq[i] = v;
      }
      const denominator = Math.fround(Math.fround(Math.fround(Math.sqrt(v)) / bias2Sqrt) + eps);
      param[i] = x + Math.fround(Math.fround(negativeStep * m) / denominator);
    }
  }
}

/**
 * {@link adamUpdate} on float64 arrays, in doubles. It multiplies by 1/√(1 − β₂ᵗ) where PyTorch
 * divides, which saves a division per element (about 1 ms per 1M) and moves the step by about an
 * ulp of a double.
 */
function adamFloat64Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null, t: number, o: AdamOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, beta2, weight2, bias2Sqrt, eps, negativeStep } = adamConstants(t, o, identity);
    const bias2SqrtInverse = 1 / bias2Sqrt;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      let x = param[i]!;
      if (decoupled) x *= decay;
      else if (coupled) g += weightDecay * x;
      const m0 = expAvg[i]!;
      const m = (lerpSmall ? m0 : g) + lerpCoefficient * (g - m0);
      let v = expAvgSq[i]! * beta2 + weight2 * g * g;
      expAvg[i] = m;
      expAvgSq[i] = v;
      if (maxExpAvgSq !== null) {
        v = Math.max(maxExpAvgSq[i]!, v);
        maxExpAvgSq[i] = v;
      }
      param[i] = x + (negativeStep * m) / (Math.sqrt(v) * bias2SqrtInverse + eps);
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
