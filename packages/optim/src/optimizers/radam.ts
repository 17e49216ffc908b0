import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { decaySetup, type FloatArray, firstMomentFloat32, gradData, incrementStep, lerpSetup, paramData, secondMomentFloat32, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

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

/** The scalars of an RAdam step at step count `t`, each rounded by `round` as PyTorch's ops round them. */
function radamConstants(t: number, o: RAdamOptions, round: (v: number) => number) {
  const { sign, decay, weightDecay, decoupled, coupled } = decaySetup(o, round);
  const { lerpSmall, lerpCoefficient } = lerpSetup(1 - o.betas[0], round);
  const beta2 = o.betas[1];
  const bias2 = 1 - beta2 ** t;
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * t * beta2 ** t) / bias2;
  const rectified = rhoT > 5;
  return {
    sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, rectified,
    beta2: round(beta2),
    weight2: round(1 - beta2),
    bias1: round(1 - o.betas[0] ** t),
    lr: round(o.lr),
    bias2Sqrt: round(Math.sqrt(bias2)),
    eps: round(o.eps),
    rect: rectified ? round(Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT))) : 0,
  };
}

/**
 * One RAdam step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g (+ λθ, or θ ← θ(1 − γλ) when decoupled);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 * m̂ ← m / (1 − β₁ᵗ);  ρ∞ = 2/(1 − β₂) − 1;  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ);
 * when ρₜ > 5: r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)), θ ← θ − γ·m̂·√(1 − β₂ᵗ)/(√v + ε)·r;
 * otherwise (the variance is not yet tractable) θ ← θ − γ·m̂.
 *
 * Each operation is rounded to the parameter's dtype, in PyTorch's order. Float32 arrays run in
 * the WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`), else in
 * {@link radamFloat32Loop}, which gives the same bits; float64 ones in a loop in doubles.
 */
export function radamUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, t: number, o: RAdamOptions): void {
  if (!(param instanceof Float32Array)) {
    radamFloat64Loop(param, grad, expAvg, expAvgSq, t, o);
    return;
  }
  const c = radamConstants(t, o, Math.fround);
  const ran = runFloat32Kernel([param, grad, expAvg, expAvgSq], (kernels, n) =>
    kernels.radam(n, c.sign, c.decay, c.weightDecay, c.lerpCoefficient, c.beta2, c.weight2, c.bias1, c.lr, c.bias2Sqrt, c.eps, c.rect, Number(c.decoupled), Number(c.coupled), Number(c.lerpSmall), Number(c.rectified)));
  if (!ran) radamFloat32Loop(param, grad, expAvg, expAvgSq, t, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link radamUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function radamFloat32Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, t: number, o: RAdamOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, beta2, weight2, bias1, lr, bias2Sqrt, eps, rectified, rect } = radamConstants(t, o, Math.fround);
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
      // PyTorch's `bias_corrected_exp_avg * lr * adaptive_lr * rect`, left to right.
      let c = Math.fround(Math.fround(m / bias1) * lr);
      if (rectified) c = Math.fround(Math.fround(c * Math.fround(bias2Sqrt / Math.fround(Math.fround(Math.sqrt(v)) + eps))) * rect);
      param[i] = x - c;
    }
  }
}

/** {@link radamUpdate} on float64 arrays, in doubles. */
function radamFloat64Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, t: number, o: RAdamOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, decay, weightDecay, decoupled, coupled, lerpSmall, lerpCoefficient, beta2, weight2, bias1, lr, bias2Sqrt, eps, rectified, rect } = radamConstants(t, o, identity);
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
      let c = (m / bias1) * lr;
      if (rectified) c = c * (bias2Sqrt / (Math.sqrt(v) + eps)) * rect;
      param[i] = x - c;
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
