import { DTypeError } from './errors/index.js';

/** A tensor's element type, named as in PyTorch. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8';

/** The typed arrays that back tensor storage. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Every dtype, lowest to highest in PyTorch's promotion order. */
export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64'];

const rank: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float32: 4, float64: 5 };

/**
 * The typed array each dtype is stored in. `int64` lives in a Float64Array: it is exact for
 * integers up to 2^53 in magnitude, which covers every index and count torchlet produces.
 */
export function storageConstructor(dtype: DType): {
  new (length: number): TypedArray;
  from(values: ArrayLike<number>): TypedArray;
} {
  switch (dtype) {
    case 'float32':
      return Float32Array;
    case 'float64':
    case 'int64':
      return Float64Array;
    case 'int32':
      return Int32Array;
    case 'bool':
    case 'uint8':
      return Uint8Array;
  }
}

/** Allocates zeroed storage for `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  return new (storageConstructor(dtype))(length);
}

/** True for float32 and float64. */
export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** True for the integer dtypes and bool. */
export function isIntegral(dtype: DType, includeBool = true): boolean {
  return !isFloatingPoint(dtype) && (includeBool || dtype !== 'bool');
}

/** PyTorch's `promote_types`: the smallest dtype both operands convert to without loss of kind. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The result dtype of a tensor of `dtype` combined with a JavaScript scalar, following PyTorch:
 * a scalar only changes the dtype when it is of a higher kind (bool < integer < float). JavaScript
 * cannot tell `2.0` from `2`, so integral numbers count as integers.
 */
export function promoteWithScalar(dtype: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return dtype;
  if (Number.isInteger(scalar)) return dtype === 'bool' ? 'int64' : dtype;
  return isFloatingPoint(dtype) ? dtype : 'float32';
}

/** The dtype PyTorch infers for a JavaScript scalar. */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int64' : 'float32';
}

/** Checks that `value` names a dtype, so a typo fails loudly instead of allocating the wrong array. */
export function checkDType(op: string, value: unknown): DType {
  if (typeof value === 'string' && value in rank) return value as DType;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(', ')}`);
}

/** Throws unless `dtype` is floating point. */
export function requireFloat(op: string, argument: string, dtype: DType): void {
  if (!isFloatingPoint(dtype)) {
    throw new DTypeError(`${op}: ${argument} must be a floating-point tensor, got ${dtype}`);
  }
}

/** Throws unless `dtype` is an integer type (bool included only when `allowBool`). */
export function requireIntegral(op: string, argument: string, dtype: DType, allowBool = false): void {
  if (!isIntegral(dtype, allowBool)) {
    throw new DTypeError(`${op}: ${argument} must be an integer tensor, got ${dtype}`);
  }
}

/** Converts a number to what storage of `dtype` holds (truncation toward zero for integers, 0/1 for bool). */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'int64':
      return Math.trunc(value);
    default:
      return value;
  }
}
