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
  const { lr, momentum, alpha, eps, weightDecay, maximize } = o;
  const round = squareAvg instanceof Float32Array ? Math.fround : (x: number) => x;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    squareAvg[i] = squareAvg[i]! * alpha + (1 - alpha) * g * g;
    let avg: number;
    if (gradAvg !== null) {
      gradAvg[i] = gradAvg[i]! + (g - gradAvg[i]!) * (1 - alpha);
      // The variance cancels: round its terms to the state's precision, as PyTorch's kernels do.
      const mean = gradAvg[i]!;
      avg = Math.sqrt(round(squareAvg[i]! - round(mean * mean))) + eps;
    } else {
      avg = Math.sqrt(squareAvg[i]!) + eps;
    }
    if (buffer !== null) {
      buffer[i] = buffer[i]! * momentum + g / avg;
      param[i] = param[i]! - lr * buffer[i]!;
    } else {
      param[i] = param[i]! - (lr * g) / avg;
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
