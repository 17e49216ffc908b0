import { type DType, empty, type Tensor } from '@torchlet/autograd';
import { checkInteger, resetBias } from '../arguments.js';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** Options of layers that own parameters: the parameters' dtype (float32 unless told). */
export interface FactoryOptions {
  dtype?: DType;
}

/** Options of {@link Linear} and {@link Bilinear}. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/** Returns its input unchanged: a placeholder where a layer is optional. */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * y = x·Wᵀ + b, with `weight` [outFeatures, inFeatures] and `bias` [outFeatures] both drawn from
 * U(−1/√inFeatures, 1/√inFeatures) (kaiming-uniform with a = √5, as PyTorch).
 *
 * @example
 * ```ts
 * const fc = new Linear(4, 8);
 * fc.call(randn(3, 4)).shape; // [3, 8]
 * new Linear(4, 8, { bias: false });
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkInteger('Linear', 'in_features', inFeatures, 0);
    this.outFeatures = checkInteger('Linear', 'out_features', outFeatures, 0);
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype: options.dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outFeatures], { dtype: options.dtype })) : null;
    this.resetParameters();
  }

  /** Redraws the weight and bias from PyTorch's default distributions. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    resetBias(this.bias, this.inFeatures);
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/**
 * y = x₁ᵀ·A·x₂ + b, with `weight` A [outFeatures, in1Features, in2Features] and `bias`
 * [outFeatures] drawn from U(−1/√in1Features, 1/√in1Features).
 */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.in1Features = checkInteger('Bilinear', 'in1_features', in1Features, 0);
    this.in2Features = checkInteger('Bilinear', 'in2_features', in2Features, 0);
    this.outFeatures = checkInteger('Bilinear', 'out_features', outFeatures, 0);
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype: options.dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outFeatures], { dtype: options.dtype })) : null;
    this.resetParameters();
  }

  /** Redraws the weight and bias from U(−1/√in1Features, 1/√in1Features). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    init.uniform_(this.weight, { a: -bound, b: bound });
    if (this.bias !== null) init.uniform_(this.bias, { a: -bound, b: bound });
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

