/**
 * Differentiable convolutions and transposed convolutions. A convolution y = conv(x, w) is
 * bilinear, and the tensor layer's input and weight gradients are its two adjoints:
 * ⟨g, conv(x, w)⟩ = ⟨backwardInput(g, w), x⟩ = ⟨backwardWeight(g, x), w⟩. So each of the three
 * maps is recorded with the other two as its gradients, which makes gradients of any order exact
 * (a transposed convolution is the same triple with its own kernels).
 */
import * as T from '@torchlet/tensor';
import { raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { sum } from './reduce.js';

/** The three kernels of one convolution family, in the tensor layer's signatures. */
interface Family<Options> {
  /** Node names start with this, e.g. `Conv2d` → `Conv2dBackward`. */
  name: string;
  /** Spatial dims (1 or 2): the channel dim of the output is `ndim − spatial − 1`. */
  spatial: number;
  forward: (input: T.Tensor, weight: T.Tensor, bias: T.Tensor | null, options: Options) => T.Tensor;
  backwardInput: (gradOutput: T.Tensor, weight: T.Tensor, inputShape: readonly number[], options: Options) => T.Tensor;
  backwardWeight: (gradOutput: T.Tensor, input: T.Tensor, weightShape: readonly number[], options: Options) => T.Tensor;
}

const conv1dFamily: Family<T.Conv1dOptions> = {
  name: 'Conv1d', spatial: 1, forward: T.conv1d, backwardInput: T.conv1dBackwardInput, backwardWeight: T.conv1dBackwardWeight,
};
const conv2dFamily: Family<T.Conv2dOptions> = {
  name: 'Conv2d', spatial: 2, forward: T.conv2d, backwardInput: T.conv2dBackwardInput, backwardWeight: T.conv2dBackwardWeight,
};
const convTranspose1dFamily: Family<T.ConvTranspose1dOptions> = {
  name: 'ConvTranspose1d', spatial: 1, forward: T.convTranspose1d, backwardInput: T.convTranspose1dBackwardInput, backwardWeight: T.convTranspose1dBackwardWeight,
};
const convTranspose2dFamily: Family<T.ConvTranspose2dOptions> = {
  name: 'ConvTranspose2d', spatial: 2, forward: T.convTranspose2d, backwardInput: T.convTranspose2dBackwardInput, backwardWeight: T.convTranspose2dBackwardWeight,
};

/** y = forward(x, w) + b, with gradients backwardInput(g, w), backwardWeight(g, x) and Σg over all dims but channels. */
function convolve<Options>(family: Family<Options>, input: Tensor, weight: Tensor, bias: Tensor | null, options: Options): Tensor {
  const output = family.forward(raw(input), raw(weight), bias === null ? null : raw(bias), options);
  return record(`${family.name}Backward`, output, [input, weight, bias], (g, needs) => [
    needs[0] ? gradientOfInput(family, g, weight, input.shape, options) : null,
    needs[1] ? gradientOfWeight(family, g, input, weight.shape, options) : null,
    needs[2] ? sum(g, g.shape.map((_, d) => d).filter((d) => d !== g.ndim - family.spatial - 1)) : null,
  ], [input, weight]);
}

/** backwardInput(g, w): ⟨gg, ·⟩ = ⟨forward(gg, w), g⟩ = ⟨backwardWeight(g, gg), w⟩. */
function gradientOfInput<Options>(family: Family<Options>, g: Tensor, weight: Tensor, inputShape: readonly number[], options: Options): Tensor {
  const output = family.backwardInput(raw(g), raw(weight), inputShape, options);
  return record(`${family.name}BackwardInputBackward`, output, [g, weight], (gg, needs) => [
    needs[0] ? convolve(family, gg, weight, null, options) : null,
    needs[1] ? gradientOfWeight(family, g, gg, weight.shape, options) : null,
  ], [g, weight]);
}

/** backwardWeight(g, x): ⟨gg, ·⟩ = ⟨g, forward(x, gg)⟩ = ⟨backwardInput(g, gg), x⟩. */
function gradientOfWeight<Options>(family: Family<Options>, g: Tensor, input: Tensor, weightShape: readonly number[], options: Options): Tensor {
  const output = family.backwardWeight(raw(g), raw(input), weightShape, options);
  return record(`${family.name}BackwardWeightBackward`, output, [g, input], (gg, needs) => [
    needs[0] ? convolve(family, input, gg, null, options) : null,
    needs[1] ? gradientOfInput(family, g, gg, input.shape, options) : null,
  ], [g, input]);
}

/**
 * 1-d convolution over [N, C, L] (or unbatched [C, L]) with `weight` [O, C/groups, k] and optional
 * `bias` [O], as PyTorch's `F.conv1d`; differentiable in all three (to any order).
 *
 * @example
 * ```ts
 * const y = conv1d(x, w, b, { stride: 2, padding: 1 }); // x [2,3,9], w [4,3,3] → [2,4,5]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: T.Conv1dOptions = {}): Tensor {
  return convolve(conv1dFamily, input, weight, bias ?? null, options);
}

/**
 * 2-d convolution over [N, C, H, W] (or unbatched [C, H, W]) with `weight` [O, C/groups, kH, kW]
 * and optional `bias` [O], as PyTorch's `F.conv2d`; differentiable in all three (to any order).
 *
 * @example
 * ```ts
 * const y = conv2d(x, w, b, { stride: 2, padding: 1 }); // x [8,3,32,32], w [16,3,3,3] → [8,16,16,16]
 * y.sum().backward();                                   // fills x.grad, w.grad, b.grad
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: T.Conv2dOptions = {}): Tensor {
  return convolve(conv2dFamily, input, weight, bias ?? null, options);
}

/** 1-d transposed convolution with `weight` [C_in, C_out/groups, k], as PyTorch's `F.conv_transpose1d`; differentiable. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: T.ConvTranspose1dOptions = {}): Tensor {
  return convolve(convTranspose1dFamily, input, weight, bias ?? null, options);
}

/**
 * 2-d transposed convolution over [N, C_in, H, W] with `weight` [C_in, C_out/groups, kH, kW] and
 * optional `bias` [C_out], as PyTorch's `F.conv_transpose2d`; differentiable in all three.
 *
 * @example
 * ```ts
 * const y = convTranspose2d(x, w, b, { stride: 2, padding: 1 }); // x [1,2,3,3], w [2,3,3,3] → [1,3,5,5]
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: T.ConvTranspose2dOptions = {}): Tensor {
  return convolve(convTranspose2dFamily, input, weight, bias ?? null, options);
}
