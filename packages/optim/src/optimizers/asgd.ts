import { scalarTensor, type Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';

/** ASGD's hyperparameters (PyTorch's names in camelCase). */
export interface ASGDOptions extends Record<string, unknown> {
  lr: number;
  /** The decay term λ. */
  lambd: number;
  /** The power α of the step-size schedule. */
  alpha: number;
  /** The step after which averaging starts. */
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * One ASGD step on flat arrays, in place, at step count `t`. `eta` and `mu` are the one-element
 * state tensors η and μ, read before and rewritten after the update:
 *
 * g ← ±g + λ_wd·θ;  θ ← θ(1 − λη);  θ ← θ − ηg;  a ← a + μ(θ − a) (a ← θ while μ = 1);
 * η ← γ / (1 + λγt)^α;  μ ← 1 / max(1, t − t₀).
 *
 * The average `ax` (a) is only kept; it never replaces the parameters.
 */
export function asgdUpdate(param: FloatArray, grad: FloatArray, ax: FloatArray, eta: FloatArray, mu: FloatArray, t: number, o: ASGDOptions): void {
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adamUpdate).
  for (let start = 0; start < param.length; start += 16_384) {
    const { lambd, weightDecay } = o;
    const step = eta[0]!;
    const weight = mu[0]!;
    const decay = 1 - lambd * step;
    const maximize = Boolean(o.maximize);
    const averaging = weight !== 1;
    // Stored values used again are rounded to the arrays' dtype by hand.
    const single = param instanceof Float32Array;
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = maximize ? -grad[i]! : grad[i]!;
      const x = param[i]!;
      if (weightDecay !== 0) g += weightDecay * x;
      // Two in-place updates in PyTorch, each rounded to the parameter's dtype.
      const x1 = single ? Math.fround(x * decay) : x * decay;
      const x2 = single ? Math.fround(x1 - step * g) : x1 - step * g;
      param[i] = x2;
      if (averaging) {
        const a = ax[i]!;
        ax[i] = a + (x2 - a) * weight;
      } else {
        ax[i] = x2;
      }
    }
  }
  const { lr, lambd, alpha, t0 } = o;
  eta[0] = lr / (1 + lambd * lr * t) ** alpha;
  mu[0] = 1 / Math.max(1, t - t0);
}

/**
 * Averaged stochastic gradient descent (Polyak & Juditsky, 1992, "Acceleration of Stochastic
 * Approximation by Averaging"), as PyTorch's `torch.optim.ASGD`. State: `step`, `eta` (a 0-d
 * tensor starting at lr), `mu` (a 0-d tensor starting at 1) and `ax`, the running average of the
 * parameters from step t₀ on.
 *
 * @example
 * ```ts
 * const optimizer = new ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 * ```
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<ASGDOptions>>, options: Partial<ASGDOptions> = {}) {
    super(params, { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, ...options });
  }

  /** PyTorch checks only these two. */
  protected override validate(group: ASGDOptions): void {
    checkNonNegative('learning rate', group.lr);
    checkNonNegative('weight_decay value', group.weightDecay);
  }

  /** Older checkpoints may hold `eta` and `mu` as plain numbers. */
  protected override upgradeState(entry: ParamState): ParamState {
    for (const key of ['eta', 'mu']) if (typeof entry[key] === 'number') entry[key] = scalarTensor(entry[key] as number, 'float32');
    return super.upgradeState(entry);
  }

  protected updateGroup(group: ParamGroup<ASGDOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'ASGD does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), eta: scalarTensor(group.lr, 'float32'), mu: scalarTensor(1, 'float32'), ax: zerosLikeParam(p) }));
      const t = incrementStep(state);
      const [eta, mu] = [state['eta'] as Tensor, state['mu'] as Tensor];
      asgdUpdate(paramData('ASGD', p), grad, stateData(state['ax'] as Tensor), stateData(eta), stateData(mu), t, group);
      eta.bumpVersion();
      mu.bumpVersion();
      p.bumpVersion();
    }
  }
}
