/**
 * Differentiable batch, layer and group normalization. Backward uses the tensor layer's fused
 * kernels (one pass over the data, statistics in float64); when the backward pass is itself being
 * recorded (createGraph), it uses the same formulas composed from differentiable ops instead,
 * recomputing the statistics from the input so that they too are differentiated.
 */
import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { constant, raw, record } from '../record.js';
import { Tensor } from '../tensor.js';

export type { BatchNormOptions, NormalizationOptions } from '@torchlet/tensor';

type Gradients = [Tensor | null, Tensor | null, Tensor | null];

function rawOrNull(x: T.Tensor | null | undefined): T.Tensor | null {
  return x === null || x === undefined ? null : raw(x);
}

/** The fused kernel's gradients, those of inputs that need none dropped. */
function fused(gradients: T.NormalizationGradients, needs: readonly boolean[]): Gradients {
  const { gradInput, gradWeight, gradBias } = gradients;
  return [needs[0] ? Tensor.wrap(gradInput) : null, needs[1] ? Tensor.wrap(gradWeight) : null, needs[2] ? Tensor.wrap(gradBias) : null];
}

/**
 * For x̂ = (x − mean)·rstd with mean and biased variance over `dims`: x̂, and the gradient of x
 * given the gradient `g` of x̂, rstd·(g − mean(g) − x̂·mean(g·x̂)), composed from differentiable ops.
 */
function standardizeBackward(x: Tensor, g: Tensor, dims: number[], eps: number): { xhat: Tensor; gradInput: Tensor } {
  const keep = { keepdim: true };
  const centered = x.sub(x.mean(dims, keep));
  const rstd = centered.square().mean(dims, keep).add(eps).rsqrt();
  const xhat = centered.mul(rstd);
  const gradInput = rstd.mul(g.sub(g.mean(dims, keep)).sub(xhat.mul(g.mul(xhat).mean(dims, keep))));
  return { xhat, gradInput };
}

/** Gradients of y = x̂·w + b for w and b, summing g over `dims` (the dims w is broadcast over). */
function affineGradients(g: Tensor, xhat: () => Tensor, dims: number[], needs: readonly boolean[]): [Tensor | null, Tensor | null] {
  return [needs[1] ? g.mul(xhat()).sum(dims) : null, needs[2] ? g.sum(dims) : null];
}

/** Every dim of an `ndim`-d tensor but dim 1 (the channels). */
function allButChannels(ndim: number): number[] {
  return Array.from({ length: ndim }, (_, d) => d).filter((d) => d !== 1);
}

/** [C, 1, …]: the shape that broadcasts a per-channel value over the channels of [N, C, *] `x`. */
function channelShape(x: T.Tensor): number[] {
  return [x.shape[1]!, ...new Array<number>(x.ndim - 2).fill(1)];
}

/**
 * Batch normalization over [N, C, *], as PyTorch's `F.batch_norm`: with `training`, each channel
 * is normalised with the batch mean and biased variance, and `runningMean` and `runningVar` (when
 * given) are updated in place (never differentiated); otherwise the running statistics are used.
 * Differentiable in `input`, `weight` and `bias`.
 *
 * @example
 * ```ts
 * const y = batchNorm(x, runningMean, runningVar, weight, bias, { training: true });
 * ```
 */
export function batchNorm(
  input: Tensor,
  runningMean: T.Tensor | null,
  runningVar: T.Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: T.BatchNormOptions = {},
): Tensor {
  const { training = false, eps = 1e-5 } = options;
  const result = T.batchNorm(raw(input), rawOrNull(runningMean), rawOrNull(runningVar), rawOrNull(weight), rawOrNull(bias), options);
  const { saveMean, saveInvstd } = result;
  return record('BatchNormBackward', result.output, [input, weight, bias], (g, needs) => {
    if (!isGradEnabled()) return fused(T.batchNormBackward(raw(g), raw(input), rawOrNull(weight), saveMean, saveInvstd, { training }), needs);
    const dims = allButChannels(input.ndim);
    const scaled = weight === null ? g : g.mul(weight.reshape(channelShape(input)));
    if (training) {
      const { xhat, gradInput } = standardizeBackward(input, scaled, dims, eps);
      return [needs[0] ? gradInput : null, ...affineGradients(g, () => xhat, dims, needs)];
    }
    // The running statistics are constants: x̂ = (x − mean)·invstd is affine in x.
    const mean = constant(T.reshape(saveMean, channelShape(input)));
    const invstd = constant(T.reshape(saveInvstd, channelShape(input)));
    return [needs[0] ? scaled.mul(invstd) : null, ...affineGradients(g, () => input.sub(mean).mul(invstd), dims, needs)];
  }, [input, weight]);
}

/**
 * Layer normalization over the trailing `normalizedShape` dims, as `F.layer_norm`; `weight` and
 * `bias` (when given) have the normalised shape. Differentiable in `input`, `weight` and `bias`.
 *
 * @example
 * ```ts
 * const y = layerNorm(x, [x.shape.at(-1)!], weight, bias);
 * ```
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: T.NormalizationOptions = {},
): Tensor {
  const { eps = 1e-5 } = options;
  const { output, mean, rstd } = T.layerNorm(raw(input), normalizedShape, rawOrNull(weight), rawOrNull(bias), options);
  return record('LayerNormBackward', output, [input, weight, bias], (g, needs) => {
    if (!isGradEnabled()) return fused(T.layerNormBackward(raw(g), raw(input), normalizedShape, mean, rstd, rawOrNull(weight)), needs);
    const normalized = typeof normalizedShape === 'number' ? 1 : normalizedShape.length;
    const lead = input.ndim - normalized;
    const dims = Array.from({ length: normalized }, (_, i) => lead + i);
    const { xhat, gradInput } = standardizeBackward(input, weight === null ? g : g.mul(weight), dims, eps);
    return [needs[0] ? gradInput : null, ...affineGradients(g, () => xhat, Array.from({ length: lead }, (_, d) => d), needs)];
  }, [input, weight]);
}

/**
 * Group normalization of [N, C, *], as `F.group_norm`: the channels of each sample are split into
 * `numGroups` groups, each normalised over its channels and positions, then the per-channel
 * `weight` and `bias` [C] apply. Differentiable in `input`, `weight` and `bias`.
 *
 * @example
 * ```ts
 * const y = groupNorm(x, 2, weight, bias); // x [N, 4, H, W]: channels {0, 1} and {2, 3}
 * ```
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: T.NormalizationOptions = {},
): Tensor {
  const { eps = 1e-5 } = options;
  const { output, mean, rstd } = T.groupNorm(raw(input), numGroups, rawOrNull(weight), rawOrNull(bias), options);
  return record('GroupNormBackward', output, [input, weight, bias], (g, needs) => {
    if (!isGradEnabled()) return fused(T.groupNormBackward(raw(g), raw(input), mean, rstd, rawOrNull(weight), numGroups), needs);
    // Normalise [N, groups, C/groups · positions] over its last dim, then restore the input's shape.
    const grouped = [input.shape[0]!, numGroups, -1];
    const scaled = weight === null ? g : g.mul(weight.reshape(channelShape(input)));
    const standardized = standardizeBackward(input.reshape(grouped), scaled.reshape(grouped), [2], eps);
    const xhat = standardized.xhat.reshape([...input.shape]);
    return [needs[0] ? standardized.gradInput.reshape([...input.shape]) : null, ...affineGradients(g, () => xhat, allButChannels(input.ndim), needs)];
  }, [input, weight]);
}
