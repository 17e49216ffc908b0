/**
 * Differentiable pooling. Average pools are linear maps whose backward kernels are their exact
 * adjoints, and a max pool's backward (a scatter to the recorded maxima) is linear in the
 * gradient with a gather as its adjoint; recording each map with its adjoint as the gradient
 * makes gradients of any order exact.
 */
import * as T from '@torchlet/tensor';
import { constant, raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';

export type { AvgPool1dOptions, AvgPool2dOptions, MaxPool1dOptions, MaxPool2dOptions } from '@torchlet/tensor';

/** What the max pools return: the differentiable maxima and their int64 positions in each input plane. */
export interface MaxPoolResult {
  output: Tensor;
  /** Flat positions `h * W + w` (2d) or `l` (1d) of each maximum within its plane (no gradient). */
  indices: Tensor;
}

type Kernel = (x: T.Tensor) => T.Tensor;

/** Records the linear map `apply` of `x`, whose gradient is `adjoint` (recorded the same way). */
function linearMap(name: string, x: Tensor, apply: Kernel, adjoint: Kernel): Tensor {
  return record(`${name}Backward`, apply(raw(x)), [x], (g) => [linearMap(`${name}Backward`, g, adjoint, apply)]);
}

/** Max pooling of `spatial` dims: the gradient goes to each window's maximum. */
function maxPool(name: string, spatial: number, input: Tensor, result: T.MaxPoolResult, unpool: typeof T.maxPool2dBackward): MaxPoolResult {
  const { indices } = result;
  const scatter: Kernel = (g) => unpool(g, indices, input.shape);
  // The adjoint of the scatter: the element of each plane at each recorded position.
  const flatIndices = T.flatten(indices, indices.ndim - spatial);
  const gather: Kernel = (gg) => T.reshape(T.gather(T.flatten(gg, gg.ndim - spatial), gg.ndim - spatial, flatIndices), [...indices.shape]);
  const output = record(`${name}Backward`, result.output, [input], (g) => [linearMap(`${name}Backward`, g, scatter, gather)]);
  return { output, indices: constant(indices) };
}

/**
 * 2d max pooling over the last two dims of [N, C, H, W] or [C, H, W], as PyTorch's
 * `F.max_pool2d(..., return_indices=True)`; `output` is differentiable (each gradient flows to its
 * window's maximum), `indices` is not.
 *
 * @example
 * ```ts
 * const { output } = maxPool2d(x, 3, { stride: 2, padding: 1 });
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: number | readonly number[], options: T.MaxPool2dOptions = {}): MaxPoolResult {
  return maxPool('MaxPool2d', 2, input, T.maxPool2d(raw(input), kernelSize, options), T.maxPool2dBackward);
}

/** 1d max pooling over the last dim of [N, C, L] or [C, L], as `F.max_pool1d(..., return_indices=True)`. */
export function maxPool1d(input: Tensor, kernelSize: number | readonly [number], options: T.MaxPool1dOptions = {}): MaxPoolResult {
  return maxPool('MaxPool1d', 1, input, T.maxPool1d(raw(input), kernelSize, options), T.maxPool1dBackward);
}

/**
 * 2d average pooling over the last two dims of [N, C, H, W] or [C, H, W], as `F.avg_pool2d`.
 *
 * @example
 * ```ts
 * avgPool2d(x, 2);                                            // [N, C, 4, 6] → [N, C, 2, 3]
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: number | readonly number[], options: T.AvgPool2dOptions = {}): Tensor {
  const shape = input.shape;
  return linearMap('AvgPool2d', input, (x) => T.avgPool2d(x, kernelSize, options), (g) => T.avgPool2dBackward(g, shape, kernelSize, options));
}

/** 1d average pooling over the last dim of [N, C, L] or [C, L], as `F.avg_pool1d`. */
export function avgPool1d(input: Tensor, kernelSize: number | readonly [number], options: T.AvgPool1dOptions = {}): Tensor {
  const shape = input.shape;
  return linearMap('AvgPool1d', input, (x) => T.avgPool1d(x, kernelSize, options), (g) => T.avgPool1dBackward(g, shape, kernelSize, options));
}

/**
 * Adaptive average pooling of the last two dims to `outputSize` (one number, or `[height, width]`
 * where `null` keeps that size), as `F.adaptive_avg_pool2d`.
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(x, [2, 3]);   // [1, 2, 5, 7] → [1, 2, 2, 3]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const shape = input.shape;
  return linearMap('AdaptiveAvgPool2d', input, (x) => T.adaptiveAvgPool2d(x, outputSize), (g) => T.adaptiveAvgPool2dBackward(g, shape));
}
