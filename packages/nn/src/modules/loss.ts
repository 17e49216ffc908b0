/**
 * Loss modules (PyTorch's `nn.MSELoss`, `nn.CrossEntropyLoss`, …): thin holders of options and
 * weight buffers around the functions of `functional/loss.ts`. Call them as
 * `loss.call(input, target)`.
 */
import type { RawTensor, Tensor } from '@torchlet/autograd';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from '../functional/loss.js';
import { Module } from '../module.js';

/** Options every loss module takes. */
export interface LossOptions {
  /** Default `'mean'`. */
  reduction?: Reduction;
}

/**
 * Base of the loss modules (PyTorch's `_Loss`): holds the reduction, which the loss function
 * checks when the module runs, as in PyTorch.
 */
export class Loss<R extends string = Reduction> extends Module {
  /** How the elementwise losses are reduced. */
  reduction: R;

  constructor(reduction: R) {
    super();
    this.reduction = reduction;
  }
}

/**
 * Base of the losses with a class `weight` (PyTorch's `_WeightedLoss`): the weight is a buffer,
 * so it is in the state dict when given.
 */
export class WeightedLoss extends Loss {
  /** Rescaling weight (a buffer), or null. */
  declare weight: Tensor | null;

  constructor(weight: Tensor | RawTensor | null | undefined, reduction: Reduction) {
    super(reduction);
    this.registerBuffer('weight', weight ?? null);
  }
}

/** Mean squared error; see {@link mseLoss}. */
export class MSELoss extends Loss {
  constructor(options: LossOptions = {}) {
    super(options.reduction ?? 'mean');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error; see {@link l1Loss}. */
export class L1Loss extends Loss {
  constructor(options: LossOptions = {}) {
    super(options.reduction ?? 'mean');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Smooth L1 loss; see {@link smoothL1Loss}. */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from quadratic to linear. */
  beta: number;
  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options.reduction ?? 'mean');
    this.beta = options.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Huber loss; see {@link huberLoss}. */
export class HuberLoss extends Loss {
  /** Where the loss turns from quadratic to linear. */
  delta: number;
  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options.reduction ?? 'mean');
    this.delta = options.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Options of {@link NLLLoss}. */
export interface NLLLossOptions extends LossOptions {
  /** A weight per class, shape [C]; registered as the `weight` buffer. */
  weight?: Tensor | RawTensor | null;
  /** Targets equal to this are ignored (default −100). */
  ignoreIndex?: number;
}

/** Negative log-likelihood of class targets; see {@link nllLoss}. */
export class NLLLoss extends WeightedLoss {
  /** Targets equal to this are ignored. */
  ignoreIndex: number;
  constructor(options: NLLLossOptions = {}) {
    super(options.weight, options.reduction ?? 'mean');
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: RawTensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Cross-entropy of logits against class indices or class probabilities; see {@link crossEntropy}.
 *
 * @example
 * ```ts
 * const criterion = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * criterion.call(model.call(x), labels).backward();
 * ```
 */
export class CrossEntropyLoss extends WeightedLoss {
  /** Targets equal to this are ignored. */
  ignoreIndex: number;
  /** Mixes the target with the uniform distribution. */
  labelSmoothing: number;
  constructor(options: NLLLossOptions & { labelSmoothing?: number } = {}) {
    super(options.weight, options.reduction ?? 'mean');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: RawTensor): Tensor {
    return crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** Options of {@link BCELoss}. */
export interface BCELossOptions extends LossOptions {
  /** Rescales each element's loss (broadcast to the input); registered as the `weight` buffer. */
  weight?: Tensor | RawTensor | null;
}

/** Binary cross-entropy of probabilities; see {@link binaryCrossEntropy}. */
export class BCELoss extends WeightedLoss {
  constructor(options: BCELossOptions = {}) {
    super(options.weight, options.reduction ?? 'mean');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy of logits; see {@link binaryCrossEntropyWithLogits}. `weight` and
 * `pos_weight` are buffers, named as in PyTorch's state dict.
 */
export class BCEWithLogitsLoss extends Loss {
  /** Rescaling weight (a buffer), or null. */
  declare weight: Tensor | null;
  /** Weight of the positive examples per class (a buffer), or null. */
  declare pos_weight: Tensor | null;

  constructor(options: BCELossOptions & { posWeight?: Tensor | RawTensor | null } = {}) {
    super(options.reduction ?? 'mean');
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

/** Kullback–Leibler divergence of log-probabilities; see {@link klDiv}. */
export class KLDivLoss extends Loss<Reduction | 'batchmean'> {
  /** The target holds log-probabilities. */
  logTarget: boolean;
  constructor(options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super(options.reduction ?? 'mean');
    this.logTarget = options.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
