import type { Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';

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

/**
 * One RMSprop step on flat arrays, in place:
 *
 * g ← ±g + λθ;  v ← αv + (1 − α)g²;  centered: ḡ ← αḡ + (1 − α)g, d ← √(v − ḡ²) + ε, else d ← √v + ε;
 * with momentum b ← μb + g/d, θ ← θ − γb; without, θ ← θ − γg/d.
 *
 * `gradAvg` (ḡ) is null unless centered, `buffer` (b) null unless momentum > 0.
 */
export function rmspropUpdate(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null, buffer: FloatArray | null, o: RMSpropOptions): void {
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adamUpdate).
  for (let start = 0; start < param.length; start += 16_384) {
    const { lr, momentum, alpha, eps, weightDecay } = o;
    const maximize = Boolean(o.maximize);
    // Stored values used again are rounded to the state's dtype by hand.
    const single = squareAvg instanceof Float32Array;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = maximize ? -grad[i]! : grad[i]!;
      if (weightDecay !== 0) g += weightDecay * x;
      const v1 = squareAvg[i]! * alpha + (1 - alpha) * g * g;
      const v = single ? Math.fround(v1) : v1;
      squareAvg[i] = v;
      let avg: number;
      if (gradAvg !== null) {
        const mean0 = gradAvg[i]!;
        const mean1 = mean0 + (g - mean0) * (1 - alpha);
        const mean = single ? Math.fround(mean1) : mean1;
        gradAvg[i] = mean;
        // The variance cancels: round its terms to the state's precision, as PyTorch's kernels do.
        const variance = single ? Math.fround(v - Math.fround(mean * mean)) : v - mean * mean;
        avg = Math.sqrt(variance) + eps;
      } else {
        avg = Math.sqrt(v) + eps;
      }
      if (buffer !== null) {
        const b1 = buffer[i]! * momentum + g / avg;
        const b = single ? Math.fround(b1) : b1;
        buffer[i] = b;
        param[i] = x - lr * b;
      } else {
        param[i] = x - (lr * g) / avg;
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
