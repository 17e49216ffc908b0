import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, gradData, incrementStep, lerpSetup, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

/** RMSprop's hyperparameters (PyTorch's names in camelCase). */
export interface RMSpropOptions extends Record<string, unknown> {
  lr: number;
  momentum: number;
  /** The smoothing constant α of the running averages. */
  alpha: number;
  eps: number;
  /** Divide by the running variance E[g²] − E[g]² instead of E[g²]. */
  centered: boolean;
  weightDecay: number;
  maximize: boolean;
}

/** The scalars of an RMSprop step, each rounded by `round` as PyTorch's ops round them. */
function rmspropConstants(o: RMSpropOptions, round: (v: number) => number) {
  const { sign, weightDecay, coupled } = decaySetup(o, round);
  const { lerpSmall, lerpCoefficient } = lerpSetup(1 - o.alpha, round);
  return { sign, weightDecay, coupled, lerpSmall, lerpCoefficient, alpha: round(o.alpha), weight: round(1 - o.alpha), eps: round(o.eps), momentum: round(o.momentum), negativeLr: round(-o.lr) };
}

/**
 * One RMSprop step on flat arrays, in place:
 *
 * g ← ±g + λθ;  v ← αv + (1 − α)g²;  centered: ḡ ← αḡ + (1 − α)g, d ← √(v − ḡ²) + ε, else d ← √v + ε;
 * with momentum b ← μb + g/d, θ ← θ − γb; without, θ ← θ − γg/d.
 *
 * `gradAvg` (ḡ) is null unless centered, `buffer` (b) null unless momentum > 0. Each operation is
 * rounded to the parameter's dtype, in PyTorch's order. Float32 arrays run in the WebAssembly
 * kernel where the runtime has it (see `wasm/kernels.ts`), else in {@link rmspropFloat32Loop},
 * which gives the same bits; float64 ones in a loop in doubles.
 */
export function rmspropUpdate(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null, buffer: FloatArray | null, o: RMSpropOptions): void {
  if (!(param instanceof Float32Array)) {
    rmspropFloat64Loop(param, grad, squareAvg, gradAvg, buffer, o);
    return;
  }
  const c = rmspropConstants(o, Math.fround);
  const ran = runFloat32Kernel([param, grad, squareAvg, gradAvg, buffer], (kernels, n) =>
    kernels.rmsprop(n, c.sign, c.weightDecay, c.alpha, c.weight, c.lerpCoefficient, c.eps, c.momentum, c.negativeLr, Number(c.coupled), Number(c.lerpSmall), Number(gradAvg !== null), Number(buffer !== null)));
  if (!ran) rmspropFloat32Loop(param, grad, squareAvg, gradAvg, buffer, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link rmspropUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function rmspropFloat32Loop(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null, buffer: FloatArray | null, o: RMSpropOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, lerpSmall, lerpCoefficient, alpha, weight, eps, momentum, negativeLr } = rmspropConstants(o, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      const v = Math.fround(Math.fround(squareAvg[i]! * alpha) + Math.fround(Math.fround(weight * g) * g));
      squareAvg[i] = v;
      let d: number;
      if (gradAvg !== null) {
        const mean0 = gradAvg[i]!;
        const mean = Math.fround((lerpSmall ? mean0 : g) + Math.fround(lerpCoefficient * Math.fround(g - mean0)));
        gradAvg[i] = mean;
        d = Math.fround(Math.sqrt(Math.fround(v - Math.fround(mean * mean))));
      } else {
        d = Math.fround(Math.sqrt(v));
      }
      d = Math.fround(d + eps);
      if (buffer !== null) {
        const b = Math.fround(Math.fround(buffer[i]! * momentum) + Math.fround(g / d));
        buffer[i] = b;
        param[i] = x + Math.fround(negativeLr * b);
      } else {
        param[i] = x + Math.fround(Math.fround(negativeLr * g) / d);
      }
    }
  }
}

/** {@link rmspropUpdate} on float64 arrays, in doubles. */
function rmspropFloat64Loop(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null, buffer: FloatArray | null, o: RMSpropOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, lerpSmall, lerpCoefficient, alpha, weight, eps, momentum, negativeLr } = rmspropConstants(o, identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g += weightDecay * x;
      const v = squareAvg[i]! * alpha + weight * g * g;
      squareAvg[i] = v;
      let d: number;
      if (gradAvg !== null) {
        const mean0 = gradAvg[i]!;
        const mean = (lerpSmall ? mean0 : g) + lerpCoefficient * (g - mean0);
        gradAvg[i] = mean;
        d = Math.sqrt(v - mean * mean) + eps;
      } else {
        d = Math.sqrt(v) + eps;
      }
      if (buffer !== null) {
        const b = buffer[i]! * momentum + g / d;
        buffer[i] = b;
        param[i] = x + negativeLr * b;
      } else {
        param[i] = x + (negativeLr * g) / d;
      }
    }
  }
}

/**
 * RMSprop (Hinton, 2012, Coursera "Neural Networks for Machine Learning", lecture 6e; centered
 * form from Graves, 2013, "Generating Sequences With Recurrent Neural Networks"), as PyTorch's
 * `torch.optim.RMSprop`. State: `step`, `square_avg`, `momentum_buffer` when momentum > 0 and
 * `grad_avg` when centered.
 *
 * @example
 * ```ts
 * const optimizer = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RMSpropOptions>>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(group: RMSpropOptions): void {
    checkNonNegative('learning rate', group.lr);
    checkNonNegative('epsilon value', group.eps);
    checkNonNegative('momentum value', group.momentum);
    checkNonNegative('weight_decay value', group.weightDecay);
    checkNonNegative('alpha value', group.alpha);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'RMSprop does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), square_avg: zerosLikeParam(p) }));
      if (group.momentum > 0 && state['momentum_buffer'] === undefined) state['momentum_buffer'] = zerosLikeParam(p);
      if (group.centered && state['grad_avg'] === undefined) state['grad_avg'] = zerosLikeParam(p);
      incrementStep(state);
      const gradAvg = group.centered ? stateData(state['grad_avg'] as Tensor) : null;
      const buffer = group.momentum > 0 ? stateData(state['momentum_buffer'] as Tensor) : null;
      rmspropUpdate(paramData('RMSprop', p), grad, stateData(state['square_avg'] as Tensor), gradAvg, buffer, group);
      p.bumpVersion();
    }
  }
}
