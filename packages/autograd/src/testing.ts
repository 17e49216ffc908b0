/**
 * Gradient checking by central differences, for tests of torchlet and of code built on it
 * (PyTorch's `torch.autograd.gradcheck` and `gradgradcheck`).
 * @packageDocumentation
 */
import * as T from '@torchlet/tensor';
import { AutogradError } from './autograd-error.js';
import { fromRaw } from './creation.js';
import { grad } from './functional.js';
import { raw } from './record.js';
import type { Tensor } from './tensor.js';

export { assertClose, fromRecord, type CloseOptions, type OpCase, type TensorRecord } from '@torchlet/tensor/testing';

/** Tolerances of {@link gradcheck}: |analytical − numerical| ≤ atol + rtol·|numerical|. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  atol?: number;
  rtol?: number;
}

type Outputs = Tensor | readonly Tensor[];

function asList(outputs: Outputs): Tensor[] {
  return Array.isArray(outputs) ? [...outputs] : [outputs as Tensor];
}

/** Writes `value` to flat element `i` of `x` (through its strides), returning the old value. */
function poke(x: Tensor, i: number, value: number): number {
  const offset = T.elementOffsets(x.shape, x.strides, x.offset)[i]!;
  const old = x.storage.data[offset]!;
  x.storage.data[offset] = value;
  return old;
}

/**
 * Checks the gradients of `fn` at `inputs` against central differences, element by element of
 * every input that requires grad. Inputs should be float64. Throws an `AutogradError` naming the
 * output, input and element that disagree; returns true otherwise.
 *
 * @example
 * ```ts
 * const x = randn(3, 4, { dtype: 'float64', requiresGrad: true });
 * gradcheck((x) => x.tanh().sum(1), [x]);
 * ```
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const differentiable = inputs.map((x, i) => ({ x, i })).filter(({ x }) => x.requiresGrad);
  for (const { x } of differentiable) {
    if (x.dtype !== 'float64') throw new AutogradError(`gradcheck: input of dtype ${x.dtype} should be float64 for finite differences to be accurate`);
  }
  // Not under noGrad: fn may itself need the tape (gradgradcheck's fn calls grad()).
  const evaluate = (): Float64Array[] => asList(fn(...inputs)).map((o) => Float64Array.from(raw(o).toTypedArray() as ArrayLike<number>));
  // Numerical Jacobian, one column per input element: numerical[position][e][o][k] = ∂output[o][k]/∂input[e].
  const numerical = differentiable.map(({ x }) =>
    Array.from({ length: x.numel() }, (_, e) => {
      const old = poke(x, e, 0);
      poke(x, e, old + eps);
      const plus = evaluate();
      poke(x, e, old - eps);
      const minus = evaluate();
      poke(x, e, old);
      return plus.map((p, o) => p.map((value, k) => (value - minus[o]![k]!) / (2 * eps)));
    }),
  );
  const outputs = asList(fn(...inputs));
  outputs.forEach((output, o) => {
    for (let k = 0; k < output.numel(); k++) {
      // Analytical: row k of the Jacobian, as the gradient of output[k].
      const seed = T.zeros([...output.shape], { dtype: output.dtype });
      seed.storage.data[k] = 1;
      const fresh = asList(fn(...inputs))[o]!;
      // An output that depends on no input (a zero gradient in gradgradcheck) has a zero Jacobian.
      const analytical = fresh.requiresGrad ? grad(fresh, differentiable.map(({ x }) => x), { gradOutputs: fromRaw(seed), allowUnused: true }) : [];
      differentiable.forEach(({ x, i }, position) => {
        const g = analytical[position];
        const values = g === null || g === undefined ? null : raw(g).toTypedArray();
        for (let e = 0; e < x.numel(); e++) {
          const expected = numerical[position]![e]![o]![k]!;
          const value = values === null ? 0 : Number(values[e]!);
          if (!(Math.abs(value - expected) <= atol + rtol * Math.abs(expected))) {
            throw new AutogradError(
              `gradcheck: Jacobian mismatch for output ${o} element ${k} with respect to input ${i} element ${e}: analytical ${value}, numerical ${expected}`,
            );
          }
        }
      });
    }
  });
  return true;
}

/**
 * Checks second derivatives: the gradient of `fn` (computed with `createGraph`, against random
 * output gradients) must itself pass {@link gradcheck}.
 */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const outputs = asList(fn(...inputs));
  const generator = new T.Generator(0);
  const gradOutputs = outputs.map((o) => fromRaw(T.randn([...o.shape], { dtype: o.dtype, generator }), { requiresGrad: true }));
  const differentiable = inputs.filter((x) => x.requiresGrad);
  const gradientFn = (...args: Tensor[]): Tensor[] => {
    const ins = args.slice(0, inputs.length);
    const gos = args.slice(inputs.length);
    const outs = asList(fn(...ins));
    const grads = grad(outs, ins.filter((x) => x.requiresGrad), { gradOutputs: gos, createGraph: true, allowUnused: true });
    return grads.map((g, i) => g ?? fromRaw(T.zerosLike(raw(differentiable[i]!))));
  };
  return gradcheck(gradientFn, [...inputs, ...gradOutputs], options);
}
