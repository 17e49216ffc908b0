import type { Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, paramData, stateData, zerosLikeParam } from './common.js';

/** SGD's hyperparameters (PyTorch's names in camelCase). */
export interface SGDOptions extends Record<string, unknown> {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * One SGD step on flat arrays, in place:
 *
 * g ← ±g + λθ;  b ← μb + (1 − τ)g (b ← g on the first step);  g ← g + μb (Nesterov) or b;  θ ← θ − γg.
 *
 * `buffer` is the momentum buffer (null without momentum); `first` says it is being created now.
 */
export function sgdUpdate(param: FloatArray, grad: FloatArray, buffer: FloatArray | null, first: boolean, o: SGDOptions): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = o;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) g += weightDecay * param[i]!;
    if (buffer !== null) {
      buffer[i] = first ? g : momentum * buffer[i]! + (1 - dampening) * g;
      g = nesterov ? g + momentum * buffer[i]! : buffer[i]!;
    }
    param[i] = param[i]! - lr * g;
  }
}

/**
 * Stochastic gradient descent with momentum (Sutskever et al., 2013) and Nesterov momentum, as
 * PyTorch's `torch.optim.SGD`. State: `momentum_buffer`, only when momentum ≠ 0.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<SGDOptions>>, options: Partial<SGDOptions> = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected override validate(group: SGDOptions): void {
    checkNonNegative('learning rate', group.lr);
    checkNonNegative('momentum value', group.momentum);
    checkNonNegative('weight_decay value', group.weightDecay);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) throw new OptimError('Nesterov momentum requires a momentum and zero dampening');
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      let buffer: FloatArray | null = null;
      let first = false;
      if (group.momentum !== 0) {
        const state = this.state.get(p);
        first = state === undefined || state['momentum_buffer'] === undefined || state['momentum_buffer'] === null;
        const entry = this.stateOf(p, () => ({}));
        if (first) entry['momentum_buffer'] = zerosLikeParam(p);
        buffer = stateData(entry['momentum_buffer'] as Tensor);
      }
      sgdUpdate(paramData('SGD', p), gradData(p), buffer, first, group);
      p.bumpVersion();
    }
  }
}
