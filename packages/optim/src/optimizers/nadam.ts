import { scalarTensor, type Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, firstMomentFloat32, gradData, incrementStep, lerpSetup, paramData, secondMomentFloat32, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';
import { identity, roundingFor } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

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
 * The scalars of a NAdam step at step count `t`, each rounded by `round` as PyTorch's ops round
 * them, and Π·μₜ, the new `mu_product` (rounded to its own dtype: float32 in PyTorch).
 */
function nadamConstants(t: number, o: NAdamOptions, muProduct: FloatArray, round: (v: number) => number) {
  const { sign, decay, weightDecay, decoupled, coupled } = decaySetup(o, round);
  const { lerpSmall, lerpCoefficient } = lerpSetup(1 - o.betas[0], round);
  const { lr, momentumDecay } = o;
  const beta1 = o.betas[0];
  const beta2 = o.betas[1];
  const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
  const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
  const roundProduct = roundingFor(muProduct);
  const product = roundProduct(muProduct[0]! * roundProduct(mu));
  return {
    sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, product,
    beta2: round(beta2),
    weight2: round(1 - beta2),
    bias2: round(1 - beta2 ** t),
    eps: round(o.eps),
    gradientStep: round((-lr * (1 - mu)) / (1 - product)),
    momentumStep: round((-lr * muNext) / (1 - product * muNext)),
  };
}

/**
 * One NAdam step on flat arrays, in place, at step count `t`. `muProduct` is the one-element
 * running product Πμ (a float32 tensor in PyTorch, so it is read back after each update):
 *
 * g ← ±g (+ λθ, or θ ← θ(1 − γλ) when decoupled);  μₜ = β₁(1 − ½·0.96^(tψ));  Π ← Π·μₜ;
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  d ← √(v / (1 − β₂ᵗ)) + ε;
 * θ ← θ − γ(1 − μₜ)/(1 − Π) · g/d − γμₜ₊₁/(1 − Π·μₜ₊₁) · m/d.
 *
 * Float32 arrays run in the WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`),
 * else in {@link nadamFloat32Loop}, which gives the same bits: each operation rounded to float32,
 * in PyTorch's order. Float64 ones run in a loop in doubles.
 */
export function nadamUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, muProduct: FloatArray, t: number, o: NAdamOptions): void {
  if (!(param instanceof Float32Array)) {
    nadamFloat64Loop(param, grad, expAvg, expAvgSq, muProduct, t, o);
    return;
  }
  const c = nadamConstants(t, o, muProduct, Math.fround);
  const ran = runFloat32Kernel([param, grad, expAvg, expAvgSq], (kernels, n) =>
    kernels.nadam(n, c.sign, c.decay, c.weightDecay, c.lerpCoefficient, c.beta2, c.weight2, c.bias2, c.eps, c.gradientStep, c.momentumStep, Number(c.decoupled), Number(c.coupled), Number(c.lerpSmall)));
  if (ran) muProduct[0] = c.product;
  else nadamFloat32Loop(param, grad, expAvg, expAvgSq, muProduct, t, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts). There is always one
// block, as Π moves even without elements; Π is stored after the last.

/**
 * {@link nadamUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function nadamFloat32Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, muProduct: FloatArray, t: number, o: NAdamOptions): void {
  let product = 0;
  let start = 0;
  do {
    const c = nadamConstants(t, o, muProduct, Math.fround);
    product = c.product;
    const { sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, beta2, weight2, bias2, eps, gradientStep, momentumStep } = c;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      let x = param[i]!;
      if (decoupled) x = Math.fround(x * decay);
      else if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      const m0 = expAvg[i]!;
      const m = firstMomentFloat32(m0, g, lerpSmall, lerpCoefficient);
      const v = secondMomentFloat32(expAvgSq[i]!, g, beta2, weight2);
      expAvg[i] = m;
      expAvgSq[i] = v;
      const d = Math.fround(Math.fround(Math.sqrt(Math.fround(v / bias2))) + eps);
      // Two in-place updates in PyTorch (`addcdiv_` twice), each rounded.
      x = Math.fround(x + Math.fround(Math.fround(gradientStep * g) / d));
      param[i] = x + Math.fround(Math.fround(momentumStep * m) / d);
    }
    start += 16_384;
  } while (start < param.length);
  muProduct[0] = product;
}

/**
 * {@link nadamUpdate} on float64 arrays, in doubles. It multiplies by 1/(1 − β₂ᵗ) where PyTorch
 * divides, which saves a division per element (about 1 ms per 1M) and moves d by about an ulp of
 * a double.
 */
function nadamFloat64Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, muProduct: FloatArray, t: number, o: NAdamOptions): void {
  let product = 0;
  let start = 0;
  do {
    const c = nadamConstants(t, o, muProduct, identity);
    product = c.product;
    const { sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, beta2, weight2, bias2, eps, gradientStep, momentumStep } = c;
    const bias2Inverse = 1 / bias2;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      let x = param[i]!;
      if (decoupled) x *= decay;
      else if (coupled) g += weightDecay * x;
      const m0 = expAvg[i]!;
      const m = (lerpSmall ? m0 : g) + lerpCoefficient * (g - m0);
      const v = expAvgSq[i]! * beta2 + weight2 * g * g;
      expAvg[i] = m;
      expAvgSq[i] = v;
      const d = Math.sqrt(v * bias2Inverse) + eps;
      param[i] = x + (gradientStep * g) / d + (momentumStep * m) / d;
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
