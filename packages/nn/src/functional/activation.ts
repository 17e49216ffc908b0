/**
 * Activation functions (PyTorch's `F.relu`, `F.gelu`, `F.softmax`, …). Each delegates to the
 * differentiable op of `@torchlet/autograd`; `hardtanh` is composed here so that, as in PyTorch,
 * its gradient is zero at the bounds themselves.
 */
import * as ops from '@torchlet/autograd';
import { type DType, InvalidArgumentError, type Tensor } from '@torchlet/autograd';

/** max(x, 0), elementwise. */
export function relu(input: Tensor): Tensor {
  return ops.relu(input);
}

/** x for x > 0, else `negativeSlope`·x (PyTorch's default slope 0.01). */
export function leakyRelu(input: Tensor, negativeSlope = 0.01): Tensor {
  return ops.leakyRelu(input, negativeSlope);
}

/** x for x > 0, else α·(eˣ − 1). */
export function elu(input: Tensor, alpha = 1): Tensor {
  return ops.elu(input, alpha);
}

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (the default) for x·Φ(x) with the exact normal CDF, `'tanh'` for its tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/**
 * The Gaussian error linear unit x·Φ(x).
 *
 * @example
 * ```ts
 * F.gelu(x, { approximate: 'tanh' });
 * ```
 */
export function gelu(input: Tensor, options: GeluOptions = {}): Tensor {
  return ops.gelu(input, options);
}

/** x·σ(x) (also called swish). */
export function silu(input: Tensor): Tensor {
  return ops.silu(input);
}

/** 1 / (1 + e⁻ˣ). */
export function sigmoid(input: Tensor): Tensor {
  return ops.sigmoid(input);
}

/** The hyperbolic tangent. */
export function tanh(input: Tensor): Tensor {
  return ops.tanh(input);
}

/** Options of {@link softmax} and {@link logSoftmax}. */
export interface SoftmaxOptions {
  /** Convert the input to this floating dtype first (PyTorch's `dtype=`). */
  dtype?: DType;
}

/**
 * eˣ / Σ eˣ along `dim` (negative counts from the end).
 *
 * @example
 * ```ts
 * const probabilities = F.softmax(logits, -1);
 * ```
 */
export function softmax(input: Tensor, dim: number, options: SoftmaxOptions = {}): Tensor {
  return ops.softmax(input, dim, options);
}

/** log(softmax(x)) along `dim`, computed stably. */
export function logSoftmax(input: Tensor, dim: number, options: SoftmaxOptions = {}): Tensor {
  return ops.logSoftmax(input, dim, options);
}

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** β in log(1 + e^(βx))/β (default 1). */
  beta?: number;
  /** Above βx > threshold the function is the identity, for stability (default 20). */
  threshold?: number;
}

/** log(1 + e^(βx))/β, a smooth ReLU. */
export function softplus(input: Tensor, options: SoftplusOptions = {}): Tensor {
  return ops.softplus(input, options);
}

/**
 * x clamped to [minVal, maxVal]. Unlike `clamp`, the gradient is zero at the bounds too (PyTorch's
 * `hardtanh_backward` passes it only strictly inside).
 */
export function hardtanh(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (minVal > maxVal) {
    throw new InvalidArgumentError(`hardtanh: min_val cannot be greater than max_val, got min_val=${minVal} and max_val=${maxVal}`);
  }
  const x = input.detach();
  return ops.where(x.gt(minVal).logicalAnd(x.lt(maxVal)), input, x.clamp(minVal, maxVal));
}
