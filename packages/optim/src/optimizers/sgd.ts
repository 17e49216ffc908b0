import type { Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, gradData, paramData, stateData, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

/** SGD's hyperparameters (PyTorch's names in camelCase). */
export interface SGDOptions extends Record<string, unknown> {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** The scalars of an SGD step, each rounded by `round` as PyTorch's ops round them. */
function sgdConstants(o: SGDOptions, round: (v: number) => number) {
  const { sign, weightDecay, coupled } = decaySetup(o, round);
  return { sign, weightDecay, coupled, nesterov: Boolean(o.nesterov), momentum: round(o.momentum), weight: round(1 - o.dampening), negativeLr: round(-o.lr) };
}

/**
 * One SGD step on flat arrays, in place:
 *
 * g ← ±g + λθ;  b ← μb + (1 − τ)g (b ← g on the first step);  g ← g + μb (Nesterov) or b;  θ ← θ − γg.
 *
 * `buffer` is the momentum buffer (null without momentum); `first` says it is being created now.
 * Float32 arrays run in the WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`),
 * else in {@link sgdFloat32Loop}, which gives the same bits: each operation rounded to float32,
 * in PyTorch's order. Float64 ones run in a loop in doubles.
 */
export function sgdUpdate(param: FloatArray, grad: FloatArray, buffer: FloatArray | null, first: boolean, o: SGDOptions): void {
  if (!(param instanceof Float32Array)) {
    sgdFloat64Loop(param, grad, buffer, first, o);
    return;
  }
  const c = sgdConstants(o, Math.fround);
  const ran = runFloat32Kernel([param, grad, buffer], (kernels, n) =>
    kernels.sgd(n, c.sign, c.weightDecay, c.momentum, c.weight, c.negativeLr, Number(c.coupled), Number(buffer !== null), Number(first), Number(c.nesterov)));
  if (!ran) sgdFloat32Loop(param, grad, buffer, first, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link sgdUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function sgdFloat32Loop(param: FloatArray, grad: FloatArray, buffer: FloatArray | null, first: boolean, o: SGDOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, nesterov, momentum, weight, negativeLr } = sgdConstants(o, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      if (buffer !== null) {
        const b = first ? g : Math.fround(Math.fround(buffer[i]! * momentum) + Math.fround(weight * g));
        buffer[i] = b;
        g = nesterov ? Math.fround(g + Math.fround(momentum * b)) : b;
      }
      param[i] = x + Math.fround(negativeLr * g);
    }
  }
}

/** {@link sgdUpdate} on float64 arrays, in doubles. */
function sgdFloat64Loop(param: FloatArray, grad: FloatArray, buffer: FloatArray | null, first: boolean, o: SGDOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, nesterov, momentum, weight, negativeLr } = sgdConstants(o, identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g += weightDecay * x;
      if (buffer !== null) {
        const b = first ? g : buffer[i]! * momentum + weight * g;
        buffer[i] = b;
        g = nesterov ? g + momentum * b : b;
      }
      param[i] = x + negativeLr * g;
    }
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
