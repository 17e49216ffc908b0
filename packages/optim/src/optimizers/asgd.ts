import { scalarTensor, type Tensor } from '@torchlet/nn';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

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
 * The scalars of an ASGD step, each rounded by `round` as PyTorch's ops round them, from η and μ
 * as they were before the step.
 */
function asgdConstants(o: ASGDOptions, eta: number, mu: number, round: (v: number) => number) {
  const { sign, weightDecay, coupled } = decaySetup(o, round);
  return { sign, weightDecay, coupled, decay: round(1 - o.lambd * eta), negativeEta: round(-eta), mu: round(mu), averaging: mu !== 1 };
}

/** Writes η and μ for the next step (t is this step's count). */
function asgdSchedule(eta: FloatArray, mu: FloatArray, t: number, o: ASGDOptions): void {
  const { lr, lambd, alpha, t0 } = o;
  eta[0] = lr / (1 + lambd * lr * t) ** alpha;
  mu[0] = 1 / Math.max(1, t - t0);
}

/**
 * One ASGD step on flat arrays, in place, at step count `t`. `eta` and `mu` are the one-element
 * state tensors η and μ, read before and rewritten after the update:
 *
 * g ← ±g + λ_wd·θ;  θ ← θ(1 − λη);  θ ← θ − ηg;  a ← a + μ(θ − a) (a ← θ while μ = 1);
 * η ← γ / (1 + λγt)^α;  μ ← 1 / max(1, t − t₀).
 *
 * The average `ax` (a) is only kept; it never replaces the parameters. Float32 arrays run in the
 * WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`), else in
 * {@link asgdFloat32Loop}, which gives the same bits: each operation rounded to float32, in
 * PyTorch's order. Float64 ones run in a loop in doubles.
 */
export function asgdUpdate(param: FloatArray, grad: FloatArray, ax: FloatArray, eta: FloatArray, mu: FloatArray, t: number, o: ASGDOptions): void {
  if (!(param instanceof Float32Array)) {
    asgdFloat64Loop(param, grad, ax, eta, mu, t, o);
    return;
  }
  const c = asgdConstants(o, eta[0]!, mu[0]!, Math.fround);
  const ran = runFloat32Kernel([param, grad, ax], (kernels, n) => kernels.asgd(n, c.sign, c.weightDecay, c.decay, c.negativeEta, c.mu, Number(c.coupled), Number(c.averaging)));
  if (ran) asgdSchedule(eta, mu, t, o);
  else asgdFloat32Loop(param, grad, ax, eta, mu, t, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link asgdUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function asgdFloat32Loop(param: FloatArray, grad: FloatArray, ax: FloatArray, eta: FloatArray, mu: FloatArray, t: number, o: ASGDOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, decay, negativeEta, mu: weight, averaging } = asgdConstants(o, eta[0]!, mu[0]!, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      let x = param[i]!;
      if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      // Two in-place updates in PyTorch (`mul_`, then `add_`), each rounded.
      x = Math.fround(x * decay);
      x = Math.fround(x + Math.fround(negativeEta * g));
      param[i] = x;
      if (averaging) {
        const a = ax[i]!;
        ax[i] = a + Math.fround(Math.fround(x - a) * weight);
      } else {
        ax[i] = x;
      }
    }
  }
  asgdSchedule(eta, mu, t, o);
}

/** {@link asgdUpdate} on float64 arrays, in doubles. */
function asgdFloat64Loop(param: FloatArray, grad: FloatArray, ax: FloatArray, eta: FloatArray, mu: FloatArray, t: number, o: ASGDOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, decay, negativeEta, mu: weight, averaging } = asgdConstants(o, eta[0]!, mu[0]!, identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      const x0 = param[i]!;
      if (coupled) g += weightDecay * x0;
      const x = x0 * decay + negativeEta * g;
      param[i] = x;
      if (averaging) {
        const a = ax[i]!;
        ax[i] = a + (x - a) * weight;
      } else {
        ax[i] = x;
      }
    }
  }
  asgdSchedule(eta, mu, t, o);
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
