import { InvalidArgumentError, type Tensor } from '@torchlet/autograd';
import { formatFloat, formatValue } from '../arguments.js';
import * as F from '../functional/activation.js';
import { Module } from '../module.js';

/** max(x, 0), elementwise. */
export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/** x for x > 0, else `negativeSlope`·x (default 0.01). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = negativeSlope;
  }

  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${formatFloat(this.negativeSlope)}`;
  }
}

/** x for x > 0, else α·(eˣ − 1) (default α = 1). */
export class ELU extends Module {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    this.alpha = alpha;
  }

  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${formatFloat(this.alpha)}`;
  }
}

/**
 * x·Φ(x), exactly or with `{ approximate: 'tanh' }`.
 *
 * @example
 * ```ts
 * new GELU({ approximate: 'tanh' });
 * ```
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(options: F.GeluOptions = {}) {
    super();
    const approximate = options.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new InvalidArgumentError(`GELU: approximate must be 'none' or 'tanh', got ${formatValue(String(approximate))}`);
    }
    this.approximate = approximate;
  }

  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate=${formatValue(this.approximate)}`;
  }
}

/** x·σ(x). */
export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

/** 1 / (1 + e⁻ˣ). */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** The hyperbolic tangent. */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** PyTorch's legacy choice of dim when none is given: 0 for 0-, 1- and 3-d inputs, else 1. */
function implicitDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/**
 * Softmax along `dim`. Without a dim, PyTorch's legacy rule picks one (0 for 0-, 1- and 3-d
 * inputs, else 1); pass it explicitly.
 *
 * @example
 * ```ts
 * new Softmax(-1).call(logits);
 * ```
 */
export class Softmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim ?? implicitDim(input.ndim));
  }

  override extraRepr(): string {
    return `dim=${formatValue(this.dim)}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably (the implicit dim as {@link Softmax}). */
export class LogSoftmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim ?? implicitDim(input.ndim));
  }

  override extraRepr(): string {
    return `dim=${formatValue(this.dim)}`;
  }
}

/** log(1 + e^(βx))/β, the identity above βx > threshold (defaults β = 1, threshold = 20). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(options: F.SoftplusOptions = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
  }

  override forward(input: Tensor): Tensor {
    return F.softplus(input, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${formatFloat(this.beta)}, threshold=${formatFloat(this.threshold)}`;
  }
}

/** x clamped to [minVal, maxVal] (defaults −1 and 1). */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;

  constructor(minVal = -1, maxVal = 1) {
    super();
    if (!(maxVal > minVal)) throw new InvalidArgumentError(`Hardtanh: max_val must be greater than min_val, got min_val=${minVal} and max_val=${maxVal}`);
    this.minVal = minVal;
    this.maxVal = maxVal;
  }

  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `min_val=${formatFloat(this.minVal)}, max_val=${formatFloat(this.maxVal)}`;
  }
}
