/**
 * Differentiable unary ops. Each backward is written with differentiable ops, so gradients of
 * gradients work (`createGraph`).
 */
import * as T from '@torchlet/tensor';
import { constant, raw, record, recordWithOutput } from '../record.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub, where } from './binary.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** −x. */
export function neg(x: Tensor): Tensor {
  return record('NegBackward', T.neg(raw(x)), [x], (g) => [neg(g)]);
}

/** |x|; the gradient is g·sign(x) (0 at 0, as in PyTorch). */
export function abs(x: Tensor): Tensor {
  return record('AbsBackward', T.abs(raw(x)), [x], (g) => [mul(g, sign(x))], [x]);
}

/** e^x. */
export function exp(x: Tensor): Tensor {
  return recordWithOutput('ExpBackward', T.exp(raw(x)), [x], (g, _needs, y) => [mul(g, y)]);
}

/** e^x − 1. */
export function expm1(x: Tensor): Tensor {
  return recordWithOutput('Expm1Backward', T.expm1(raw(x)), [x], (g, _needs, y) => [mul(g, add(y, 1))]);
}

/** Natural logarithm. */
export function log(x: Tensor): Tensor {
  return record('LogBackward', T.log(raw(x)), [x], (g) => [div(g, x)], [x]);
}

/** log(1 + x). */
export function log1p(x: Tensor): Tensor {
  return record('Log1pBackward', T.log1p(raw(x)), [x], (g) => [div(g, add(x, 1))], [x]);
}

/** √x. */
export function sqrt(x: Tensor): Tensor {
  return recordWithOutput('SqrtBackward', T.sqrt(raw(x)), [x], (g, _needs, y) => [div(g, mul(y, 2))]);
}

/** 1/√x. */
export function rsqrt(x: Tensor): Tensor {
  return recordWithOutput('RsqrtBackward', T.rsqrt(raw(x)), [x], (g, _needs, y) => [mul(g, mul(pow3(y), -0.5))]);
}

function pow3(y: Tensor): Tensor {
  return mul(mul(y, y), y);
}

/** x². */
export function square(x: Tensor): Tensor {
  return record('SquareBackward', T.square(raw(x)), [x], (g) => [mul(g, mul(x, 2))], [x]);
}

/** sin x. */
export function sin(x: Tensor): Tensor {
  return record('SinBackward', T.sin(raw(x)), [x], (g) => [mul(g, cos(x))], [x]);
}

/** cos x. */
export function cos(x: Tensor): Tensor {
  return record('CosBackward', T.cos(raw(x)), [x], (g) => [mul(g, neg(sin(x)))], [x]);
}

/** tan x. */
export function tan(x: Tensor): Tensor {
  return recordWithOutput('TanBackward', T.tan(raw(x)), [x], (g, _needs, y) => [mul(g, add(mul(y, y), 1))]);
}

/** tanh x. */
export function tanh(x: Tensor): Tensor {
  return recordWithOutput('TanhBackward', T.tanh(raw(x)), [x], (g, _needs, y) => [mul(g, sub(1, mul(y, y)))]);
}

/** 1/(1 + e^−x). */
export function sigmoid(x: Tensor): Tensor {
  return recordWithOutput('SigmoidBackward', T.sigmoid(raw(x)), [x], (g, _needs, y) => [mul(g, mul(y, sub(1, y)))]);
}

/** max(x, 0). */
export function relu(x: Tensor): Tensor {
  return recordWithOutput('ReluBackward', T.relu(raw(x)), [x], (g, _needs, y) => [reluMask(g, raw(y))]);
}

/**
 * g where the ReLU output `y` is positive, else g·0, by one tensor kernel rather than a comparison
 * and a mixed-dtype mul. The map is linear in g and self-adjoint, so its own backward is itself
 * (`y` is a constant of it, as the mask was).
 */
function reluMask(g: Tensor, y: T.Tensor): Tensor {
  return record('ReluBackwardBackward', T.reluBackward(raw(g), y), [g], (gg) => [reluMask(gg, y)]);
}

/** max(0, x) + slope·min(0, x). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  // where(…, g, g·slope) rather than g·where(…, 1, slope): a mask built from scalars would be
  // float32 and round the slope of float64 inputs.
  return record('LeakyReluBackward', T.leakyRelu(raw(x), negativeSlope), [x], (g) => [where(constant(T.gt(raw(x), 0)), g, mul(g, negativeSlope))], [x]);
}

/** x for x > 0, else α·(e^x − 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return recordWithOutput('EluBackward', T.elu(raw(x), alpha), [x], (g, _needs, y) => [where(constant(T.gt(raw(x), 0)), g, mul(g, add(y, alpha)))], [x]);
}

/** GELU, exact or with `{ approximate: 'tanh' }`. */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  return record('GeluBackward', T.gelu(raw(x), options), [x], (g) => [mul(g, geluDerivative(x, approximate))], [x]);
}

function geluDerivative(x: Tensor, approximate: 'none' | 'tanh'): Tensor {
  if (approximate === 'tanh') {
    // d/dx ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
    const x2 = mul(x, x);
    const u = mul(add(x, mul(mul(x2, x), 0.044715)), SQRT_2_OVER_PI);
    const th = tanh(u);
    const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
    return add(mul(add(th, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, mul(th, th))), du));
  }
  // Φ(x) + x·φ(x)
  const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
  const pdf = mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI);
  return add(cdf, mul(x, pdf));
}

/** x·σ(x). */
export function silu(x: Tensor): Tensor {
  return record('SiluBackward', T.silu(raw(x)), [x], (g) => {
    const s = sigmoid(x);
    return [mul(g, mul(s, add(mul(x, sub(1, s)), 1)))];
  }, [x]);
}

/** log(1 + e^(βx))/β, linear above `threshold`. */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const { beta = 1, threshold = 20 } = options;
  return record('SoftplusBackward', T.softplus(raw(x), options), [x], (g) => {
    const linear = constant(T.gt(T.mul(raw(x), beta), threshold));
    return [where(linear, g, mul(g, sigmoid(mul(x, beta))))];
  }, [x]);
}

/** The error function. */
export function erf(x: Tensor): Tensor {
  return record('ErfBackward', T.erf(raw(x)), [x], (g) => [mul(g, mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI))], [x]);
}

/** 1/x. */
export function reciprocal(x: Tensor): Tensor {
  return recordWithOutput('ReciprocalBackward', T.reciprocal(raw(x)), [x], (g, _needs, y) => [mul(g, neg(mul(y, y)))]);
}

/** Clamps into [min, max]; the gradient passes where min ≤ x ≤ max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return record('ClampBackward', T.clamp(raw(x), min, max), [x], (g) => {
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    return [mul(g, constant(T.logicalAnd(T.ge(raw(x), lo), T.le(raw(x), hi))))];
  }, [x]);
}

/** A step function's gradient is zero almost everywhere; PyTorch returns zeros. */
function piecewiseConstant(name: string, kernel: (x: T.Tensor) => T.Tensor): (x: Tensor) => Tensor {
  return (x) => record(name, kernel(raw(x)), [x], (g) => [mul(g, 0)]);
}

/** sign(x), with zero gradient. */
export const sign = piecewiseConstant('SignBackward', T.sign);
/** ⌊x⌋, with zero gradient. */
export const floor = piecewiseConstant('FloorBackward', T.floor);
/** ⌈x⌉, with zero gradient. */
export const ceil = piecewiseConstant('CeilBackward', T.ceil);
/** Rounding toward zero, with zero gradient. */
export const trunc = piecewiseConstant('TruncBackward', T.trunc);

/** Rounds half to even (zero gradient). */
export function round(x: Tensor, options: { decimals?: number } = {}): Tensor {
  return record('RoundBackward', T.round(raw(x), options), [x], (g) => [mul(g, 0)]);
}

/** Replaces NaN and infinities; the gradient passes where x was finite. */
export function nanToNum(x: Tensor, options: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
  return record('NanToNumBackward', T.nanToNum(raw(x), options), [x], (g) => [mul(g, constant(T.isfinite(raw(x))))], [x]);
}

/** Elementwise NaN test (no gradient). */
export const isnan = (x: Tensor): Tensor => constant(T.isnan(raw(x)));
/** Elementwise ±∞ test (no gradient). */
export const isinf = (x: Tensor): Tensor => constant(T.isinf(raw(x)));
/** Elementwise finiteness test (no gradient). */
export const isfinite = (x: Tensor): Tensor => constant(T.isfinite(raw(x)));
/** Elementwise logical not (no gradient). */
export const logicalNot = (x: Tensor): Tensor => constant(T.logicalNot(raw(x)));
