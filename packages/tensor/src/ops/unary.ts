import { getBackend } from '../backend/index.js';
import { allocate, type DType, isFloatingPoint } from '../dtype.js';
import { DTypeError, InvalidArgumentError } from '../errors/index.js';
import { type FloatArray, sigmoidScalar, type UnaryOp, unaryFunction } from '../kernels/elementwise.js';
import { erf as erfScalar } from '../kernels/erf.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gt, mul } from './binary.js';
import { mapUnary, mapUnaryInPlace } from './map.js';

export { sigmoidScalar } from '../kernels/elementwise.js';

/** Float ops on integer tensors compute in float32, as PyTorch does. */
function floatResult(x: Tensor): DType {
  return isFloatingPoint(x.dtype) ? x.dtype : 'float32';
}

function floatOp(f: (v: number) => number): (x: Tensor) => Tensor {
  return (x) => mapUnary(x, floatResult(x), f);
}

/**
 * tanh, sigmoid and exp: the backend's elementwise kernel for contiguous float tensors, else the
 * same function per element. Float32 results use the approximations of kernels/fast-math.ts
 * (within one float32 ulp of the exact value), float64 results `Math`'s functions.
 */
function activationOp(op: UnaryOp): (x: Tensor) => Tensor {
  return (x) => {
    const dtype = floatResult(x);
    if (dtype !== x.dtype || !x.isContiguous()) return mapUnary(x, dtype, unaryFunction(op, dtype));
    const out = allocate(dtype, x.numel()) as FloatArray;
    getBackend().elementwise({ op, n: out.length, out, outOffset: 0, x: x.storage.data as FloatArray, xOffset: x.offset });
    return Tensor.fromData(out, x.shape, dtype);
  };
}

function sameTypeOp(f: (v: number) => number): (x: Tensor) => Tensor {
  return (x) => mapUnary(x, x.dtype, f);
}

/** Rounds half to even, as `torch.round` does (`round(2.5) = 2`). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : r;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Elementwise e^x. */
export const exp = activationOp('exp');
/** Elementwise e^x − 1, accurate near 0. */
export const expm1 = floatOp(Math.expm1);
/** Elementwise natural logarithm. */
export const log = floatOp(Math.log);
/** Elementwise log(1 + x), accurate near 0. */
export const log1p = floatOp(Math.log1p);
/** Elementwise square root. */
export const sqrt = floatOp(Math.sqrt);
/** Elementwise 1/√x. */
export const rsqrt = floatOp((v) => 1 / Math.sqrt(v));
/** Elementwise sine. */
export const sin = floatOp(Math.sin);
/** Elementwise cosine. */
export const cos = floatOp(Math.cos);
/** Elementwise tangent. */
export const tan = floatOp(Math.tan);
/** Elementwise hyperbolic tangent. */
export const tanh = activationOp('tanh');
/** Elementwise logistic sigmoid 1/(1 + e^−x). */
export const sigmoid = activationOp('sigmoid');
/** Elementwise error function. */
export const erf = floatOp(erfScalar);
/** Elementwise x·σ(x) (SiLU, also called swish). */
export const silu = floatOp((v) => v * sigmoidScalar(v));
/** Elementwise 1/x (integers compute in float32). */
export const reciprocal = floatOp((v) => 1 / v);

/** Elementwise |x|. */
export const abs = sameTypeOp(Math.abs);
/** Elementwise x². */
export const square = (x: Tensor): Tensor => mapUnary(x, x.dtype === 'bool' ? 'int64' : x.dtype, (v) => v * v);
/**
 * Elementwise max(x, 0); NaN stays NaN. Contiguous float tensors take a dedicated loop: the
 * generic {@link mapUnary} calls a closure per element, which made ReLU a large share of a CNN step.
 */
export const relu = (x: Tensor): Tensor => {
  if (x.dtype === 'bool') throw new DTypeError('relu: not implemented for bool tensors');
  if (!isFloatingPoint(x.dtype) || !x.isContiguous()) return mapUnary(x, x.dtype, (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0));
  const n = x.numel();
  const out = allocate(x.dtype, n) as FloatArray;
  const data = x.storage.data as FloatArray;
  for (let i = 0, o = x.offset; i < n; i++, o++) {
    const v = data[o]!;
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return Tensor.fromData(out, x.shape, x.dtype);
};

/**
 * The gradient of {@link relu} given its `output`: `gradOutput` where `output > 0`, else
 * `gradOutput · 0` (so a masked-out infinite gradient gives NaN and a negative one −0), bit for bit
 * as `mul(gradOutput, gt(output, 0))`, which it replaces. Same-shape contiguous float operands of
 * one dtype take a dedicated loop; anything else goes through that mul.
 */
export function reluBackward(gradOutput: Tensor, output: Tensor): Tensor {
  if (!isFloatingPoint(gradOutput.dtype) || gradOutput.dtype !== output.dtype || !sameShape(gradOutput.shape, output.shape) || !gradOutput.isContiguous() || !output.isContiguous()) {
    return mul(gradOutput, gt(output, 0));
  }
  const n = output.numel();
  const out = allocate(gradOutput.dtype, n) as FloatArray;
  const g = gradOutput.storage.data as FloatArray;
  const y = output.storage.data as FloatArray;
  for (let i = 0, gi = gradOutput.offset, yi = output.offset; i < n; i++, gi++, yi++) {
    const v = g[gi]!;
    out[i] = y[yi]! > 0 ? v : v * 0;
  }
  return Tensor.fromData(out, output.shape, gradOutput.dtype);
}

/** Elementwise sign: −1, 0 or 1 (NaN stays NaN). */
export const sign = sameTypeOp((v) => (v > 0 ? 1 : v < 0 ? -1 : v));
/** Elementwise floor (identity on integers). */
export const floor = sameTypeOp(Math.floor);
/** Elementwise ceiling (identity on integers). */
export const ceil = sameTypeOp(Math.ceil);
/** Elementwise rounding toward zero. */
export const trunc = sameTypeOp(Math.trunc);

/** Elementwise −x. */
export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool') throw new DTypeError('neg: negation, the `-` operator, on a bool tensor is not supported; use logicalNot instead');
  return mapUnary(x, x.dtype, (v) => -v);
}

/** Rounds half to even; with `decimals`, rounds to that many decimal places. */
export function round(x: Tensor, options: { decimals?: number } = {}): Tensor {
  const decimals = options.decimals ?? 0;
  if (decimals === 0) return mapUnary(x, x.dtype, roundHalfEven);
  const scale = 10 ** decimals;
  return mapUnary(x, x.dtype, (v) => roundHalfEven(v * scale) / scale);
}

/** max(0, x) + slope·min(0, x). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return mapUnary(x, floatResult(x), (v) => (v > 0 ? v : v * negativeSlope));
}

/** x for x > 0, else α·(e^x − 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return mapUnary(x, floatResult(x), (v) => (v > 0 ? v : alpha * Math.expm1(v)));
}

/** GELU: x·Φ(x) exactly, or its tanh approximation with `{ approximate: 'tanh' }`. */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate === 'tanh') {
    return mapUnary(x, floatResult(x), (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
  }
  if (approximate !== 'none') throw new InvalidArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return mapUnary(x, floatResult(x), (v) => 0.5 * v * (1 + erfScalar(v * Math.SQRT1_2)));
}

/** log(1 + e^(βx))/β, reverting to x where βx exceeds `threshold`. */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const { beta = 1, threshold = 20 } = options;
  return mapUnary(x, floatResult(x), (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta));
}

/** Clamps every element into [min, max]; either bound may be omitted. NaN stays NaN. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return mapUnary(x, clampDType(x, min, max), clampFunction(min, max));
}

/** In-place {@link clamp}. */
export function clamp_(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return mapUnaryInPlace(x, clampFunction(min, max));
}

function clampDType(x: Tensor, min?: number | null, max?: number | null): DType {
  const fractional = [min, max].some((b) => b !== null && b !== undefined && !Number.isInteger(b));
  return fractional && !isFloatingPoint(x.dtype) ? 'float32' : x.dtype;
}

function clampFunction(min?: number | null, max?: number | null): (v: number) => number {
  const hasMin = min !== null && min !== undefined;
  const hasMax = max !== null && max !== undefined;
  if (!hasMin && !hasMax) throw new InvalidArgumentError('clamp: at least one of min or max must not be None');
  const lo = hasMin ? min : -Infinity;
  const hi = hasMax ? max : Infinity;
  return (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, lo), hi));
}

/** Elementwise NaN test (bool). */
export const isnan = (x: Tensor): Tensor => mapUnary(x, 'bool', (v) => (Number.isNaN(v) ? 1 : 0));
/** Elementwise ±∞ test (bool). */
export const isinf = (x: Tensor): Tensor => mapUnary(x, 'bool', (v) => (v === Infinity || v === -Infinity ? 1 : 0));
/** Elementwise finiteness test (bool). */
export const isfinite = (x: Tensor): Tensor => mapUnary(x, 'bool', (v) => (Number.isFinite(v) ? 1 : 0));
/** Elementwise logical not (bool). */
export const logicalNot = (x: Tensor): Tensor => mapUnary(x, 'bool', (v) => (v === 0 ? 1 : 0));

const FLOAT32_MAX = 3.4028234663852886e38;

/** Replaces NaN, +∞ and −∞ (by default with 0 and the dtype's largest and lowest finite values). */
export function nanToNum(x: Tensor, options: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
  const big = x.dtype === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  const { nan = 0, posinf = big, neginf = -big } = options;
  return mapUnary(x, x.dtype, (v) => (Number.isNaN(v) ? nan : v === Infinity ? posinf : v === -Infinity ? neginf : v));
}

function floatInPlace(op: string, f: (v: number) => number): (x: Tensor) => Tensor {
  return (x) => {
    if (!isFloatingPoint(x.dtype)) throw new DTypeError(`${op}: result type float32 can't be cast to the desired output type ${x.dtype}`);
    return mapUnaryInPlace(x, f);
  };
}

/** In-place {@link activationOp}. */
function activationInPlace(op: UnaryOp): (x: Tensor) => Tensor {
  return (x) => {
    if (!isFloatingPoint(x.dtype)) throw new DTypeError(`${op}_: result type float32 can't be cast to the desired output type ${x.dtype}`);
    if (!x.isContiguous()) return mapUnaryInPlace(x, unaryFunction(op, x.dtype));
    const data = x.storage.data as FloatArray;
    getBackend().elementwise({ op, n: x.numel(), out: data, outOffset: x.offset, x: data, xOffset: x.offset });
    x.bumpVersion();
    return x;
  };
}

/** In-place unary ops: the ones optimizers and initialisers use. */
export const neg_ = (x: Tensor): Tensor => mapUnaryInPlace(x, (v) => -v);
export const abs_ = (x: Tensor): Tensor => mapUnaryInPlace(x, Math.abs);
export const exp_ = activationInPlace('exp');
export const log_ = floatInPlace('log_', Math.log);
export const sqrt_ = floatInPlace('sqrt_', Math.sqrt);
export const sign_ = (x: Tensor): Tensor => mapUnaryInPlace(x, (v) => (v > 0 ? 1 : v < 0 ? -1 : v));
export const sigmoid_ = activationInPlace('sigmoid');
export const tanh_ = activationInPlace('tanh');
export const relu_ = (x: Tensor): Tensor => mapUnaryInPlace(x, (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0));
export const reciprocal_ = floatInPlace('reciprocal_', (v) => 1 / v);
export const square_ = (x: Tensor): Tensor => mapUnaryInPlace(x, (v) => v * v);
export const zero_ = (x: Tensor): Tensor => mapUnaryInPlace(x, () => 0);

/** Fills `x` with `value` in place. */
export function fill_(x: Tensor, value: number | boolean): Tensor {
  const v = Number(value);
  return mapUnaryInPlace(x, () => v);
}
