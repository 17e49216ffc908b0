/**
 * Max, average and adaptive-average pooling over the last one or two dims, with the backward
 * kernels autograd calls. Window geometry, output sizes and error checks follow PyTorch's
 * `Pool.h`; the loops follow its CPU kernels, so ties, NaN and padded windows match exactly.
 */
import { allocate, type DType, requireFloat, type TypedArray } from '../dtype.js';
import { DTypeError, IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { formatShape, numelOf, sameShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from '../iterate.js';

/** A window size given once for every pooled dim or per dim (`[height, width]`). */
type SizeArg = number | readonly number[];

/** Options of {@link maxPool2d}; every size is one number or a `[height, width]` pair. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit -Infinity padding on both sides (default 0, at most half the kernel). */
  padding?: SizeArg;
  /** Spacing between window elements (default 1). */
  dilation?: SizeArg;
  /** Round the output size up, keeping windows that start inside the input or left padding. */
  ceilMode?: boolean;
}

/** Options of {@link maxPool1d}. */
export interface MaxPool1dOptions {
  stride?: number | readonly [number] | null;
  padding?: number | readonly [number];
  dilation?: number | readonly [number];
  ceilMode?: boolean;
}

/** Options of {@link avgPool2d} and {@link avgPool2dBackward}. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit zero padding on both sides (default 0, at most half the kernel). */
  padding?: SizeArg;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number | null;
}

/** Options of {@link avgPool1d} and {@link avgPool1dBackward}. */
export interface AvgPool1dOptions {
  stride?: number | readonly [number] | null;
  padding?: number | readonly [number];
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** The result of max pooling: the maxima and their flat positions within each input plane. */
export interface MaxPoolResult {
  output: Tensor;
  /** int64 positions `h * W + w` (2d) or `l` (1d) of each maximum within its input plane. */
  indices: Tensor;
}

/** Kernel, stride, padding and dilation per pooled dim, height first (height is 1 for 1d pools). */
interface Window {
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
  ceilMode: boolean;
}

/** The input seen as `planes` independent H×W planes, and the pooled plane size. */
interface Geometry {
  planes: number;
  H: number;
  W: number;
  outH: number;
  outW: number;
  /** The output shape, leading dims kept. */
  outputShape: number[];
}

/** Reads a size argument as `count` integers (one number or a one-element list repeats). */
function sizes(op: string, name: string, value: SizeArg, count: number): number[] {
  const list = typeof value === 'number' ? [value] : [...value];
  if (list.length === 1) while (list.length < count) list.push(list[0]!);
  if (list.length !== count || list.some((v) => !Number.isInteger(v))) {
    const expected = count === 1 ? 'a single int' : `a single int, or a tuple of ${count} ints`;
    throw new InvalidArgumentError(`${op}: ${name} must either be ${expected}, got ${JSON.stringify(value)}`);
  }
  return list;
}

/** Parses the window of a `spatial`-d pool (1 or 2) and checks it as PyTorch's `pool2d_shape_check`. */
function parseWindow(
  op: string,
  spatial: 1 | 2,
  kernelSize: SizeArg,
  stride: SizeArg | null | undefined,
  padding: SizeArg,
  dilation: SizeArg,
  ceilMode: boolean,
): Window {
  const k = sizes(op, 'kernel_size', kernelSize, spatial);
  const hasStride = stride !== null && stride !== undefined && !(Array.isArray(stride) && stride.length === 0);
  const s = hasStride ? sizes(op, 'stride', stride, spatial) : k;
  const p = sizes(op, 'padding', padding, spatial);
  const d = sizes(op, 'dilation', dilation, spatial);
  const list = (v: number[]) => v.join(', ');
  if (k.some((v) => v <= 0)) throw new InvalidArgumentError(`${op}: kernel size should be greater than zero, but got ${list(k)}`);
  if (s.some((v) => v <= 0)) throw new InvalidArgumentError(`${op}: stride should be greater than zero, but got ${list(s)}`);
  if (d.some((v) => v <= 0)) throw new InvalidArgumentError(`${op}: dilation should be greater than zero, but got ${list(d)}`);
  for (let i = 0; i < spatial; i++) {
    const effective = (k[i]! - 1) * d[i]! + 1;
    if (p[i]! < 0) throw new InvalidArgumentError(`${op}: pad must be non-negative, but got pad: ${p[i]}`);
    if (p[i]! > Math.floor(effective / 2)) {
      throw new InvalidArgumentError(
        `${op}: pad should be at most half of effective kernel size, but got pad=${p[i]}, kernel_size=${k[i]} and dilation=${d[i]}`,
      );
    }
    // PyTorch checks the plain kernel too, which only bites when dilation widens the window.
    if (p[i]! > Math.floor(k[i]! / 2)) {
      throw new InvalidArgumentError(`${op}: pad should be smaller than or equal to half of kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
    }
  }
  const at = (v: number[], i: number, fill: number) => (spatial === 2 ? v[i]! : i === 0 ? fill : v[0]!);
  return {
    kH: at(k, 0, 1),
    kW: at(k, 1, 1),
    sH: at(s, 0, 1),
    sW: at(s, 1, 1),
    pH: at(p, 0, 0),
    pW: at(p, 1, 0),
    dH: at(d, 0, 1),
    dW: at(d, 1, 1),
    ceilMode,
  };
}

/** PyTorch's `pooling_output_shape`. */
function pooledSize(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // The last window must start inside the input or the left padding.
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** Checks that `shape` is [N, C, *spatial] or [C, *spatial] with non-empty non-batch dims. */
function checkPoolInput(op: string, spatial: 1 | 2, shape: Shape): void {
  const ndim = shape.length;
  const batched = ndim === spatial + 2;
  if (!(batched || ndim === spatial + 1) || shape.some((s, i) => s === 0 && !(batched && i === 0))) {
    throw new ShapeError(
      `${op}: expected ${spatial + 1}D or ${spatial + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got ${formatShape(shape)}`,
    );
  }
}

/** Validates the input shape and computes the planes and output size of a windowed pool. */
function geometry(op: string, spatial: 1 | 2, shape: Shape, w: Window): Geometry {
  checkPoolInput(op, spatial, shape);
  const H = spatial === 2 ? shape[shape.length - 2]! : 1;
  const W = shape[shape.length - 1]!;
  const outH = pooledSize(H, w.kH, w.pH, w.sH, w.dH, w.ceilMode);
  const outW = pooledSize(W, w.kW, w.pW, w.sW, w.dW, w.ceilMode);
  const lead = shape.slice(0, shape.length - spatial);
  if (outH < 1 || outW < 1) {
    const channels = lead[lead.length - 1]!;
    const given = spatial === 2 ? `${channels}x${H}x${W}` : `${channels}x${W}`;
    const computed = spatial === 2 ? `${channels}x${outH}x${outW}` : `${channels}x${outW}`;
    throw new ShapeError(`${op}: given input size (${given}), calculated output size (${computed}): output size is too small`);
  }
  const outputShape = spatial === 2 ? [...lead, outH, outW] : [...lead, outW];
  return { planes: numelOf(lead), H, W, outH, outW, outputShape };
}

/** Checks that `gradOutput` has the shape the forward pass produced. */
function checkGradShape(op: string, gradOutput: Tensor, expected: Shape, inputShape: Shape): void {
  if (!sameShape(gradOutput.shape, expected)) {
    throw new ShapeError(
      `${op}: gradOutput ${formatShape(gradOutput.shape)} does not match the output shape ${formatShape(expected)} of input ${formatShape(inputShape)}`,
    );
  }
}

function requirePoolable(op: string, dtype: DType): void {
  if (dtype === 'bool') throw new DTypeError(`${op}: input must be a numeric tensor, got bool`);
}

function maxPool(op: string, spatial: 1 | 2, input: Tensor, w: Window): MaxPoolResult {
  requirePoolable(op, input.dtype);
  const g = geometry(op, spatial, input.shape, w);
  const x = contiguousData(input);
  const { H, W, outH, outW } = g;
  const { kH, kW, sH, sW, pH, pW, dH, dW } = w;
  const out = allocate(input.dtype, g.planes * outH * outW);
  const indices = new Float64Array(out.length);
  if (kH === 2 && kW === 2 && dH === 1 && dW === 1 && pH === 0 && pW === 0 && (outH - 1) * sH + 2 <= H && (outW - 1) * sW + 2 <= W) {
    maxPool2x2(x, out, indices, g, sH, sW);
  } else {
    maxPoolWindows(x, out, indices, g, w);
  }
  return {
    output: Tensor.fromData(out, g.outputShape, input.dtype),
    indices: Tensor.fromData(indices, g.outputShape, 'int64'),
  };
}

/**
 * Max pooling of 2×2 windows that all lie inside the input (no padding, no dilation): the four
 * reads unrolled, which is several times faster than the general window loops on the usual CNN
 * pool. Same scan order and NaN rule as {@link maxPoolWindows}, so the same maxima and indices.
 */
function maxPool2x2(x: TypedArray, out: TypedArray, indices: Float64Array, g: Geometry, sH: number, sW: number): void {
  const { planes, H, W, outH, outW } = g;
  for (let plane = 0, o = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < outH; oh++) {
      const row = oh * sH * W;
      for (let ow = 0; ow < outW; ow++, o++) {
        const at = row + ow * sW;
        let maxIndex = at;
        let maxValue = x[base + at]!;
        let v = x[base + at + 1]!;
        // A NaN wins and is kept (a later NaN takes over), as in PyTorch.
        if (v > maxValue || v !== v) {
          maxValue = v;
          maxIndex = at + 1;
        }
        v = x[base + at + W]!;
        if (v > maxValue || v !== v) {
          maxValue = v;
          maxIndex = at + W;
        }
        v = x[base + at + W + 1]!;
        if (v > maxValue || v !== v) {
          maxValue = v;
          maxIndex = at + W + 1;
        }
        out[o] = maxValue;
        indices[o] = maxIndex;
      }
    }
  }
}

/** Max pooling with any window: padding, dilation and windows cut off by `ceilMode`. */
function maxPoolWindows(x: TypedArray, out: TypedArray, indices: Float64Array, g: Geometry, w: Window): void {
  const { planes, H, W, outH, outW } = g;
  const { kH, kW, sH, sW, pH, pW, dH, dW } = w;
  for (let plane = 0, o = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = Math.min(h0 + (kH - 1) * dH + 1, H);
      while (h0 < 0) h0 += dH;
      for (let ow = 0; ow < outW; ow++, o++) {
        let w0 = ow * sW - pW;
        const w1 = Math.min(w0 + (kW - 1) * dW + 1, W);
        while (w0 < 0) w0 += dW;
        let maxIndex = h0 * W + w0;
        let maxValue = -Infinity;
        for (let h = h0; h < h1; h += dH) {
          const row = h * W;
          for (let c = w0; c < w1; c += dW) {
            const v = x[base + row + c]!;
            // A NaN wins and is kept (a later NaN takes over), as in PyTorch.
            if (v > maxValue || v !== v) {
              maxValue = v;
              maxIndex = row + c;
            }
          }
        }
        out[o] = maxValue;
        indices[o] = maxIndex;
      }
    }
  }
}

function maxPoolBackward(op: string, spatial: 1 | 2, gradOutput: Tensor, indices: Tensor, inputShape: Shape): Tensor {
  requireFloat(op, 'gradOutput', gradOutput.dtype);
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new DTypeError(`${op}: indices must be an int64 tensor, got ${indices.dtype}`);
  }
  checkPoolInput(op, spatial, inputShape);
  if (!sameShape(gradOutput.shape, indices.shape)) {
    throw new ShapeError(`${op}: gradOutput ${formatShape(gradOutput.shape)} and indices ${formatShape(indices.shape)} differ in shape`);
  }
  const lead = inputShape.slice(0, inputShape.length - spatial);
  if (gradOutput.ndim !== inputShape.length || !sameShape(gradOutput.shape.slice(0, lead.length), lead)) {
    throw new ShapeError(`${op}: gradOutput ${formatShape(gradOutput.shape)} does not fit input ${formatShape(inputShape)}`);
  }
  const planeIn = numelOf(inputShape.slice(lead.length));
  const planeOut = numelOf(gradOutput.shape.slice(lead.length));
  const dy = contiguousData(gradOutput);
  const index = contiguousData(indices);
  const dx = allocate(gradOutput.dtype, numelOf(inputShape));
  const planes = numelOf(lead);
  for (let plane = 0, o = 0; plane < planes; plane++) {
    const base = plane * planeIn;
    for (let j = 0; j < planeOut; j++, o++) {
      const i = index[o]!;
      if (!(i >= 0 && i < planeIn)) {
        throw new IndexError(`${op}: index ${i} is out of range for an input plane of ${planeIn} elements`);
      }
      dx[base + i] += dy[o]!;
    }
  }
  return Tensor.fromData(dx, inputShape, gradOutput.dtype);
}

/**
 * Visits output position `o` of an average pool with its in-bounds window `[h0, h1) × [w0, w1)` of
 * the plane starting at `base`, and the divisor of the window's sum (0 for an empty window).
 */
type AvgWindowVisitor = (o: number, base: number, h0: number, h1: number, w0: number, w1: number, divisor: number) => void;

/** Applies `fn` to every output position of an average pool, with PyTorch's windows and divisors. */
function forEachAvgWindow(g: Geometry, w: Window, countIncludePad: boolean, divisorOverride: number | undefined, fn: AvgWindowVisitor): void {
  const { planes, H, W, outH, outW } = g;
  const { kH, kW, sH, sW, pH, pW } = w;
  for (let plane = 0, o = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      let h1 = Math.min(h0 + kH, H + pH);
      const poolH = h1 - h0;
      h0 = Math.max(h0, 0);
      h1 = Math.min(h1, H);
      for (let ow = 0; ow < outW; ow++, o++) {
        let w0 = ow * sW - pW;
        let w1 = Math.min(w0 + kW, W + pW);
        const poolSize = poolH * (w1 - w0);
        w0 = Math.max(w0, 0);
        w1 = Math.min(w1, W);
        if (h0 >= h1 || w0 >= w1) {
          fn(o, base, h0, h1, w0, w1, 0);
          continue;
        }
        const divisor = divisorOverride ?? (countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
        fn(o, base, h0, h1, w0, w1, divisor);
      }
    }
  }
}

/** A visitor that writes each window's mean of `x` into `out` (truncated toward zero when `truncate`). */
function windowMeans(x: TypedArray, out: TypedArray, W: number, truncate: boolean): AvgWindowVisitor {
  return (o, base, h0, h1, w0, w1, divisor) => {
    if (divisor === 0) return;
    let sum = 0;
    for (let h = h0; h < h1; h++) {
      const row = base + h * W;
      for (let c = w0; c < w1; c++) sum += x[row + c]!;
    }
    out[o] = truncate ? Math.trunc(sum / divisor) : sum / divisor;
  };
}

/** A visitor that spreads each output gradient `dy[o] / divisor` over its window of `dx`. */
function spreadOverWindows(dy: TypedArray, dx: TypedArray, W: number): AvgWindowVisitor {
  return (o, base, h0, h1, w0, w1, divisor) => {
    if (divisor === 0) return;
    const delta = dy[o]! / divisor;
    for (let h = h0; h < h1; h++) {
      const row = base + h * W;
      for (let c = w0; c < w1; c++) dx[row + c] += delta;
    }
  };
}

function checkDivisor(op: string, divisorOverride: number | null | undefined): number | undefined {
  if (divisorOverride === null || divisorOverride === undefined) return undefined;
  if (!Number.isInteger(divisorOverride) || divisorOverride === 0) {
    throw new InvalidArgumentError(`${op}: divisor must be a non-zero integer, got ${divisorOverride}`);
  }
  return divisorOverride;
}

function avgPool(op: string, spatial: 1 | 2, input: Tensor, w: Window, countIncludePad: boolean, divisorOverride: number | undefined): Tensor {
  // PyTorch's CPU kernel also takes int64, dividing with truncation.
  if (input.dtype !== 'int64') requireFloat(op, 'input', input.dtype);
  const g = geometry(op, spatial, input.shape, w);
  const out = allocate(input.dtype, g.planes * g.outH * g.outW);
  forEachAvgWindow(g, w, countIncludePad, divisorOverride, windowMeans(contiguousData(input), out, g.W, input.dtype === 'int64'));
  return Tensor.fromData(out, g.outputShape, input.dtype);
}

function avgPoolBackward(
  op: string,
  spatial: 1 | 2,
  gradOutput: Tensor,
  inputShape: Shape,
  w: Window,
  countIncludePad: boolean,
  divisorOverride: number | undefined,
): Tensor {
  requireFloat(op, 'gradOutput', gradOutput.dtype);
  const g = geometry(op, spatial, inputShape, w);
  checkGradShape(op, gradOutput, g.outputShape, inputShape);
  const dx = allocate(gradOutput.dtype, numelOf(inputShape));
  forEachAvgWindow(g, w, countIncludePad, divisorOverride, spreadOverWindows(contiguousData(gradOutput), dx, g.W));
  return Tensor.fromData(dx, inputShape, gradOutput.dtype);
}

/**
 * 2d max pooling over the last two dims of [N, C, H, W] or [C, H, W], like
 * `F.max_pool2d(input, kernelSize, ..., return_indices=True)`. Padding counts as -Infinity; a
 * NaN in a window wins. Integer dtypes are accepted, as on PyTorch's CPU.
 *
 * @example
 * ```ts
 * const { output, indices } = maxPool2d(x, 2);             // x: [1, 1, 4, 4] → [1, 1, 2, 2]
 * maxPool2d(x, 3, { stride: 2, padding: 1 });
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: SizeArg, options: MaxPool2dOptions = {}): MaxPoolResult {
  const { stride, padding = 0, dilation = 1, ceilMode = false } = options;
  return maxPool('max_pool2d', 2, input, parseWindow('max_pool2d', 2, kernelSize, stride, padding, dilation, ceilMode));
}

/**
 * Gradient of {@link maxPool2d}: scatters `gradOutput` into zeros of `inputShape` at `indices`
 * (adding where windows overlap on the same maximum).
 */
export function maxPool2dBackward(gradOutput: Tensor, indices: Tensor, inputShape: Shape): Tensor {
  return maxPoolBackward('max_pool2d_backward', 2, gradOutput, indices, inputShape);
}

/** 1d max pooling over the last dim of [N, C, L] or [C, L], like `F.max_pool1d(..., return_indices=True)`. */
export function maxPool1d(input: Tensor, kernelSize: number | readonly [number], options: MaxPool1dOptions = {}): MaxPoolResult {
  const { stride, padding = 0, dilation = 1, ceilMode = false } = options;
  return maxPool('max_pool1d', 1, input, parseWindow('max_pool1d', 1, kernelSize, stride, padding, dilation, ceilMode));
}

/** Gradient of {@link maxPool1d}: scatter-adds `gradOutput` at `indices` into zeros of `inputShape`. */
export function maxPool1dBackward(gradOutput: Tensor, indices: Tensor, inputShape: Shape): Tensor {
  return maxPoolBackward('max_pool1d_backward', 1, gradOutput, indices, inputShape);
}

/**
 * 2d average pooling over the last two dims of [N, C, H, W] or [C, H, W], like `F.avg_pool2d`.
 * The divisor is the window size including padding (`countIncludePad`, default true), the
 * in-bounds count, or `divisorOverride`. int64 input is divided with truncation, as in PyTorch.
 *
 * @example
 * ```ts
 * avgPool2d(x, 2);                                           // [N, C, 4, 6] → [N, C, 2, 3]
 * avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false });
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: SizeArg, options: AvgPool2dOptions = {}): Tensor {
  const { stride, padding = 0, ceilMode = false, countIncludePad = true } = options;
  const divisor = checkDivisor('avg_pool2d', options.divisorOverride);
  const w = parseWindow('avg_pool2d', 2, kernelSize, stride, padding, 1, ceilMode);
  return avgPool('avg_pool2d', 2, input, w, countIncludePad, divisor);
}

/** Gradient of {@link avgPool2d}: each output gradient spread evenly (over its divisor) across its window. */
export function avgPool2dBackward(gradOutput: Tensor, inputShape: Shape, kernelSize: SizeArg, options: AvgPool2dOptions = {}): Tensor {
  const { stride, padding = 0, ceilMode = false, countIncludePad = true } = options;
  const op = 'avg_pool2d_backward';
  const divisor = checkDivisor(op, options.divisorOverride);
  const w = parseWindow(op, 2, kernelSize, stride, padding, 1, ceilMode);
  return avgPoolBackward(op, 2, gradOutput, inputShape, w, countIncludePad, divisor);
}

/** 1d average pooling over the last dim of [N, C, L] or [C, L], like `F.avg_pool1d`. */
export function avgPool1d(input: Tensor, kernelSize: number | readonly [number], options: AvgPool1dOptions = {}): Tensor {
  const { stride, padding = 0, ceilMode = false, countIncludePad = true } = options;
  const w = parseWindow('avg_pool1d', 1, kernelSize, stride, padding, 1, ceilMode);
  return avgPool('avg_pool1d', 1, input, w, countIncludePad, undefined);
}

/** Gradient of {@link avgPool1d}. */
export function avgPool1dBackward(
  gradOutput: Tensor,
  inputShape: Shape,
  kernelSize: number | readonly [number],
  options: AvgPool1dOptions = {},
): Tensor {
  const { stride, padding = 0, ceilMode = false, countIncludePad = true } = options;
  const op = 'avg_pool1d_backward';
  const w = parseWindow(op, 1, kernelSize, stride, padding, 1, ceilMode);
  return avgPoolBackward(op, 1, gradOutput, inputShape, w, countIncludePad, undefined);
}

/** PyTorch's adaptive window bounds: output cell i covers [floor(i·in/out), ceil((i+1)·in/out)). */
function adaptiveBounds(inputSize: number, outputSize: number): [Int32Array, Int32Array] {
  const start = new Int32Array(outputSize);
  const end = new Int32Array(outputSize);
  for (let i = 0; i < outputSize; i++) {
    start[i] = Math.floor((i * inputSize) / outputSize);
    end[i] = Math.ceil(((i + 1) * inputSize) / outputSize);
  }
  return [start, end];
}

/**
 * Applies `fn` to every output position of an adaptive average pool from `planes` planes of H×W
 * to outH×outW; each window is in bounds and its divisor is its size.
 */
function forEachAdaptiveWindow(planes: number, H: number, W: number, outH: number, outW: number, fn: AvgWindowVisitor): void {
  const [hStart, hEnd] = adaptiveBounds(H, outH);
  const [wStart, wEnd] = adaptiveBounds(W, outW);
  for (let plane = 0, o = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = hStart[oh]!;
      const h1 = hEnd[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = wStart[ow]!;
        const w1 = wEnd[ow]!;
        fn(o, base, h0, h1, w0, w1, (h1 - h0) * (w1 - w0));
      }
    }
  }
}

function checkAdaptiveInput(op: string, shape: Shape): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new ShapeError(`${op}: expected 3D or 4D tensor, but got ${formatShape(shape)}`);
  }
  for (let i = shape.length - 3; i < shape.length; i++) {
    if (shape[i] === 0) {
      throw new ShapeError(
        `${op}: expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatShape(shape)} with dimension ${i} being empty`,
      );
    }
  }
}

/**
 * Adaptive average pooling to `outputSize` (one number, or `[height, width]` where `null` keeps
 * that input size), like `F.adaptive_avg_pool2d`. Windows may overlap when sizes do not divide.
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(x, [2, 3]);   // [1, 2, 5, 7] → [1, 2, 2, 3]
 * adaptiveAvgPool2d(x, 1);        // global average pooling
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptive_avg_pool2d';
  requireFloat(op, 'input', input.dtype);
  checkAdaptiveInput(op, input.shape);
  const list = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  if (list.length !== 2) throw new InvalidArgumentError(`${op}: output_size must be 2, got ${JSON.stringify(outputSize)}`);
  const outH = list[0] ?? H;
  const outW = list[1] ?? W;
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 0 || outW < 0) {
    throw new InvalidArgumentError(`${op}: elements of output_size must be non-negative integers, got [${outH}, ${outW}]`);
  }
  const planes = numelOf(input.shape.slice(0, -2));
  const out = allocate(input.dtype, planes * outH * outW);
  forEachAdaptiveWindow(planes, H, W, outH, outW, windowMeans(contiguousData(input), out, W, false));
  return Tensor.fromData(out, [...input.shape.slice(0, -2), outH, outW], input.dtype);
}

/** Gradient of {@link adaptiveAvgPool2d}; the output size is read from `gradOutput`. */
export function adaptiveAvgPool2dBackward(gradOutput: Tensor, inputShape: Shape): Tensor {
  const op = 'adaptive_avg_pool2d_backward';
  requireFloat(op, 'gradOutput', gradOutput.dtype);
  checkAdaptiveInput(op, inputShape);
  const ndim = inputShape.length;
  if (gradOutput.ndim !== ndim || !sameShape(gradOutput.shape.slice(0, -2), inputShape.slice(0, -2))) {
    throw new ShapeError(`${op}: gradOutput ${formatShape(gradOutput.shape)} does not fit input ${formatShape(inputShape)}`);
  }
  const H = inputShape[ndim - 2]!;
  const W = inputShape[ndim - 1]!;
  const outH = gradOutput.shape[ndim - 2]!;
  const outW = gradOutput.shape[ndim - 1]!;
  const dx = allocate(gradOutput.dtype, numelOf(inputShape));
  forEachAdaptiveWindow(numelOf(inputShape.slice(0, -2)), H, W, outH, outW, spreadOverWindows(contiguousData(gradOutput), dx, W));
  return Tensor.fromData(dx, inputShape, gradOutput.dtype);
}
