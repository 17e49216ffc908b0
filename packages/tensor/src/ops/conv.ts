/**
 * Convolutions: `conv1d`, `conv2d`, `convTranspose1d`, `convTranspose2d` and the input and weight
 * gradients that autograd calls. Every one reduces to three kernels on a 2-d {@link ConvGeometry}
 * (1-d convolutions have height 1): the forward (im2col, then weight × columns), the input gradient
 * (weightᵀ × gradient, then col2im) and the weight gradient (gradient × columnsᵀ, summed over the
 * batch). A transposed convolution is the input gradient of a convolution, and its gradients are
 * that convolution's forward and weight gradient with the operands swapped.
 * @packageDocumentation
 */
import { getBackend } from '../backend/index.js';
import { allocate, requireFloat } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { col2im, type ConvGeometry, type FloatArray, im2col, scratchBuffer, validColumns } from '../kernels/im2col.js';
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
type FloatDType = 'float32' | 'float64';

/** What the public ops share: the geometry in forward-conv direction and the user-facing shapes. */
interface Resolved {
  geometry: ConvGeometry;
  batched: boolean;
  /** Output shape of the op as called (the conv output, or the transposed conv output). */
  outputShape: number[];
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
  return convForward('conv2d', 2, input, weight, bias ?? undefined, options);
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
  return convForward('conv1d', 1, input, weight, bias ?? undefined, options);
}

function convForward(op: string, spatial: Spatial, input: Tensor, weight: Tensor, bias: Tensor | undefined, options: ConvOptions): Tensor {
  const dtype = commonFloatDType(op, { input, weight, bias });
  const resolved = resolveConv(op, spatial, input.shape, weight.shape, options);
  checkBias(op, bias, resolved.geometry.outChannels, weight.shape);
  const data = forwardKernel(resolved.geometry, view4d(input, spatial, resolved.batched), view4d(weight, spatial, true), bias, dtype);
  return Tensor.fromData(data, resolved.outputShape, dtype);
}

// ---------------------------------------------------------------------------------------------
// Convolution gradients

/**
 * Gradient of {@link conv2d} with respect to its input, given the gradient of its output and the
 * same weight and options: a [N, C, H, W] tensor of `inputShape`.
 */
export function conv2dBackwardInput(gradOutput: Tensor, weight: Tensor, inputShape: Shape, options: Conv2dOptions = {}): Tensor {
  return convBackwardInput('conv2dBackwardInput', 2, gradOutput, weight, inputShape, options);
}

/** Gradient of {@link conv1d} with respect to its input (see {@link conv2dBackwardInput}). */
export function conv1dBackwardInput(gradOutput: Tensor, weight: Tensor, inputShape: Shape, options: Conv1dOptions = {}): Tensor {
  return convBackwardInput('conv1dBackwardInput', 1, gradOutput, weight, inputShape, options);
}

/**
 * Gradient of {@link conv2d} with respect to its weight, given the gradient of its output and the
 * same input and options: a tensor of `weightShape` [O, C/groups, kH, kW], summed over the batch.
 */
export function conv2dBackwardWeight(gradOutput: Tensor, input: Tensor, weightShape: Shape, options: Conv2dOptions = {}): Tensor {
  return convBackwardWeight('conv2dBackwardWeight', 2, gradOutput, input, weightShape, options);
}

/** Gradient of {@link conv1d} with respect to its weight (see {@link conv2dBackwardWeight}). */
export function conv1dBackwardWeight(gradOutput: Tensor, input: Tensor, weightShape: Shape, options: Conv1dOptions = {}): Tensor {
  return convBackwardWeight('conv1dBackwardWeight', 1, gradOutput, input, weightShape, options);
}

function convBackwardInput(
  op: string,
  spatial: Spatial,
  gradOutput: Tensor,
  weight: Tensor,
  inputShape: Shape,
  options: ConvOptions,
): Tensor {
  const dtype = commonFloatDType(op, { gradOutput, weight });
  checkSizes(op, 'inputShape', inputShape);
  const resolved = resolveConv(op, spatial, inputShape, weight.shape, options);
  checkGradOutput(op, gradOutput, resolved.outputShape);
  const data = backwardInputKernel(
    resolved.geometry,
    view4d(gradOutput, spatial, resolved.batched),
    view4d(weight, spatial, true),
    undefined,
    dtype,
  );
  return Tensor.fromData(data, inputShape, dtype);
}

function convBackwardWeight(
  op: string,
  spatial: Spatial,
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: ConvOptions,
): Tensor {
  const dtype = commonFloatDType(op, { gradOutput, input });
  checkSizes(op, 'weightShape', weightShape);
  const resolved = resolveConv(op, spatial, input.shape, weightShape, options);
  checkGradOutput(op, gradOutput, resolved.outputShape);
  const data = backwardWeightKernel(
    resolved.geometry,
    view4d(gradOutput, spatial, resolved.batched),
    view4d(input, spatial, resolved.batched),
    dtype,
  );
  return Tensor.fromData(data, weightShape, dtype);
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
  return transposeForward('convTranspose2d', 2, input, weight, bias ?? undefined, options);
}

/** 1-d transposed convolution over [N, C_in, L] with `weight` [C_in, C_out/groups, k], as PyTorch's `F.conv_transpose1d`. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  return transposeForward('convTranspose1d', 1, input, weight, bias ?? undefined, options);
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
  return transposeBackwardInput('convTranspose2dBackwardInput', 2, gradOutput, weight, inputShape, options);
}

/** Gradient of {@link convTranspose1d} with respect to its input (see {@link convTranspose2dBackwardInput}). */
export function convTranspose1dBackwardInput(
  gradOutput: Tensor,
  weight: Tensor,
  inputShape: Shape,
  options: ConvTranspose1dOptions = {},
): Tensor {
  return transposeBackwardInput('convTranspose1dBackwardInput', 1, gradOutput, weight, inputShape, options);
}

/** Gradient of {@link convTranspose2d} with respect to its weight [C_in, C_out/groups, kH, kW], summed over the batch. */
export function convTranspose2dBackwardWeight(
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: ConvTranspose2dOptions = {},
): Tensor {
  return transposeBackwardWeight('convTranspose2dBackwardWeight', 2, gradOutput, input, weightShape, options);
}

/** Gradient of {@link convTranspose1d} with respect to its weight (see {@link convTranspose2dBackwardWeight}). */
export function convTranspose1dBackwardWeight(
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: ConvTranspose1dOptions = {},
): Tensor {
  return transposeBackwardWeight('convTranspose1dBackwardWeight', 1, gradOutput, input, weightShape, options);
}

function transposeForward(
  op: string,
  spatial: Spatial,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  options: TransposeOptions,
): Tensor {
  const dtype = commonFloatDType(op, { input, weight, bias });
  const resolved = resolveTranspose(op, spatial, input.shape, weight.shape, options);
  checkBias(op, bias, resolved.geometry.inChannels, weight.shape);
  const data = backwardInputKernel(resolved.geometry, view4d(input, spatial, resolved.batched), view4d(weight, spatial, true), bias, dtype);
  return Tensor.fromData(data, resolved.outputShape, dtype);
}

function transposeBackwardInput(
  op: string,
  spatial: Spatial,
  gradOutput: Tensor,
  weight: Tensor,
  inputShape: Shape,
  options: TransposeOptions,
): Tensor {
  const dtype = commonFloatDType(op, { gradOutput, weight });
  checkSizes(op, 'inputShape', inputShape);
  const resolved = resolveTranspose(op, spatial, inputShape, weight.shape, options);
  checkGradOutput(op, gradOutput, resolved.outputShape);
  const data = forwardKernel(
    resolved.geometry,
    view4d(gradOutput, spatial, resolved.batched),
    view4d(weight, spatial, true),
    undefined,
    dtype,
  );
  return Tensor.fromData(data, inputShape, dtype);
}

function transposeBackwardWeight(
  op: string,
  spatial: Spatial,
  gradOutput: Tensor,
  input: Tensor,
  weightShape: Shape,
  options: TransposeOptions,
): Tensor {
  const dtype = commonFloatDType(op, { gradOutput, input });
  checkSizes(op, 'weightShape', weightShape);
  const resolved = resolveTranspose(op, spatial, input.shape, weightShape, options);
  checkGradOutput(op, gradOutput, resolved.outputShape);
  // In the forward-conv view the transposed input plays the output gradient and vice versa.
  const data = backwardWeightKernel(
    resolved.geometry,
    view4d(input, spatial, resolved.batched),
    view4d(gradOutput, spatial, resolved.batched),
    dtype,
  );
  return Tensor.fromData(data, weightShape, dtype);
}

// ---------------------------------------------------------------------------------------------
// Kernels on the 2-d geometry. Tensors here are 4-d views: [N, C, H, W] activations and
// [O, C/groups, kH, kW] weights, read through their strides.

/**
 * A 1×1 kernel with stride 1 and no padding maps each pixel to itself, so the input already is
 * the column matrix: such convolutions skip im2col.
 */
function isPointwise(g: ConvGeometry): boolean {
  return g.kernelHeight === 1 && g.kernelWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth;
}

/** output[n, g·Og + o] = W_g[o, :] · im2col(input[n, g]) (+ bias). */
function forwardKernel(geometry: ConvGeometry, input: Tensor, weight: Tensor, bias: Tensor | undefined, dtype: FloatDType): FloatArray {
  const { batch, inChannels, outChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const outPlane = outHeight * outWidth;
  const out = allocate(dtype, batch * outChannels * outPlane) as FloatArray;
  fillBias(out, bias, batch, outChannels, outPlane);
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const k = cg * kernelHeight * kernelWidth;
  if (out.length === 0 || k === 0) return out;
  const pixelStride = isPointwise(geometry) ? mergedStride(input, 2) : undefined;
  if (og === 1 && pixelStride === undefined) {
    directKernel('forward', geometry, input, weight, Tensor.fromData(out, [batch, outChannels, outHeight, outWidth], dtype));
    return out;
  }
  const w = asMatrix(weight, 1);
  const x = input.storage.data as FloatArray;
  const [sN, sC, sH, sW] = input.strides as [number, number, number, number];
  const cols = pixelStride === undefined ? scratchBuffer(dtype, k * outPlane) : undefined;
  const backend = getBackend();
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const inputOffset = input.offset + n * sN + g * cg * sC;
      if (cols) im2col(geometry, x, inputOffset, sC, sH, sW, cg, cols);
      backend.gemm({
        m: og, n: outPlane, k, alpha: 1,
        a: w.data, aOffset: w.offset + g * og * w.rowStride, aRowStride: w.rowStride, aColStride: w.columnStride,
        ...(cols
          ? { b: cols, bOffset: 0, bRowStride: outPlane, bColStride: 1 }
          : { b: x, bOffset: inputOffset, bRowStride: sC, bColStride: pixelStride! }),
        beta: bias ? 1 : 0, c: out, cOffset: (n * outChannels + g * og) * outPlane,
      });
    }
  }
  return out;
}

/** gradInput[n, g] = col2im(W_gᵀ · gradOutput[n, g]) (+ bias, when this is a transposed conv's forward). */
function backwardInputKernel(
  geometry: ConvGeometry,
  gradOutput: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  dtype: FloatDType,
): FloatArray {
  const { batch, inChannels, inHeight, inWidth, outChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const plane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  const out = allocate(dtype, batch * inChannels * plane) as FloatArray;
  fillBias(out, bias, batch, inChannels, plane);
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const k = cg * kernelHeight * kernelWidth;
  if (out.length === 0 || k === 0 || og === 0 || outPlane === 0) return out;
  const pointwise = isPointwise(geometry);
  if (og === 1 && !pointwise) {
    directKernel('input', geometry, Tensor.fromData(out, [batch, inChannels, inHeight, inWidth], dtype), weight, gradOutput);
    return out;
  }
  const w = asMatrix(weight, 1);
  const dy = asMatrix(gradOutput, 2);
  const cols = pointwise ? undefined : scratchBuffer(dtype, k * outPlane);
  const backend = getBackend();
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const target = (n * inChannels + g * cg) * plane;
      backend.gemm({
        m: k, n: outPlane, k: og, alpha: 1,
        a: w.data, aOffset: w.offset + g * og * w.rowStride, aRowStride: w.columnStride, aColStride: w.rowStride,
        b: dy.data, bOffset: dy.offset + n * dy.batchStride + g * og * dy.rowStride, bRowStride: dy.rowStride, bColStride: dy.columnStride,
        ...(cols ? { beta: 0, c: cols, cOffset: 0 } : { beta: bias ? 1 : 0, c: out, cOffset: target }),
      });
      if (cols) col2im(geometry, cols, cg, out, target);
    }
  }
  return out;
}

/** gradWeight[g·Og + o] = Σ_n gradOutput[n, g·Og + o] · im2col(input[n, g])ᵀ. */
function backwardWeightKernel(geometry: ConvGeometry, gradOutput: Tensor, input: Tensor, dtype: FloatDType): FloatArray {
  const { batch, inChannels, outChannels, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const outPlane = outHeight * outWidth;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const k = cg * kernelHeight * kernelWidth;
  const out = allocate(dtype, outChannels * k) as FloatArray;
  if (out.length === 0 || batch === 0 || outPlane === 0) return out;
  const pixelStride = isPointwise(geometry) ? mergedStride(input, 2) : undefined;
  if (og === 1 && pixelStride === undefined) {
    directKernel('weight', geometry, input, Tensor.fromData(out, [outChannels, cg, kernelHeight, kernelWidth], dtype), gradOutput);
    return out;
  }
  const dy = asMatrix(gradOutput, 2);
  const x = input.storage.data as FloatArray;
  const [sN, sC, sH, sW] = input.strides as [number, number, number, number];
  const cols = pixelStride === undefined ? scratchBuffer(dtype, k * outPlane) : undefined;
  const backend = getBackend();
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const inputOffset = input.offset + n * sN + g * cg * sC;
      if (cols) im2col(geometry, x, inputOffset, sC, sH, sW, cg, cols);
      backend.gemm({
        m: og, n: k, k: outPlane, alpha: 1,
        a: dy.data, aOffset: dy.offset + n * dy.batchStride + g * og * dy.rowStride, aRowStride: dy.rowStride, aColStride: dy.columnStride,
        ...(cols
          ? { b: cols, bOffset: 0, bRowStride: 1, bColStride: outPlane }
          : { b: x, bOffset: inputOffset, bRowStride: pixelStride!, bColStride: sC }),
        beta: n === 0 ? 0 : 1, c: out, cOffset: g * og * k,
      });
    }
  }
  return out;
}

/**
 * Direct loops for one output channel per group (depthwise convolutions, single-map heads). There
 * each column matrix would feed a single GEMM row, so building it costs as much as the product and
 * these loops run 2–3× faster. `mode` picks what is written: the output (`'forward'`, added to
 * what `output` holds), the image gradient (`'input'`, added into `image`) or the weight gradient
 * (`'weight'`, added into `weight`). All three operands are 4-d views read through their strides.
 */
function directKernel(mode: 'forward' | 'input' | 'weight', geometry: ConvGeometry, image: Tensor, weight: Tensor, output: Tensor): void {
  const { batch, inChannels, inHeight, inWidth, groups, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth } = geometry;
  const cg = inChannels / groups;
  const x = image.storage.data as FloatArray;
  const w = weight.storage.data as FloatArray;
  const y = output.storage.data as FloatArray;
  const [xN, xC, xH, xW] = image.strides as [number, number, number, number];
  const [wO, wC, wH, wW] = weight.strides as [number, number, number, number];
  const [yN, yC, yH, yW] = output.strides as [number, number, number, number];
  const xStep = strideWidth * xW;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < groups; o++) {
      for (let c = 0; c < cg; c++) {
        const imageBase = image.offset + n * xN + (o * cg + c) * xC;
        for (let i = 0; i < kernelHeight; i++) {
          for (let j = 0; j < kernelWidth; j++) {
            const wi = weight.offset + o * wO + c * wC + i * wH + j * wW;
            const tap = w[wi]!;
            const shift = j * dilationWidth - padLeft;
            const [start, end] = validColumns(shift, strideWidth, inWidth, outWidth);
            let sum = 0;
            for (let oh = 0; oh < outHeight; oh++) {
              const ih = oh * strideHeight - padTop + i * dilationHeight;
              if (ih < 0 || ih >= inHeight) continue;
              let xp = imageBase + ih * xH + (shift + start * strideWidth) * xW;
              let yp = output.offset + n * yN + o * yC + oh * yH + start * yW;
              if (mode === 'forward') for (let ow = start; ow < end; ow++, xp += xStep, yp += yW) y[yp] = y[yp]! + tap * x[xp]!;
              else if (mode === 'input') for (let ow = start; ow < end; ow++, xp += xStep, yp += yW) x[xp] = x[xp]! + tap * y[yp]!;
              else for (let ow = start; ow < end; ow++, xp += xStep, yp += yW) sum += x[xp]! * y[yp]!;
            }
            if (mode === 'weight') w[wi] = tap + sum;
          }
        }
      }
    }
  }
}

/** Writes bias[c] over each [n, c] plane of `out` (a no-op without bias). */
function fillBias(out: FloatArray, bias: Tensor | undefined, batch: number, channels: number, plane: number): void {
  if (!bias || plane === 0) return;
  const b = bias.storage.data;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const start = (n * channels + c) * plane;
      out.fill(b[bias.offset + c * bias.strides[0]!]!, start, start + plane);
    }
  }
}

/**
 * The stride that walks dims [from, ndim) of `t` as one flattened dim, or undefined when their
 * strides do not nest (then the dims cannot be read as one matrix axis without a copy).
 */
function mergedStride(t: Tensor, from: number): number | undefined {
  let stride: number | undefined;
  let expected = 0;
  for (let d = t.ndim - 1; d >= from; d--) {
    const size = t.shape[d]!;
    if (size === 1) continue;
    if (stride !== undefined && t.strides[d] !== expected) return undefined;
    stride ??= t.strides[d]!;
    expected = t.strides[d]! * size;
  }
  return stride ?? 1;
}

/**
 * `t` read as a batch of matrices: dim 0 is the batch, dim `split − 1` the rows (dims between are
 * size 1), the dims from `split` on the flattened columns. Copies only when those do not nest.
 */
function asMatrix(
  t: Tensor,
  split: number,
): { data: FloatArray; offset: number; batchStride: number; rowStride: number; columnStride: number } {
  let source = t;
  let columnStride = mergedStride(t, split);
  if (columnStride === undefined) {
    source = t.contiguous();
    columnStride = mergedStride(source, split)!;
  }
  const { offset, strides } = source;
  return { data: source.storage.data as FloatArray, offset, batchStride: strides[0]!, rowStride: strides[split - 1]!, columnStride };
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
