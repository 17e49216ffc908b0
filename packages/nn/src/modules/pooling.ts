import { InvalidArgumentError, type Tensor } from '@torchlet/autograd';
import { expandSize, formatValue, type SizeArg } from '../arguments.js';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';

/** Options of {@link MaxPool1d} and {@link MaxPool2d}; sizes are one number or one per pooled dim. */
export interface MaxPoolOptions<R extends boolean = false> {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit −∞ padding on both sides (default 0, at most half the kernel). */
  padding?: SizeArg;
  /** Spacing between window elements (default 1). */
  dilation?: SizeArg;
  /** Also return the flat position of each maximum within its input plane: forward returns `{ output, indices }`. */
  returnIndices?: R;
  /** Round the output size up instead of down. */
  ceilMode?: boolean;
}

/** What the max pools share: their hyperparameters as given (as PyTorch stores and prints them). */
abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;
  readonly dilation: SizeArg;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  protected constructor(dims: number, kernelSize: SizeArg, options: MaxPoolOptions<R>) {
    super();
    const op = this.constructor.name;
    expandSize(op, 'kernel_size', kernelSize, dims);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    expandSize(op, 'stride', this.stride, dims);
    expandSize(op, 'padding', this.padding, dims, 0);
    expandSize(op, 'dilation', this.dilation, dims);
    this.returnIndices = (options.returnIndices ?? false) as R;
    this.ceilMode = options.ceilMode ?? false;
  }

  protected options(): F.MaxPool2dOptions<R> {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return { stride, padding, dilation, ceilMode, returnIndices };
  }

  override extraRepr(): string {
    const { kernelSize, stride, padding, dilation, ceilMode } = this;
    return `kernel_size=${formatValue(kernelSize)}, stride=${formatValue(stride)}, padding=${formatValue(padding)}, dilation=${formatValue(dilation)}, ceil_mode=${formatValue(ceilMode)}`;
  }
}

/**
 * 1-d max pooling over the last dim of [N, C, L] or [C, L].
 *
 * @example
 * ```ts
 * new MaxPool1d(2).call(x);                                   // [N, C, 8] → [N, C, 4]
 * const { output, indices } = new MaxPool1d(2, { returnIndices: true }).call(x);
 * ```
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: SizeArg, options: MaxPoolOptions<R> = {}) {
    super(1, kernelSize, options);
  }

  override forward(input: Tensor): F.MaxPoolOutput<R> {
    return F.maxPool1d(input, this.kernelSize, this.options());
  }
}

/**
 * 2-d max pooling over the last two dims of [N, C, H, W] or [C, H, W].
 *
 * @example
 * ```ts
 * new MaxPool2d(2).call(x);                                   // [N, C, 4, 6] → [N, C, 2, 3]
 * new MaxPool2d(3, { stride: 2, padding: 1 });
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: SizeArg, options: MaxPoolOptions<R> = {}) {
    super(2, kernelSize, options);
  }

  override forward(input: Tensor): F.MaxPoolOutput<R> {
    return F.maxPool2d(input, this.kernelSize, this.options());
  }
}

/** Options of {@link AvgPool1d} and {@link AvgPool2d}. */
export interface AvgPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit zero padding on both sides (default 0, at most half the kernel). */
  padding?: SizeArg;
  /** Round the output size up instead of down. */
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide each window sum by this instead of the window size ({@link AvgPool2d} only). */
  divisorOverride?: number | null;
}

/**
 * 1-d average pooling over the last dim of [N, C, L] or [C, L]. Sizes are kept as 1-tuples, as
 * PyTorch keeps them (`kernel_size=(2,)`).
 */
export class AvgPool1d extends Module {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: SizeArg, options: Omit<AvgPoolOptions, 'divisorOverride'> = {}) {
    super();
    this.kernelSize = expandSize('AvgPool1d', 'kernel_size', kernelSize, 1);
    this.stride = expandSize('AvgPool1d', 'stride', options.stride ?? kernelSize, 1);
    this.padding = expandSize('AvgPool1d', 'padding', options.padding ?? 0, 1, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  override forward(input: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad } = this;
    return F.avgPool1d(input, this.kernelSize, { stride, padding, ceilMode, countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}, padding=${formatValue(this.padding)}`;
  }
}

/**
 * 2-d average pooling over the last two dims of [N, C, H, W] or [C, H, W].
 *
 * @example
 * ```ts
 * new AvgPool2d(2).call(x); // [N, C, 4, 6] → [N, C, 2, 3]
 * ```
 */
export class AvgPool2d extends Module {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: SizeArg, options: AvgPoolOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    expandSize('AvgPool2d', 'kernel_size', this.kernelSize, 2);
    expandSize('AvgPool2d', 'stride', this.stride, 2);
    expandSize('AvgPool2d', 'padding', this.padding, 2, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return F.avgPool2d(input, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }

  override extraRepr(): string {
    return `kernel_size=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}, padding=${formatValue(this.padding)}`;
  }
}

/**
 * Average pooling to a fixed output size, whatever the input size: one number, or `[height,
 * width]` where null keeps that input size.
 *
 * @example
 * ```ts
 * new AdaptiveAvgPool2d(1).call(randn(8, 512, 7, 7)).shape; // [8, 512, 1, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | readonly (number | null)[];

  constructor(outputSize: number | readonly (number | null)[]) {
    super();
    const sizes = typeof outputSize === 'number' ? [outputSize] : outputSize;
    if ((typeof outputSize !== 'number' && outputSize.length !== 2) || sizes.some((s) => s !== null && (!Number.isInteger(s) || s < 0))) {
      throw new InvalidArgumentError(`AdaptiveAvgPool2d: output_size must be a non-negative integer or a pair of them (or None), got ${formatValue(outputSize)}`);
    }
    this.outputSize = typeof outputSize === 'number' ? outputSize : [...outputSize];
  }

  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${formatValue(this.outputSize)}`;
  }
}
