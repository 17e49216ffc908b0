import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { decaySetup, type FloatArray, firstMomentFloat32, gradData, incrementStep, lerpSetup, paramData, stateData, stepTensor, validateAdam, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

/** Adamax's hyperparameters (PyTorch's names in camelCase). */
export interface AdamaxOptions extends Record<string, unknown> {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** The scalars of an Adamax step at step count `t`, each rounded by `round` as PyTorch's ops round them. */
function adamaxConstants(t: number, o: AdamaxOptions, round: (v: number) => number) {
  const { sign, weightDecay, coupled } = decaySetup(o, round);
  const { lerpSmall, lerpCoefficient } = lerpSetup(1 - o.betas[0], round);
  return { sign, weightDecay, coupled, lerpSmall, lerpCoefficient, beta2: round(o.betas[1]), eps: round(o.eps), negativeStep: round(-(o.lr / (1 - o.betas[0] ** t))) };
}

/**
 * One Adamax step on flat arrays, in place, at step count `t`:
 *
 * g ← ±g + λθ;  m ← β₁m + (1 − β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − γ/(1 − β₁ᵗ) · m / u.
 *
 * ε goes inside the max (PyTorch's form), so u > 0 from the first step. Each operation is rounded
 * to the parameter's dtype, in PyTorch's order. Float32 arrays run in the WebAssembly kernel where
 * the runtime has it (see `wasm/kernels.ts`), else in {@link adamaxFloat32Loop}, which gives the
 * same bits; float64 ones in a loop in doubles.
 */
export function adamaxUpdate(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expInf: FloatArray, t: number, o: AdamaxOptions): void {
  if (!(param instanceof Float32Array)) {
    adamaxFloat64Loop(param, grad, expAvg, expInf, t, o);
    return;
  }
  const c = adamaxConstants(t, o, Math.fround);
  const ran = runFloat32Kernel([param, grad, expAvg, expInf], (kernels, n) =>
    kernels.adamax(n, c.sign, c.weightDecay, c.lerpCoefficient, c.beta2, c.eps, c.negativeStep, Number(c.coupled), Number(c.lerpSmall)));
  if (!ran) adamaxFloat32Loop(param, grad, expAvg, expInf, t, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link adamaxUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function adamaxFloat32Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expInf: FloatArray, t: number, o: AdamaxOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, lerpSmall, lerpCoefficient, beta2, eps, negativeStep } = adamaxConstants(t, o, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      const m0 = expAvg[i]!;
      const m = firstMomentFloat32(m0, g, lerpSmall, lerpCoefficient);
      const u = Math.max(Math.fround(expInf[i]! * beta2), Math.fround(Math.abs(g) + eps));
      expAvg[i] = m;
      expInf[i] = u;
      param[i] = x + Math.fround(Math.fround(negativeStep * m) / u);
    }
  }
}

/** {@link adamaxUpdate} on float64 arrays, in doubles. */
function adamaxFloat64Loop(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expInf: FloatArray, t: number, o: AdamaxOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, lerpSmall, lerpCoefficient, beta2, eps, negativeStep } = adamaxConstants(t, o, identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g += weightDecay * x;
      const m0 = expAvg[i]!;
      const m = (lerpSmall ? m0 : g) + lerpCoefficient * (g - m0);
      const u = Math.max(expInf[i]! * beta2, Math.abs(g) + eps);
      expAvg[i] = m;
      expInf[i] = u;
      param[i] = x + (negativeStep * m) / u;
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
