import { AutogradError } from './autograd-error.js';
import { type BackwardOptions, runBackward } from './engine.js';
import { onesLike } from './creation.js';
import type { Tensor } from './tensor.js';

/** Options of {@link grad}. */
export interface GradFunctionOptions extends BackwardOptions {
  /** The vectors of the vector-Jacobian products, one per output (default: ones for scalars). */
  gradOutputs?: readonly (Tensor | null)[] | Tensor | null;
  /** Return null for inputs the outputs do not depend on, instead of failing (default: false). */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned instead of accumulated into
 * `.grad` (PyTorch's `torch.autograd.grad`). With `createGraph` the results are differentiable,
 * so higher derivatives are gradients of gradients.
 *
 * @example
 * ```ts
 * const x = tensor([2], { dtype: 'float64', requiresGrad: true });
 * const [dy] = grad(x.pow(3), x, { createGraph: true });   // 3x² = 12
 * const [d2y] = grad(dy!, x);                                // 6x = 12
 * ```
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradFunctionOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const given = options.gradOutputs === undefined || options.gradOutputs === null ? [] : Array.isArray(options.gradOutputs) ? options.gradOutputs : [options.gradOutputs as Tensor];
  const seeds = outs.map((out, i) => {
    const seed = given[i];
    if (seed !== undefined && seed !== null) return seed;
    if (out.numel() !== 1) throw new AutogradError('grad: grad can be implicitly created only for scalar outputs');
    return onesLike(out);
  });
  const targets = ins.map((input, i) => {
    if (!input.requiresGrad) throw new AutogradError(`grad: one of the differentiated Tensors (input ${i}) does not require grad`);
    return input.gradFn ?? input.accumulator();
  });
  const captured = runBackward(outs, seeds, { ...options, capture: targets, accumulate: false });
  return targets.map((node, i) => {
    const g = captured.get(node) ?? null;
    if (g === null && !options.allowUnused) {
      throw new AutogradError(`grad: one of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.`);
    }
    return g;
  });
}
