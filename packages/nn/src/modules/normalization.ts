import { empty, InvalidArgumentError, noGrad, ones, scalarTensor, ShapeError, type Tensor, zeros } from '@torchlet/autograd';
import { checkInteger, formatFloat, formatValue } from '../arguments.js';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import type { FactoryOptions } from './linear.js';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}. */
export interface BatchNormLayerOptions extends FactoryOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` and shift `bias` (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); when false, batch statistics are always used. */
  trackRunningStats?: boolean;
}

/**
 * What the batch norms share (PyTorch's `_BatchNorm`): parameters `weight`, `bias`, then buffers
 * `running_mean`, `running_var`, `num_batches_tracked`, in PyTorch's order.
 */
abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  /** Running mean [C] (null without trackRunningStats). */
  declare running_mean: Tensor | null;
  /** Running (unbiased) variance [C] (null without trackRunningStats). */
  declare running_var: Tensor | null;
  /** int64 0-d count of training forwards (null without trackRunningStats). */
  declare num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super();
    const op = this.constructor.name;
    this.numFeatures = checkInteger(op, 'num_features', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (!(this.eps >= 0)) throw new InvalidArgumentError(`${op}: eps must be non-negative, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new InvalidArgumentError(`${op}: momentum must lie in [0, 1] or be null, got ${this.momentum}`);
    }
    const dtype = options.dtype;
    this.weight = this.affine ? new Parameter(empty([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(empty([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? scalarTensor(0, 'int64') : null);
    this.resetParameters();
  }

  /** Running mean 0, running variance 1, count 0. */
  resetRunningStats(): void {
    if (this.running_mean === null || this.running_var === null || this.num_batches_tracked === null) return;
    init.zeros_(this.running_mean);
    init.ones_(this.running_var);
    init.zeros_(this.num_batches_tracked);
  }

  /** Resets the running statistics and sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  /** Throws PyTorch's error when `input` has the wrong number of dims for this layer. */
  protected abstract checkInputDim(input: Tensor): void;

  /**
   * Training: normalises with the batch statistics and updates the running ones (counting the
   * batch). Evaluation: normalises with the running statistics.
   */
  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      // With momentum null, weighting batch n by 1/n keeps the plain average of all batches.
      factor = this.momentum ?? 1 / (this.num_batches_tracked.item() as number);
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : formatFloat(this.momentum);
    return `${this.numFeatures}, eps=${formatFloat(this.eps)}, momentum=${momentum}, affine=${formatValue(this.affine)}, track_running_stats=${formatValue(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalization over [N, C] or [N, C, L], per channel C (Ioffe & Szegedy, 2015).
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(16);
 * bn.call(randn(8, 16)); // training: batch statistics, running ones updated
 * bn.eval().call(randn(8, 16)); // evaluation: running statistics
 * ```
 */
export class BatchNorm1d extends BatchNormNd {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`BatchNorm1d: expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/**
 * Batch normalization over [N, C, H, W], per channel C.
 *
 * @example
 * ```ts
 * new BatchNorm2d(16).call(randn(8, 16, 32, 32));
 * ```
 */
export class BatchNorm2d extends BatchNormNd {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new ShapeError(`BatchNorm2d: expected 4D input (got ${input.ndim}D input)`);
  }
}

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions extends FactoryOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn an elementwise `weight` (and `bias`) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn `bias` (default true). */
  bias?: boolean;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims of each sample (Ba et al., 2016).
 *
 * @example
 * ```ts
 * new LayerNorm(512).call(randn(8, 10, 512));
 * ```
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new InvalidArgumentError(`LayerNorm: normalized_shape must be non-negative integers, got ${formatValue(shape)}`);
    }
    this.normalizedShape = shape;
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype;
    this.weight = this.elementwiseAffine ? new Parameter(empty(shape, { dtype })) : null;
    this.bias = this.elementwiseAffine && (options.bias ?? true) ? new Parameter(empty(shape, { dtype })) : null;
    this.resetParameters();
  }

  /** `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${formatValue(this.normalizedShape)}, eps=${formatFloat(this.eps)}, elementwise_affine=${formatValue(this.elementwiseAffine)}`;
  }
}

/** Options of {@link GroupNorm}. */
export interface GroupNormOptions extends FactoryOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-channel `weight` and `bias` (default true). */
  affine?: boolean;
}

/**
 * Group normalization (Wu & He, 2018): the channels of [N, C, *] split into `numGroups` groups,
 * each normalised over its channels and positions, then a per-channel affine.
 *
 * @example
 * ```ts
 * new GroupNorm(4, 32).call(randn(8, 32, 16, 16));
 * ```
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    checkInteger('GroupNorm', 'num_groups', numGroups);
    checkInteger('GroupNorm', 'num_channels', numChannels, 0);
    if (numChannels % numGroups !== 0) {
      throw new InvalidArgumentError(`GroupNorm: num_channels must be divisible by num_groups, got num_channels=${numChannels} and num_groups=${numGroups}`);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? new Parameter(empty([numChannels], { dtype: options.dtype })) : null;
    this.bias = this.affine ? new Parameter(empty([numChannels], { dtype: options.dtype })) : null;
    this.resetParameters();
  }

  /** `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${formatFloat(this.eps)}, affine=${formatValue(this.affine)}`;
  }
}
