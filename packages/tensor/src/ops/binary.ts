import { type DType, isFloatingPoint, isIntegral } from '../dtype.js';
import { DTypeError, InvalidArgumentError } from '../errors/index.js';
import { Tensor } from '../tensor.js';
import { mapArithmetic, mapArithmeticInPlace, mapBinary, mapBinaryInPlace, mapTernary, mapTernaryInPlace, type Operand, resultType } from './map.js';

function isBool(v: Operand): boolean {
  return v instanceof Tensor ? v.dtype === 'bool' : typeof v === 'boolean';
}

function floatResult(dtype: DType): DType {
  return isFloatingPoint(dtype) ? dtype : 'float32';
}

/** a + alpha·b, broadcast. */
export function add(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return mapArithmetic('add', a, b, resultType(a, b), alpha, alpha === 1 ? (x, y) => x + y : (x, y) => x + alpha * y);
}

/** a − alpha·b, broadcast. */
export function sub(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  if (isBool(a) && isBool(b)) {
    throw new DTypeError('sub: subtraction, the `-` operator, with two bool tensors is not supported; use logicalXor instead');
  }
  const alpha = options.alpha ?? 1;
  return mapArithmetic('sub', a, b, resultType(a, b), alpha, alpha === 1 ? (x, y) => x - y : (x, y) => x - alpha * y);
}

/** a·b, broadcast. */
export function mul(a: Operand, b: Operand): Tensor {
  return mapArithmetic('mul', a, b, resultType(a, b), 1, (x, y) => x * y);
}

/** Options of {@link div}: `'trunc'` and `'floor'` round the quotient and keep integer dtypes. */
export interface DivOptions {
  roundingMode?: 'trunc' | 'floor' | null;
}

/** a / b, broadcast: true division (integers give float32) unless a rounding mode is given. */
export function div(a: Operand, b: Operand, options: DivOptions = {}): Tensor {
  const common = resultType(a, b);
  const mode = options.roundingMode ?? null;
  if (mode === null) return mapArithmetic('div', a, b, floatResult(common), 1, (x, y) => x / y);
  if (mode !== 'trunc' && mode !== 'floor') {
    throw new InvalidArgumentError(`div: roundingMode must be null, 'trunc' or 'floor', got ${JSON.stringify(mode)}`);
  }
  const round = mode === 'trunc' ? Math.trunc : Math.floor;
  if (isIntegral(common)) {
    return mapBinary('div', a, b, common, (x, y) => {
      if (y === 0) throw new InvalidArgumentError('div: ZeroDivisionError (integer division by zero)');
      return round(x / y);
    });
  }
  return mapBinary('div', a, b, common, (x, y) => round(x / y));
}

/** a^b, broadcast. Integers to negative integer powers are an error, as in PyTorch. */
export function pow(a: Operand, b: Operand): Tensor {
  const common = resultType(a, b);
  if (isIntegral(common)) {
    return mapBinary('pow', a, b, common, (x, y) => {
      if (y < 0) throw new InvalidArgumentError(`pow: integers to negative integer powers are not allowed (exponent ${y})`);
      return x ** y;
    });
  }
  return mapBinary('pow', a, b, common, (x, y) => x ** y);
}

/** Elementwise maximum; NaN propagates. */
export function maximum(a: Tensor, b: Operand): Tensor {
  return mapBinary('maximum', a, b, resultType(a, b), (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)));
}

/** Elementwise minimum; NaN propagates. */
export function minimum(a: Tensor, b: Operand): Tensor {
  return mapBinary('minimum', a, b, resultType(a, b), (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)));
}

/** Python's modulus: the remainder has the sign of the divisor. */
export function remainderScalar(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

/** Elementwise remainder with the sign of the divisor (Python's `%`, `torch.remainder`). */
export function remainder(a: Operand, b: Operand): Tensor {
  const common = resultType(a, b);
  if (isIntegral(common)) {
    return mapBinary('remainder', a, b, common, (x, y) => {
      if (y === 0) throw new InvalidArgumentError('remainder: ZeroDivisionError (integer remainder by zero)');
      return remainderScalar(x, y);
    });
  }
  return mapBinary('remainder', a, b, common, remainderScalar);
}

/** Elementwise atan2(a, b), the angle of the point (b, a). */
export function atan2(a: Operand, b: Operand): Tensor {
  return mapBinary('atan2', a, b, floatResult(resultType(a, b)), Math.atan2);
}

const comparison =
  (op: string, f: (x: number, y: number) => boolean) =>
  (a: Operand, b: Operand): Tensor =>
    mapBinary(op, a, b, 'bool', (x, y) => (f(x, y) ? 1 : 0));

/** Elementwise a == b (bool). */
export const eq = comparison('eq', (x, y) => x === y);
/** Elementwise a != b (bool). */
export const ne = comparison('ne', (x, y) => x !== y);
/** Elementwise a < b (bool). */
export const lt = comparison('lt', (x, y) => x < y);
/** Elementwise a <= b (bool). */
export const le = comparison('le', (x, y) => x <= y);
/** Elementwise a > b (bool). */
export const gt = comparison('gt', (x, y) => x > y);
/** Elementwise a >= b (bool). */
export const ge = comparison('ge', (x, y) => x >= y);
/** Elementwise logical and (nonzero counts as true). */
export const logicalAnd = comparison('logicalAnd', (x, y) => x !== 0 && y !== 0);
/** Elementwise logical or. */
export const logicalOr = comparison('logicalOr', (x, y) => x !== 0 || y !== 0);
/** Elementwise logical exclusive or. */
export const logicalXor = comparison('logicalXor', (x, y) => (x !== 0) !== (y !== 0));

/** Tolerances of {@link isclose} and {@link allclose}: |a − b| ≤ atol + rtol·|b|. */
export interface IsCloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** Elementwise |a − b| ≤ atol + rtol·|b| (bool); infinities are close only to themselves. */
export function isclose(a: Tensor, b: Operand, options: IsCloseOptions = {}): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  if (rtol < 0 || atol < 0) throw new InvalidArgumentError(`isclose: rtol and atol must be non-negative, got rtol=${rtol}, atol=${atol}`);
  return mapBinary('isclose', a, b, 'bool', (x, y) => {
    if (x === y) return 1;
    if (Number.isNaN(x) || Number.isNaN(y)) return equalNan && Number.isNaN(x) && Number.isNaN(y) ? 1 : 0;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return 0;
    return Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0;
  });
}

/** True when every element of `a` is close to `b` (see {@link isclose}). */
export function allclose(a: Tensor, b: Operand, options: IsCloseOptions = {}): boolean {
  const data = isclose(a, b, options).storage.data;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) return false;
  return true;
}

/** Picks `a` where `condition` is true, else `b`, all broadcast together. */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  if (condition.dtype !== 'bool' && condition.dtype !== 'uint8') {
    throw new DTypeError(`where: condition must be a bool tensor, got ${condition.dtype}`);
  }
  return mapTernary('where', condition, a, b, resultType(a, b), (c, x, y) => (c !== 0 ? x : y));
}

/** Linear interpolation a + weight·(end − a). */
export function lerp(a: Tensor, end: Operand, weight: Operand): Tensor {
  return mapTernary('lerp', a, end, weight, resultType(a, end), (x, e, w) => x + w * (e - x));
}

/** `x += alpha·other` in place. */
export function add_(x: Tensor, other: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return mapArithmeticInPlace('add', x, other, alpha, alpha === 1 ? (v, y) => v + y : (v, y) => v + alpha * y);
}

/** `x −= alpha·other` in place. */
export function sub_(x: Tensor, other: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return mapArithmeticInPlace('sub', x, other, alpha, alpha === 1 ? (v, y) => v - y : (v, y) => v - alpha * y);
}

/** `x *= other` in place. */
export function mul_(x: Tensor, other: Operand): Tensor {
  return mapArithmeticInPlace('mul', x, other, 1, (v, y) => v * y);
}

/** `x /= other` in place (true division: x must be floating point). */
export function div_(x: Tensor, other: Operand): Tensor {
  if (!isFloatingPoint(x.dtype)) throw new DTypeError(`div_: result type float32 can't be cast to the desired output type ${x.dtype}`);
  return mapArithmeticInPlace('div', x, other, 1, (v, y) => v / y);
}

/** `x = x^exponent` in place. */
export function pow_(x: Tensor, exponent: Operand): Tensor {
  return mapBinaryInPlace('pow_', x, exponent, (v, y) => v ** y);
}

/** `x = max(x, other)` in place; NaN propagates. */
export function maximum_(x: Tensor, other: Operand): Tensor {
  return mapBinaryInPlace('maximum_', x, other, (v, y) => (Number.isNaN(v) || Number.isNaN(y) ? NaN : Math.max(v, y)));
}

/** Copies `source` (broadcast to x's shape, converted to x's dtype) into `x` in place. */
export function copy_(x: Tensor, source: Operand): Tensor {
  return mapBinaryInPlace('copy_', x, source, (_, y) => y, false);
}

/** `x += value·t1·t2` in place. */
export function addcmul_(x: Tensor, t1: Operand, t2: Operand, options: { value?: number } = {}): Tensor {
  const value = options.value ?? 1;
  return mapTernaryInPlace('addcmul_', x, t1, t2, (v, a, b) => v + value * a * b);
}

/** `x += value·t1/t2` in place. */
export function addcdiv_(x: Tensor, t1: Operand, t2: Operand, options: { value?: number } = {}): Tensor {
  const value = options.value ?? 1;
  return mapTernaryInPlace('addcdiv_', x, t1, t2, (v, a, b) => v + (value * a) / b);
}

/** `x += weight·(end − x)` in place. */
export function lerp_(x: Tensor, end: Operand, weight: Operand): Tensor {
  return mapTernaryInPlace('lerp_', x, end, weight, (v, e, w) => v + w * (e - v));
}
