/**
 * Convolutions: `conv1d`, `conv2d`, `convTranspose1d`, `convTranspose2d` and the input and weight
 * gradients that autograd calls. This file checks shapes and options and lays out a 2-d
 * {@link ConvGeometry} (1-d convolutions have height 1); the three kernels on it live in
 * `kernels/conv-gemm.ts`: the forward (im2col, then weight × columns), the input gradient
 * (weightᵀ × gradient, then col2im) and the weight gradient (gradient × columnsᵀ, summed over the
 * batch). A transposed convolution is the input gradient of a convolution, and its gradients are
 * that convolution's forward and weight gradient with the operands swapped.
 * @packageDocumentation
 */
import { requireFloat } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { backwardInputKernel, backwardWeightKernel, type FloatDType, forwardKernel } from '../kernels/conv-gemm.js';
import type { ConvGeometry, FloatArray } from '../kernels/im2col.js';
import { formatShape, sameShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Options of {@link conv2d} and its gradients; sizes are one number for both dims or [height, width]. */
export interface Conv2dOptions {
  /** Step between output positions (default 1). */
  stride?: number | readonly [number, number];
  /**
   * Zeros added on both sides (default 0), or `'valid'` (none) or `'same'` (output as large as the
   * input; stride 1 only; an odd total puts the extra zero at the end, as PyTorch does).
   */
  padding?: number | readonly [number, number] | 'valid' | 'same';
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number, number];
  /** Channel groups: input and output channels split into `groups` independent convolutions (default 1). */
  groups?: number;
}

/** Options of {@link conv1d} and its gradients, as {@link Conv2dOptions} for one spatial dim. */
export interface Conv1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number] | 'valid' | 'same';
  dilation?: number | readonly [number];
  groups?: number;
}

/** Options of {@link convTranspose2d} and its gradients. */
export interface ConvTranspose2dOptions {
  /** Step between input positions in the output (default 1). */
  stride?: number | readonly [number, number];
  /** Rows and columns removed from both sides of the output (default 0). */
  padding?: number | readonly [number, number];
  /** Extra rows and columns added at the end of the output, each smaller than stride or dilation (default 0). */
  outputPadding?: number | readonly [number, number];
  /** Channel groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number, number];
}

/** Options of {@link convTranspose1d} and its gradients, as {@link ConvTranspose2dOptions} for one spatial dim. */
export interface ConvTranspose1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number];
  outputPadding?: number | readonly [number];
  groups?: number;
  dilation?: number | readonly [number];
}

type Spatial = 1 | 2;

/** What the public ops share: the geometry in forward-conv direction and the user-facing shapes. */
interface Resolved {
  geometry: ConvGeometry;
  batched: boolean;
  /** Output shape of the op as called (the conv output, or the transposed conv output). */
  outputShape: number[];
  /** Channels of that output: what a bias must have one value for. */
  outChannels: number;
}

// ---------------------------------------------------------------------------------------------
// Forward convolution

/**
 * 2-d convolution over [N, C, H, W] (or unbatched [C, H, W]) with `weight` [O, C/groups, kH, kW]
 * and optional `bias` [O], as PyTorch's `F.conv2d` (cross-correlation). Float32 and float64 only.
 *
 * @example
 * ```ts
 * const y = conv2d(x, w, b, { stride: 2, padding: 1 }); // x [8,3,32,32], w [16,3,3,3] → [8,16,16,16]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return runForward('conv2d', 2, convolution, input, weight, bias ?? undefined, options);
}

/**
 * 1-d convolution over [N, C, L] (or unbatched [C, L]) with `weight` [O, C/groups, k] and optional
 * `bias` [O], as PyTorch's `F.conv1d`.
 *
 * @example
 * ```ts
 * const y = conv1d(x, w, b, { stride: 2, padding: 1 }); // x [2,3,9], w [4,3,3] → [2,4,5]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  return runForward('conv1d', 1, convolution, input, weight, bias ?? undefined, options);
}

// ---------------------------------------------------------------------------------------------
// Convolution gradients

/**
 * Gradient of {@link conv2d} with respect to its input, given the gradient of its output and the
 * same weight and options: a [N, C, H, W] tensor of `inputShape`.
 */
export function conv2dBackwardInput(gradOutput: Tensor, weight: Tensor, inputShape: Shape, options: Conv2dOptions = {}): Tensor {
  return runBackwardInput('conv2dBackwardInput', 2, convolution, gradOutput, weight, inputShape, options);
}

/** Gradient of {@link conv1d} with respect to its input (see {@link conv2dBackwardInput}). */
export function conv1dBackwardInput(gradOutput: Tensor, weight: Tensor, inputShape: Shape, options: Conv1dOptions = {}): Tensor {
  return runBackwardInput('conv1dBackwardInput', 1, convolution, gradOutput, weight, inputShape, options);
}

/**
 * Gradient of {@link conv2d} with respect to its weight, given the gradient of its output and the
 * same input and options: a tensor of `weightShape` [O, C/groups, kH, kW], summed over the batch.
 */
export function conv2dBackwardWeight(gradOutput: Tensor, input: Tensor, weightShape: Shape, options: Conv2dOptions = {}): Tensor {
  return runBackwardWeight('conv2dBackwardWeight', 2, convolution, gradOutput, input, weightShape, options);
}

/** Gradient of {@link conv1d} with respect to its weight (see {@link conv2dBackwardWeight}). */
export function conv1dBackwardWeight(gradOutput: Tensor, input: Tensor, weightShape: Shape, options: Conv1dOptions = {}): Tensor {
  return runBackwardWeight('conv1dBackwardWeight', 1, convolution, gradOutput, input, weightShape, options);
}

// ---------------------------------------------------------------------------------------------
// Transposed convolution and its gradients

/**
 * 2-d transposed convolution ("deconvolution") over [N, C_in, H, W] (or unbatched) with `weight`
 * [C_in, C_out/groups, kH, kW] and optional `bias` [C_out], as PyTorch's `F.conv_transpose2d`.
 * The output size is (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1.
 *
 * @example
 * ```ts
 * const y = convTranspose2d(x, w, b, { stride: 2, padding: 1 }); // x [1,2,3,3], w [2,3,3,3] → [1,3,5,5]
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  return runForward('convTranspose2d', 2, transposedConvolution, input, weight, bias ?? undefined, options);
}

/** 1-d transposed convolution over [N, C_in, L] with `weight` [C_in, C_out/groups, k], as PyTorch's `F.conv_transpose1d`. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  return runForward('convTranspose1d', 1, transposedConvolution, input, weight, bias ?? undefined, options);
}

/**
 * Gradient of {@link convTranspose2d} with respect to its input: the convolution
 * `conv2d(gradOutput, weight)` with the same stride, padding, dilation and groups, cropped to
 * `inputShape`.
 */
export function convTranspose2dBackwardInput(
  gradOutput: Tensor,
  weight: Tensor,
  inputShape: Shape,
  options: ConvTranspose2dOptions = {},
): Tensor {
  return runBackwardInput('convTranspose2dBackwardInput', 2, transposedConvolution, gradOutput, weight, inputShape, options);
}

/** Gradient of {@link convTranspose1d} with respect to its input (see {@link convTranspose2dBackwardInput}). */
export function convTranspose1dBackwardInput(
  gradOutput: Tensor,
  weight: Tensor,
  inputShape: Shape,
  options: ConvTranspose1dOptions = {},
): Tensor {
  return runBackwardInput('convTranspose1dBackwardInput', 1, transposedConvolution, gradOutput, weight, inputShape, options);
}

/** Gradient of {@link convTranspose2d} with respect to its weight [C_in, C_out/groups, kH, kW], summed over the batch. */
export function convTranspose2dBackwardWeight(
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: ConvTranspose2dOptions = {},
): Tensor {
  return runBackwardWeight('convTranspose2dBackwardWeight', 2, transposedConvolution, gradOutput, input, weightShape, options);
}

/** Gradient of {@link convTranspose1d} with respect to its weight (see {@link convTranspose2dBackwardWeight}). */
export function convTranspose1dBackwardWeight(
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: ConvTranspose1dOptions = {},
): Tensor {
  return runBackwardWeight('convTranspose1dBackwardWeight', 1, transposedConvolution, gradOutput, input, weightShape, options);
}

// ---------------------------------------------------------------------------------------------
// What every op does: check dtypes and shapes, lay out the geometry, run one kernel

/** A kernel that computes an activation (an output or an input gradient) from another and the weight. */
type ActivationKernel = (geometry: ConvGeometry, activation: Tensor, weight: Tensor, bias: Tensor | undefined, dtype: FloatDType) => FloatArray;

/**
 * How one family of public ops maps onto the kernels, each kernel taken in the op's own terms. A
 * convolution runs them as named. A transposed convolution is a convolution's input gradient, so
 * its forward and input gradient swap kernels, and its weight gradient swaps the operands.
 */
interface Family<Options> {
  /** Validates shapes and options and lays out the geometry in forward-conv direction. */
  resolve: (op: string, spatial: Spatial, inputShape: Shape, weightShape: Shape, options: Options) => Resolved;
  forward: ActivationKernel;
  backwardInput: ActivationKernel;
  backwardWeight: (geometry: ConvGeometry, gradOutput: Tensor, input: Tensor, dtype: FloatDType) => FloatArray;
}

const convolution: Family<ConvOptions> = {
  resolve: resolveConv,
  forward: forwardKernel,
  backwardInput: backwardInputKernel,
  backwardWeight: backwardWeightKernel,
};

const transposedConvolution: Family<TransposeOptions> = {
  resolve: resolveTranspose,
  forward: backwardInputKernel,
  backwardInput: forwardKernel,
  // In the forward-conv view the transposed input plays the output gradient and vice versa.
  backwardWeight: (geometry, gradOutput, input, dtype) => backwardWeightKernel(geometry, input, gradOutput, dtype),
};

function runForward<Options>(
  op: string,
  spatial: Spatial,
  family: Family<Options>,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  options: Options,
): Tensor {
  const dtype = commonFloatDType(op, { input, weight, bias });
  const resolved = family.resolve(op, spatial, input.shape, weight.shape, options);
  checkBias(op, bias, resolved.outChannels, weight.shape);
  const data = family.forward(resolved.geometry, view4d(input, spatial, resolved.batched), view4d(weight, spatial, true), bias, dtype);
  return Tensor.fromData(data, resolved.outputShape, dtype);
}

function runBackwardInput<Options>(
  op: string,
  spatial: Spatial,
  family: Family<Options>,
  gradOutput: Tensor,
  weight: Tensor,
  inputShape: Shape,
  options: Options,
): Tensor {
  const dtype = commonFloatDType(op, { gradOutput, weight });
  checkSizes(op, 'inputShape', inputShape);
  const resolved = family.resolve(op, spatial, inputShape, weight.shape, options);
  checkGradOutput(op, gradOutput, resolved.outputShape);
  const gradient = view4d(gradOutput, spatial, resolved.batched);
  const data = family.backwardInput(resolved.geometry, gradient, view4d(weight, spatial, true), undefined, dtype);
  return Tensor.fromData(data, inputShape, dtype);
}

function runBackwardWeight<Options>(
  op: string,
  spatial: Spatial,
  family: Family<Options>,
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: Options,
): Tensor {
  const dtype = commonFloatDType(op, { gradOutput, input });
  checkSizes(op, 'weightShape', weightShape);
  const resolved = family.resolve(op, spatial, input.shape, weightShape, options);
  checkGradOutput(op, gradOutput, resolved.outputShape);
  const gradient = view4d(gradOutput, spatial, resolved.batched);
  const data = family.backwardWeight(resolved.geometry, gradient, view4d(input, spatial, resolved.batched), dtype);
  return Tensor.fromData(data, weightShape, dtype);
}

/**
 * A 4-d [N, C, H, W] view of an activation ([N, C, ...spatial] or unbatched [C, ...spatial]) or
 * [O, C/groups, kH, kW] view of a weight, sharing storage. Added dims have size 1 and stride 0.
 */
function view4d(t: Tensor, spatial: Spatial, batched: boolean): Tensor {
  const shape = [...t.shape];
  const strides = [...t.strides];
  if (!batched) {
    shape.unshift(1);
    strides.unshift(0);
  }
  if (spatial === 1) {
    shape.splice(2, 0, 1);
    strides.splice(2, 0, 0);
  }
  return new Tensor(t.storage, shape, strides, t.offset, t.dtype);
}

// ---------------------------------------------------------------------------------------------
// Validation and geometry

type Sizes = number | readonly number[];

interface ConvOptions {
  stride?: Sizes;
  padding?: Sizes | 'valid' | 'same';
  dilation?: Sizes;
  groups?: number;
}

interface TransposeOptions {
  stride?: Sizes;
  padding?: Sizes;
  outputPadding?: Sizes;
  dilation?: Sizes;
  groups?: number;
}

const labels = {
  1: { input: '[N,C,L]', unbatched: '[C,L]', weight: '[O,C/groups,k]', transposedWeight: '[C_in,C_out/groups,k]' },
  2: { input: '[N,C,H,W]', unbatched: '[C,H,W]', weight: '[O,C/groups,kH,kW]', transposedWeight: '[C_in,C_out/groups,kH,kW]' },
} as const;

/** Validates a convolution's shapes and options and lays out its geometry. */
function resolveConv(op: string, spatial: Spatial, inputShape: Shape, weightShape: Shape, options: ConvOptions): Resolved {
  const { batched, batch, channels, sizes } = splitInput(op, spatial, inputShape);
  const label = labels[spatial];
  if (weightShape.length !== spatial + 2) {
    throw new ShapeError(`${op}: expected weight ${label.weight} with ${spatial + 2} dims, got ${formatShape(weightShape)}`);
  }
  const groups = groupsOption(op, options.groups);
  const [outChannels, channelsPerGroup] = weightShape as [number, number];
  const kernel = weightShape.slice(2);
  if (outChannels % groups !== 0) {
    throw new ShapeError(`${op}: groups=${groups} must divide the ${outChannels} output channels of weight ${formatShape(weightShape)}`);
  }
  if (channels % groups !== 0) {
    throw new ShapeError(`${op}: groups=${groups} must divide the ${channels} channels of input ${formatShape(inputShape)}`);
  }
  if (channels !== channelsPerGroup * groups) {
    throw new ShapeError(
      `${op}: expected input ${label.input} with C=${channels} channels to match weight ${formatShape(weightShape)} ` +
        `(${channelsPerGroup} per group × ${groups} groups); input is ${formatShape(inputShape)}`,
    );
  }
  const stride = sizesOption(op, 'stride', options.stride, 1, spatial, 1);
  const dilation = sizesOption(op, 'dilation', options.dilation, 1, spatial, 1);
  let padBegin: number[];
  let padEnd: number[];
  if (options.padding === 'valid') {
    padBegin = padEnd = new Array<number>(spatial).fill(0);
  } else if (options.padding === 'same') {
    if (stride.some((s) => s !== 1)) {
      throw new InvalidArgumentError(`${op}: padding='same' requires stride 1, got stride ${show(options.stride)}`);
    }
    // PyTorch pads total//2 on both sides and the odd remainder at the end.
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    padBegin = total.map((t) => Math.floor(t / 2));
    padEnd = total.map((t, i) => t - padBegin[i]!);
  } else {
    if (typeof options.padding === 'string') {
      throw new InvalidArgumentError(`${op}: padding must be an integer, a list of ${spatial}, 'valid' or 'same', got ${show(options.padding)}`);
    }
    padBegin = padEnd = sizesOption(op, 'padding', options.padding, 0, spatial, 0);
  }
  const dilatedKernel = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  const padded = sizes.map((s, i) => s + padBegin[i]! + padEnd[i]!);
  const outSizes = padded.map((p, i) => Math.floor((p - dilatedKernel[i]!) / stride[i]!) + 1);
  if (outSizes.some((s) => s <= 0)) {
    throw new ShapeError(
      `${op}: input ${formatShape(inputShape)} padded to ${formatShape(padded)} is smaller than the dilated kernel ` +
        `${formatShape(dilatedKernel)}, so the output size ${formatShape(outSizes)} is not positive`,
    );
  }
  return {
    geometry: geometry2d({
      batch, inChannels: channels, outChannels, groups, inSizes: sizes, outSizes, kernel, stride, padBegin, dilation,
    }),
    batched,
    outputShape: batched ? [batch, outChannels, ...outSizes] : [outChannels, ...outSizes],
    outChannels,
  };
}

/**
 * Validates a transposed convolution's shapes and options and lays out the geometry of the
 * convolution it is the input gradient of: that conv's input is this op's output and vice versa.
 */
function resolveTranspose(op: string, spatial: Spatial, inputShape: Shape, weightShape: Shape, options: TransposeOptions): Resolved {
  const { batched, batch, channels, sizes } = splitInput(op, spatial, inputShape);
  const label = labels[spatial];
  if (weightShape.length !== spatial + 2) {
    throw new ShapeError(`${op}: expected weight ${label.transposedWeight} with ${spatial + 2} dims, got ${formatShape(weightShape)}`);
  }
  const groups = groupsOption(op, options.groups);
  const [weightInChannels, outChannelsPerGroup] = weightShape as [number, number];
  const kernel = weightShape.slice(2);
  if (weightInChannels % groups !== 0) {
    throw new ShapeError(`${op}: groups=${groups} must divide the ${weightInChannels} input channels of weight ${formatShape(weightShape)}`);
  }
  if (channels !== weightInChannels) {
    throw new ShapeError(
      `${op}: expected input ${label.input} with C=${channels} channels to match weight ${formatShape(weightShape)} ` +
        `(${weightInChannels} input channels); input is ${formatShape(inputShape)}`,
    );
  }
  const stride = sizesOption(op, 'stride', options.stride, 1, spatial, 1);
  const padding = sizesOption(op, 'padding', options.padding, 0, spatial, 0);
  const outputPadding = sizesOption(op, 'outputPadding', options.outputPadding, 0, spatial, 0);
  const dilation = sizesOption(op, 'dilation', options.dilation, 1, spatial, 1);
  if (outputPadding.some((p, i) => p >= stride[i]! && p >= dilation[i]!)) {
    throw new InvalidArgumentError(
      `${op}: outputPadding ${formatShape(outputPadding)} must be smaller than stride ${formatShape(stride)} or dilation ${formatShape(dilation)}`,
    );
  }
  const outSizes = sizes.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1);
  if (outSizes.some((s) => s <= 0)) {
    throw new ShapeError(
      `${op}: output size ${formatShape(outSizes)} is not positive for input ${formatShape(inputShape)}, weight ` +
        `${formatShape(weightShape)}, stride ${formatShape(stride)}, padding ${formatShape(padding)} and dilation ${formatShape(dilation)}`,
    );
  }
  const outChannels = outChannelsPerGroup * groups;
  return {
    geometry: geometry2d({
      batch, inChannels: outChannels, outChannels: channels, groups, inSizes: outSizes, outSizes: sizes, kernel, stride, padBegin: padding, dilation,
    }),
    batched,
    outputShape: batched ? [batch, outChannels, ...outSizes] : [outChannels, ...outSizes],
    outChannels,
  };
}

/** Reads [N, C, ...spatial] or unbatched [C, ...spatial]. */
function splitInput(op: string, spatial: Spatial, shape: Shape): { batched: boolean; batch: number; channels: number; sizes: number[] } {
  const label = labels[spatial];
  if (shape.length !== spatial + 1 && shape.length !== spatial + 2) {
    throw new ShapeError(`${op}: expected input ${label.input} or unbatched ${label.unbatched}, got ${formatShape(shape)}`);
  }
  const batched = shape.length === spatial + 2;
  return { batched, batch: batched ? shape[0]! : 1, channels: shape[batched ? 1 : 0]!, sizes: shape.slice(batched ? 2 : 1) };
}

/** Lifts per-dim sizes (1 or 2 of each) to the 2-d geometry; 1-d convs get a neutral height. */
function geometry2d(parts: {
  batch: number; inChannels: number; outChannels: number; groups: number; inSizes: number[]; outSizes: number[];
  kernel: number[]; stride: number[]; padBegin: number[]; dilation: number[];
}): ConvGeometry {
  const lift = (values: number[], neutral: number): [number, number] => (values.length === 1 ? [neutral, values[0]!] : [values[0]!, values[1]!]);
  const [inHeight, inWidth] = lift(parts.inSizes, 1);
  const [outHeight, outWidth] = lift(parts.outSizes, 1);
  const [kernelHeight, kernelWidth] = lift(parts.kernel, 1);
  const [strideHeight, strideWidth] = lift(parts.stride, 1);
  const [padTop, padLeft] = lift(parts.padBegin, 0);
  const [dilationHeight, dilationWidth] = lift(parts.dilation, 1);
  const { batch, inChannels, outChannels, groups } = parts;
  return {
    batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, groups,
    kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth,
  };
}

function groupsOption(op: string, groups: number | undefined): number {
  const value = groups ?? 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${op}: groups must be a positive integer, got ${show(groups)}`);
  }
  return value;
}

/** Reads a size option given as one integer or one per spatial dim, each at least `min`. */
function sizesOption(op: string, name: string, value: unknown, fallback: number, spatial: Spatial, min: 0 | 1): number[] {
  if (value === undefined) return new Array<number>(spatial).fill(fallback);
  const list: unknown[] | undefined =
    typeof value === 'number' ? new Array<number>(spatial).fill(value) : Array.isArray(value) && value.length === spatial ? value : undefined;
  if (!list || !list.every((v) => Number.isInteger(v))) {
    throw new InvalidArgumentError(`${op}: ${name} must be an integer or a list of ${spatial}, got ${show(value)}`);
  }
  const sizes = list as number[];
  if (sizes.some((v) => v < min)) {
    throw new InvalidArgumentError(`${op}: ${name} must be ${min === 1 ? 'positive' : 'non-negative'}, got ${show(value)}`);
  }
  return [...sizes];
}

function checkSizes(op: string, name: string, shape: Shape): void {
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new ShapeError(`${op}: ${name} must be a list of non-negative integers, got ${show(shape)}`);
  }
}

function checkBias(op: string, bias: Tensor | undefined, channels: number, weightShape: Shape): void {
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== channels)) {
    throw new ShapeError(`${op}: expected bias [${channels}] for weight ${formatShape(weightShape)}, got ${formatShape(bias.shape)}`);
  }
}

function checkGradOutput(op: string, gradOutput: Tensor, expected: Shape): void {
  if (!sameShape(gradOutput.shape, expected)) {
    throw new ShapeError(`${op}: gradOutput ${formatShape(gradOutput.shape)} does not match the output shape ${formatShape(expected)}`);
  }
}

/** Requires every given tensor to be float32 or float64, all of one dtype, which it returns. */
function commonFloatDType(op: string, tensors: Record<string, Tensor | undefined>): FloatDType {
  let first: [string, Tensor] | undefined;
  for (const [name, t] of Object.entries(tensors)) {
    if (!t) continue;
    requireFloat(op, name, t.dtype);
    if (!first) first = [name, t];
    else if (t.dtype !== first[1].dtype) {
      throw new DTypeError(`${op}: ${name} is ${t.dtype} but ${first[0]} is ${first[1].dtype}; convert one so the dtypes match`);
    }
  }
  return first![1].dtype as FloatDType;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(',')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
