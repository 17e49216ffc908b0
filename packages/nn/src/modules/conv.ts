import { empty, InvalidArgumentError, type Tensor } from '@torchlet/autograd';
import { checkInteger, expandSize, formatValue, resetBias, type SizeArg } from '../arguments.js';
import * as F from '../functional/layers.js';
import { calculateFanInAndFanOut, kaimingUniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import type { FactoryOptions } from './linear.js';

/** How a convolution pads: PyTorch accepts these four, torchlet implements `'zeros'`. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link Conv1d} and {@link Conv2d}; sizes are one number or one per spatial dim. */
export interface ConvOptions extends FactoryOptions {
  /** Step between output positions (default 1). */
  stride?: SizeArg;
  /** Zeros on both sides (default 0), `'valid'` (none) or `'same'` (output as large as the input; stride 1 only). */
  padding?: SizeArg | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: SizeArg;
  /** Split the channels into this many independent convolutions (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only `'zeros'` (the default) is implemented. */
  paddingMode?: PaddingMode;
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTransposeOptions extends FactoryOptions {
  stride?: SizeArg;
  /** Rows and columns removed from both sides of the output (default 0). */
  padding?: SizeArg;
  /** Extra rows and columns at the end of the output, each smaller than stride or dilation (default 0). */
  outputPadding?: SizeArg;
  groups?: number;
  bias?: boolean;
  dilation?: SizeArg;
  paddingMode?: PaddingMode;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** What the convolutions share: checked hyperparameters, `weight`, `bias`, PyTorch's init and printing. */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | 'same' | 'valid';
  readonly dilation: readonly number[];
  readonly transposed: boolean;
  readonly outputPadding: readonly number[];
  readonly groups: number;
  readonly paddingMode: 'zeros';
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(dims: number, inChannels: number, outChannels: number, kernelSize: SizeArg, options: ConvOptions & { outputPadding?: SizeArg }, transposed: boolean) {
    super();
    const op = this.constructor.name;
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new InvalidArgumentError(`${op}: groups must be a positive integer, got ${groups}`);
    checkInteger(op, 'in_channels', inChannels, 0);
    checkInteger(op, 'out_channels', outChannels, 0);
    if (inChannels % groups !== 0) throw new InvalidArgumentError(`${op}: in_channels must be divisible by groups, got in_channels=${inChannels} and groups=${groups}`);
    if (outChannels % groups !== 0) throw new InvalidArgumentError(`${op}: out_channels must be divisible by groups, got out_channels=${outChannels} and groups=${groups}`);
    const stride = expandSize(op, 'stride', options.stride ?? 1, dims);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string') {
      if (transposed) throw new InvalidArgumentError(`${op}: padding must be a number or a tuple of ${dims} numbers, got '${padding}'`);
      if (padding !== 'same' && padding !== 'valid') {
        throw new InvalidArgumentError(`${op}: Invalid padding string '${padding}', should be one of 'valid', 'same'`);
      }
      if (padding === 'same' && stride.some((s) => s !== 1)) {
        throw new InvalidArgumentError(`${op}: padding='same' is not supported for strided convolutions, got stride=${formatValue(stride)}`);
      }
    }
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new InvalidArgumentError(`${op}: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got padding_mode='${paddingMode}'`);
    }
    if (paddingMode !== 'zeros') throw new InvalidArgumentError(`${op}: padding_mode '${paddingMode}' is not implemented; only 'zeros' is supported`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = expandSize(op, 'kernel_size', kernelSize, dims);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : expandSize(op, 'padding', padding, dims, 0);
    this.dilation = expandSize(op, 'dilation', options.dilation ?? 1, dims);
    this.transposed = transposed;
    this.outputPadding = expandSize(op, 'output_padding', options.outputPadding ?? 0, dims, 0);
    this.groups = groups;
    this.paddingMode = 'zeros';
    const weightShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(empty(weightShape, { dtype: options.dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outChannels], { dtype: options.dtype })) : null;
    this.resetParameters();
  }

  /** Redraws `weight` (kaiming-uniform, a = √5) and `bias` (U(±1/√fan_in)), as PyTorch does. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const { fanIn } = calculateFanInAndFanOut(this.weight);
    if (fanIn !== 0) resetBias(this.bias, fanIn);
  }

  override extraRepr(): string {
    const isAll = (values: readonly number[], value: number) => values.every((v) => v === value);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (!isAll(this.padding, 0)) s += `, padding=${formatValue(this.padding)}`;
    if (!isAll(this.dilation, 1)) s += `, dilation=${formatValue(this.dilation)}`;
    if (!isAll(this.outputPadding, 0)) s += `, output_padding=${formatValue(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/**
 * 1-d convolution over [N, C_in, L]: `weight` [C_out, C_in/groups, k], `bias` [C_out].
 *
 * @example
 * ```ts
 * new Conv1d(3, 4, 3, { stride: 2, padding: 1 }).call(randn(2, 3, 9)).shape; // [2, 4, 5]
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, options: ConvOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options, false);
  }

  override forward(input: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this;
    return F.conv1d(input, this.weight, this.bias, { stride: stride as [number], padding: padding as [number] | 'same' | 'valid', dilation: dilation as [number], groups });
  }
}

/**
 * 2-d convolution over [N, C_in, H, W]: `weight` [C_out, C_in/groups, kH, kW], `bias` [C_out].
 *
 * @example
 * ```ts
 * const conv = new Conv2d(3, 16, 3, { stride: 2, padding: 1 });
 * conv.call(randn(8, 3, 32, 32)).shape; // [8, 16, 16, 16]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, options: ConvOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options, false);
  }

  override forward(input: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this;
    return F.conv2d(input, this.weight, this.bias, {
      stride: stride as [number, number],
      padding: padding as [number, number] | 'same' | 'valid',
      dilation: dilation as [number, number],
      groups,
    });
  }
}

/**
 * 2-d transposed convolution over [N, C_in, H, W]: `weight` [C_in, C_out/groups, kH, kW], `bias`
 * [C_out]. The output is (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1 high.
 *
 * @example
 * ```ts
 * new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }).call(randn(1, 2, 3, 3)).shape; // [1, 3, 6, 6]
 * ```
 */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, options: ConvTransposeOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options, true);
  }

  override forward(input: Tensor): Tensor {
    const { stride, padding, dilation, groups, outputPadding } = this;
    return F.convTranspose2d(input, this.weight, this.bias, {
      stride: stride as [number, number],
      padding: padding as [number, number],
      outputPadding: outputPadding as [number, number],
      dilation: dilation as [number, number],
      groups,
    });
  }
}
