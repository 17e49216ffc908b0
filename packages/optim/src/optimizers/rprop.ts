import { full, type Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

/** Rprop's hyperparameters (PyTorch's names in camelCase). */
export interface RpropOptions extends Record<string, unknown> {
  /** The initial step size of every element. */
  lr: number;
  /** (η₋, η₊): the factors a step size shrinks by on a sign change and grows by otherwise. */
  etas: [number, number];
  /** (Δmin, Δmax): the bounds of a step size. */
  stepSizes: [number, number];
  maximize: boolean;
}

/** The scalars of an Rprop step, rounded by `round`: PyTorch multiplies and clamps in the tensors' dtype. */
function rpropConstants(o: RpropOptions, round: (v: number) => number) {
  return { sign: o.maximize ? -1 : 1, etaMinus: round(o.etas[0]), etaPlus: round(o.etas[1]), low: round(o.stepSizes[0]), high: round(o.stepSizes[1]) };
}

/**
 * One Rprop step on flat arrays, in place. Per element, with s = sign(g · g_prev):
 *
 * Δ ← clamp(Δ · (η₊ if s > 0, η₋ if s < 0, 1 if s = 0), Δmin, Δmax);  g ← 0 where s < 0;
 * θ ← θ − sign(g) · Δ;  g_prev ← g.
 *
 * Where the sign flipped the element does not move and forgets its gradient, so the next step
 * neither grows nor shrinks its step size. `stepSize` is Δ, `prev` is g_prev. Float32 arrays run
 * in the WebAssembly kernel where the runtime has it (see `wasm/kernels.ts`), else in
 * {@link rpropLoop}, which gives the same bits.
 */
export function rpropUpdate(param: FloatArray, grad: FloatArray, prev: FloatArray, stepSize: FloatArray, o: RpropOptions): void {
  const c = rpropConstants(o, Math.fround);
  const ran = runFloat32Kernel([param, grad, prev, stepSize], (kernels, n) => kernels.rprop(n, c.sign, c.etaMinus, c.etaPlus, c.low, c.high));
  if (!ran) rpropLoop(param, grad, prev, stepSize, o);
}

/**
 * {@link rpropUpdate} in TypeScript, for float32 and float64 arrays (it rounds only the product
 * and the step size, so one loop serves both): the WebAssembly kernel's twin, for float64, for
 * runtimes without it and for its tests.
 */
export function rpropLoop(param: FloatArray, grad: FloatArray, prev: FloatArray, stepSize: FloatArray, o: RpropOptions): void {
  // In blocks, each reading the options again, so that V8 compiles it with full type feedback
  // (see adam.ts).
  for (let start = 0; start < param.length; start += 16_384) {
    const single = param instanceof Float32Array;
    const { sign, etaMinus, etaPlus, low, high } = rpropConstants(o, single ? Math.fround : identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      let g = grad[i]! * sign;
      const product = single ? Math.fround(g * prev[i]!) : g * prev[i]!;
      const factor = product > 0 ? etaPlus : product < 0 ? etaMinus : product === 0 ? 1 : product;
      const size1 = stepSize[i]! * factor;
      const size = Math.min(Math.max(single ? Math.fround(size1) : size1, low), high);
      stepSize[i] = size;
      if (product < 0) g = 0;
      // Math.sign(g) without branching on the sign, which mispredicts on noisy gradients; `|| g`
      // keeps Math.sign's ±0 and NaN.
      const s = Number(g > 0) - Number(g < 0) || g;
      param[i] = param[i]! - s * size;
      prev[i] = g;
    }
  }
}

/**
 * Rprop, resilient backpropagation (Riedmiller & Braun, 1993, "A Direct Adaptive Method for
 * Faster Backpropagation Learning: The RPROP Algorithm"): each element moves by its own step size,
 * which follows only the sign of its gradient, as PyTorch's `torch.optim.Rprop`. Meant for full
 * batches. State: `step`, `prev`, `step_size` (starting at lr).
 *
 * @example
 * ```ts
 * const optimizer = new Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 * ```
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RpropOptions>>, options: Partial<RpropOptions> = {}) {
    super(params, { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false, ...options });
  }

  protected override validate(group: RpropOptions): void {
    checkNonNegative('learning rate', group.lr);
    const [etaMinus, etaPlus] = Array.isArray(group.etas) ? group.etas : [undefined, undefined];
    if (!(typeof etaMinus === 'number' && typeof etaPlus === 'number' && 0 < etaMinus && etaMinus < 1 && 1 < etaPlus)) {
      throw new OptimError(`Invalid eta values: ${String(etaMinus)}, ${String(etaPlus)}`);
    }
  }

  protected updateGroup(group: ParamGroup<RpropOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'Rprop does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), prev: zerosLikeParam(p), step_size: full([...p.shape], group.lr, { dtype: p.dtype }) }));
      incrementStep(state);
      rpropUpdate(paramData('Rprop', p), grad, stateData(state['prev'] as Tensor), stateData(state['step_size'] as Tensor), group);
      p.bumpVersion();
    }
  }
}
