/**
 * The layers as functions (PyTorch's `F.linear`, `F.conv2d`, `F.max_pool2d`, `F.batch_norm`,
 * `F.dropout`, `F.embedding`, …) with PyTorch's argument names in camelCase. The modules call
 * these. Convolution, pooling, normalization and embedding run autograd's fused kernels; linear,
 * bilinear and dropout are composed from primitive ops.
 */
import * as ops from '@torchlet/autograd';
import { type Conv1dOptions, type Conv2dOptions, type ConvTranspose2dOptions, formatShape, type RawTensor, ShapeError, type Tensor } from '@torchlet/autograd';
import { checkDropoutProbability, normalizePaddingIdx } from '../arguments.js';

// ---- Linear -------------------------------------------------------------------------------------

/**
 * y = x·Wᵀ + b over the last dim of `input` [*, in], with `weight` [out, in] and `bias` [out].
 *
 * @example
 * ```ts
 * F.linear(x, weight, bias); // x [4, 3], weight [2, 3], bias [2] → [4, 2]
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out_features, in_features], got ${formatShape(weight.shape)}`);
  const inFeatures = input.shape[input.ndim - 1];
  if (input.ndim === 0 || inFeatures !== weight.shape[1]) {
    const rows = input.ndim === 0 ? 1 : input.numel() / Math.max(inFeatures!, 1);
    throw new ShapeError(`linear: mat1 and mat2 shapes cannot be multiplied (${rows}x${inFeatures ?? 1} and ${weight.shape[1]}x${weight.shape[0]})`);
  }
  if (bias !== undefined && bias !== null && (bias.ndim > 1 || bias.numel() !== weight.shape[0])) {
    throw new ShapeError(`linear: bias ${formatShape(bias.shape)} must have one value per output feature (${weight.shape[0]})`);
  }
  const product = ops.matmul(input, weight.t());
  return bias === undefined || bias === null ? product : product.add(bias);
}

/**
 * y = x₁ᵀ·A·x₂ + b for `input1` [*, in1], `input2` [*, in2], `weight` [out, in1, in2] and `bias`
 * [out]: y[…, o] = Σᵢⱼ x₁[…, i]·A[o, i, j]·x₂[…, j] + b[o].
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 3) throw new ShapeError(`bilinear(): weight must be 3-D [out, in1, in2], got ${formatShape(weight.shape)}`);
  if (input1.ndim !== input2.ndim) {
    throw new ShapeError(`bilinear(): input dimensions do not match: got ${input1.ndim} and ${input2.ndim}`);
  }
  if (input1.ndim === 0) throw new ShapeError('bilinear(): inputs must have at least 1 dimension, got 0-d tensors');
  for (let i = 0; i < input1.ndim - 1; i++) {
    if (input1.shape[i] !== input2.shape[i]) {
      throw new ShapeError(`bilinear(): input batch dimensions do not match: got ${input1.shape[i]} and ${input2.shape[i]}`);
    }
  }
  const [out, in1, in2] = weight.shape as [number, number, number];
  const last = input1.ndim - 1;
  if (input1.shape[last] !== in1) throw new ShapeError(`bilinear(): input1 size does not match weight size: got ${input1.shape[last]} but expected ${in1}`);
  if (input2.shape[last] !== in2) throw new ShapeError(`bilinear(): input2 size does not match weight size: got ${input2.shape[last]} but expected ${in2}`);
  if (bias !== undefined && bias !== null && bias.shape[0] !== out) {
    throw new ShapeError(`bilinear(): bias size does not match weight size: got ${bias.shape[0]} but expected ${out}`);
  }
  const lead = input1.shape.slice(0, -1);
  const x1 = input1.reshape(-1, in1);
  const x2 = input2.reshape(-1, in2);
  // x₁·A as one matmul: [B, in1] × [in1, out·in2], then contract with x₂ over in2.
  const left = ops.matmul(x1, weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2);
  let y = left.mul(x2.unsqueeze(1)).sum(-1);
  if (bias !== undefined && bias !== null) y = y.add(bias);
  return y.reshape(...lead, out);
}

// ---- Convolution --------------------------------------------------------------------------------

// The convolution options are the tensor layer's own, re-exported by autograd.
export type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions } from '@torchlet/autograd';

/**
 * 1-d convolution (cross-correlation) of [N, C, L] (or [C, L]) with `weight` [O, C/groups, k].
 *
 * @example
 * ```ts
 * F.conv1d(x, w, b, { stride: 2, padding: 1 }); // x [2, 3, 9], w [4, 3, 3] → [2, 4, 5]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  return ops.conv1d(input, weight, bias ?? undefined, options);
}

/**
 * 2-d convolution of [N, C, H, W] (or [C, H, W]) with `weight` [O, C/groups, kH, kW].
 *
 * @example
 * ```ts
 * F.conv2d(x, w, b, { stride: 2, padding: 1 }); // x [8, 3, 32, 32], w [16, 3, 3, 3] → [8, 16, 16, 16]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return ops.conv2d(input, weight, bias ?? undefined, options);
}

/**
 * 2-d transposed convolution of [N, C_in, H, W] with `weight` [C_in, C_out/groups, kH, kW]; the
 * output is (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1 high.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  return ops.convTranspose2d(input, weight, bias ?? undefined, options);
}

// ---- Pooling ------------------------------------------------------------------------------------

/** Options of {@link maxPool2d}; sizes are one number or `[height, width]`. */
export interface MaxPool2dOptions<R extends boolean = boolean> {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly number[] | null;
  /** Implicit −∞ padding on both sides (default 0, at most half the kernel). */
  padding?: number | readonly number[];
  /** Spacing between window elements (default 1). */
  dilation?: number | readonly number[];
  /** Round the output size up instead of down. */
  ceilMode?: boolean;
  /** Also return the flat position of each maximum within its input plane. */
  returnIndices?: R;
}

/** Options of {@link maxPool1d}. */
export type MaxPool1dOptions<R extends boolean = boolean> = MaxPool2dOptions<R>;

/** What max pooling returns with `returnIndices`: the maxima and their int64 positions. */
export interface MaxPoolWithIndices {
  output: Tensor;
  indices: Tensor;
}

/** The output of max pooling: a tensor, or output and indices when `returnIndices` is true. */
export type MaxPoolOutput<R extends boolean> = R extends true ? MaxPoolWithIndices : Tensor;

function maxPoolResult<R extends boolean>(result: { output: Tensor; indices: Tensor }, returnIndices: R | undefined): MaxPoolOutput<R> {
  return (returnIndices === true ? { output: result.output, indices: result.indices } : result.output) as MaxPoolOutput<R>;
}

/**
 * 1-d max pooling over the last dim of [N, C, L] or [C, L].
 *
 * @example
 * ```ts
 * F.maxPool1d(x, 2);                                              // [N, C, 8] → [N, C, 4]
 * const { output, indices } = F.maxPool1d(x, 2, { returnIndices: true });
 * ```
 */
export function maxPool1d<R extends boolean = false>(input: Tensor, kernelSize: number | readonly number[], options: MaxPool1dOptions<R> = {}): MaxPoolOutput<R> {
  const { returnIndices, ...rest } = options;
  return maxPoolResult(ops.maxPool1d(input, kernelSize as number, rest as Parameters<typeof ops.maxPool1d>[2]), returnIndices);
}

/**
 * 2-d max pooling over the last two dims of [N, C, H, W] or [C, H, W].
 *
 * @example
 * ```ts
 * F.maxPool2d(x, 2);                                                 // [N, C, 4, 6] → [N, C, 2, 3]
 * const { output, indices } = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 * ```
 */
export function maxPool2d<R extends boolean = false>(input: Tensor, kernelSize: number | readonly number[], options: MaxPool2dOptions<R> = {}): MaxPoolOutput<R> {
  const { returnIndices, ...rest } = options;
  return maxPoolResult(ops.maxPool2d(input, kernelSize, rest as Parameters<typeof ops.maxPool2d>[2]), returnIndices);
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly number[] | null;
  /** Implicit zero padding on both sides (default 0, at most half the kernel). */
  padding?: number | readonly number[];
  /** Round the output size up instead of down. */
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide each window sum by this instead of the window size. */
  divisorOverride?: number | null;
}

/** Options of {@link avgPool1d}. */
export type AvgPool1dOptions = Omit<AvgPool2dOptions, 'divisorOverride'>;

/** 1-d average pooling over the last dim of [N, C, L] or [C, L]. */
export function avgPool1d(input: Tensor, kernelSize: number | readonly number[], options: AvgPool1dOptions = {}): Tensor {
  return ops.avgPool1d(input, kernelSize as number, options as Parameters<typeof ops.avgPool1d>[2]);
}

/** 2-d average pooling over the last two dims of [N, C, H, W] or [C, H, W]. */
export function avgPool2d(input: Tensor, kernelSize: number | readonly number[], options: AvgPool2dOptions = {}): Tensor {
  return ops.avgPool2d(input, kernelSize, options);
}

/**
 * Average pooling to a fixed `outputSize` (one number, or `[height, width]` where null keeps
 * that input size); windows overlap when the sizes do not divide.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return ops.adaptiveAvgPool2d(input, outputSize);
}

// ---- Normalization ------------------------------------------------------------------------------

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Per-channel scale γ [C] (default none). */
  weight?: Tensor | null;
  /** Per-channel shift β [C] (default none). */
  bias?: Tensor | null;
  /** Normalise with the batch statistics and update the running ones (default false). */
  training?: boolean;
  /** Weight of the batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalization over [N, C, *]. In training the batch mean and biased variance normalise
 * each channel and the running statistics, when given, are updated in place (mean and unbiased
 * variance, weighted by `momentum`); in evaluation the running statistics are used.
 *
 * @example
 * ```ts
 * F.batchNorm(x, runningMean, runningVar, { weight, bias, training: true });
 * ```
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  return ops.batchNorm(input, runningMean, runningVar, weight, bias, { training, momentum, eps });
}

/** Options of {@link layerNorm} and {@link groupNorm}. */
export interface NormOptions {
  /** Elementwise scale (default none). */
  weight?: Tensor | null;
  /** Elementwise shift (default none). */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Layer normalization over the trailing `normalizedShape` dims of `input`. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: NormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  return ops.layerNorm(input, normalizedShape, weight, bias, { eps });
}

/** Group normalization: the channels of [N, C, *] split into `numGroups` groups, each normalised on its own. */
export function groupNorm(input: Tensor, numGroups: number, options: NormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new ShapeError(`group_norm: Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  return ops.groupNorm(input, numGroups, weight, bias, { eps });
}

// ---- Dropout ------------------------------------------------------------------------------------

/** Options of {@link dropout} and {@link dropout2d}. */
export interface DropoutOptions {
  /** Probability of zeroing an element or channel (default 0.5). */
  p?: number;
  /** Apply dropout (default true); when false the input is returned as is. */
  training?: boolean;
}

/** input · mask / (1 − p), with mask ~ Bernoulli(1 − p) of `noiseShape`, drawn as PyTorch's CPU kernel draws it. */
function dropWith(input: Tensor, p: number, noiseShape: readonly number[]): Tensor {
  if (p === 1) return input.mul(0);
  const noise = ops.empty([...noiseShape], { dtype: input.dtype });
  ops.noGrad(() => noise.bernoulli_(1 - p).div_(1 - p));
  return input.mul(noise);
}

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1 − p), drawing from the
 * default generator; the identity when not training.
 *
 * @example
 * ```ts
 * F.dropout(x, { p: 0.2, training: model.training });
 * ```
 */
export function dropout(input: Tensor, options: DropoutOptions = {}): Tensor {
  const { p = 0.5, training = true } = options;
  checkDropoutProbability('dropout', p);
  if (p === 0 || !training || input.numel() === 0) return input;
  return dropWith(input, p, input.shape);
}

/**
 * Zeroes whole channels of [N, C, *] with probability `p` (one draw per sample and channel) and
 * scales the rest by 1/(1 − p), as `F.dropout2d` (PyTorch's `feature_dropout`).
 */
export function dropout2d(input: Tensor, options: DropoutOptions = {}): Tensor {
  const { p = 0.5, training = true } = options;
  checkDropoutProbability('dropout2d', p);
  if (p === 0 || !training || input.numel() === 0) return input;
  // Checked only when dropping, as PyTorch checks when it draws the noise.
  if (input.ndim < 2) {
    throw new ShapeError(`dropout2d: Feature dropout requires at least 2 dimensions in the input, got ${formatShape(input.shape)}`);
  }
  return dropWith(input, p, input.shape.map((size, d) => (d < 2 ? size : 1)));
}

// ---- Embedding ----------------------------------------------------------------------------------

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** This row receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are first rescaled to it, in place. */
  maxNorm?: number | null;
  /** The p of the p-norm compared with `maxNorm` (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often the row was looked up in the batch (default false). */
  scaleGradByFreq?: boolean;
  /** Make the weight's gradient a sparse tensor holding only the rows looked up (default false). */
  sparse?: boolean;
}

/**
 * Looks up rows of `weight` [numEmbeddings, D] by the integer `input` (any shape): the output is
 * [...input.shape, D].
 *
 * @example
 * ```ts
 * F.embedding(tokenIds, table, { paddingIdx: 0 }); // [B, T] ids, [V, D] table → [B, T, D]
 * ```
 */
export function embedding(input: RawTensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [num_embeddings, embedding_dim], got ${formatShape(weight.shape)}`);
  const paddingIdx = normalizePaddingIdx('embedding', options.paddingIdx, weight.shape[0]!);
  const { maxNorm = null, normType = 2, scaleGradByFreq = false, sparse = false } = options;
  return ops.embedding(input, weight, { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse });
}
