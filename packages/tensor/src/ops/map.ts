import { allocate, castScalar, type DType, isFloatingPoint, promoteTypes, promoteWithScalar, scalarDType } from '../dtype.js';
import { DTypeError, ShapeError } from '../errors/index.js';
import { broadcastStrides, elementOffsets } from '../iterate.js';
import { getBackend } from '../backend/index.js';
import type { ArithmeticOp, FloatArray } from '../kernels/elementwise.js';
import { broadcastShapes, formatShape, numelOf, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A tensor or a JavaScript scalar: every elementwise op accepts both. */
export type Operand = Tensor | number | boolean;

type Unary = (x: number) => number;
type Binary = (x: number, y: number) => number;
type Ternary = (x: number, y: number, z: number) => number;

/** PyTorch's `result_type` for two operands: tensors promote, scalars only lift the kind. */
export function resultType(a: Operand, b: Operand): DType {
  if (a instanceof Tensor && b instanceof Tensor) {
    // A 0-d tensor next to a dimensioned one behaves like a scalar, as in PyTorch.
    if (a.ndim === 0 && b.ndim > 0) return promoteZeroDim(b.dtype, a.dtype);
    if (b.ndim === 0 && a.ndim > 0) return promoteZeroDim(a.dtype, b.dtype);
    return promoteTypes(a.dtype, b.dtype);
  }
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number | boolean);
  if (b instanceof Tensor) return promoteWithScalar(b.dtype, a as number | boolean);
  return promoteTypes(scalarDType(a), scalarDType(b));
}

function kind(dtype: DType): number {
  return dtype === 'bool' ? 0 : isFloatingPoint(dtype) ? 2 : 1;
}

function promoteZeroDim(dimensioned: DType, zeroDim: DType): DType {
  return kind(zeroDim) > kind(dimensioned) ? promoteTypes(dimensioned, zeroDim) : dimensioned;
}

/** True when a value of `from` may be written into a tensor of `to` (PyTorch's `can_cast`). */
export function canCast(from: DType, to: DType): boolean {
  return kind(from) <= kind(to);
}

/** Wraps `f` so that its results are stored as `dtype` holds them (bools as 0/1, int64 truncated). */
function storedAs(dtype: DType, f: Binary): Binary {
  if (dtype === 'bool') return (x, y) => (f(x, y) !== 0 ? 1 : 0);
  if (dtype === 'int64') return (x, y) => Math.trunc(f(x, y));
  return f;
}

function scalarValue(v: Operand): number {
  return typeof v === 'boolean' ? Number(v) : (v as number);
}

function offsetsOf(x: Tensor): Int32Array | null {
  return x.isContiguous() ? null : elementOffsets(x.shape, x.strides, x.offset);
}

/** Applies `f` to every element of `x`, producing a contiguous tensor of `outDType`. */
export function mapUnary(x: Tensor, outDType: DType, f: Unary): Tensor {
  const n = x.numel();
  const out = allocate(outDType, n);
  const data = x.storage.data;
  const g = outDType === 'bool' || outDType === 'int64' ? (v: number) => castScalar(f(v), outDType) : f;
  const offsets = offsetsOf(x);
  if (offsets === null) {
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = g(data[o + i]!);
  } else {
    for (let i = 0; i < n; i++) out[i] = g(data[offsets[i]!]!);
  }
  return Tensor.fromData(out, x.shape, outDType);
}

/** Applies `f` to every element of `x` in place (through its strides) and bumps its version. */
export function mapUnaryInPlace(x: Tensor, f: Unary): Tensor {
  const data = x.storage.data;
  const g = x.dtype === 'bool' || x.dtype === 'int64' ? (v: number) => castScalar(f(v), x.dtype) : f;
  const offsets = offsetsOf(x);
  if (offsets === null) {
    const end = x.offset + x.numel();
    for (let i = x.offset; i < end; i++) data[i] = g(data[i]!);
  } else {
    for (let i = 0; i < offsets.length; i++) data[offsets[i]!] = g(data[offsets[i]!]!);
  }
  x.bumpVersion();
  return x;
}

/**
 * Applies `f` elementwise to two broadcast operands. The output has dtype `outDType` and the
 * broadcast shape; scalars take a fast path with no index arrays.
 */
export function mapBinary(op: string, a: Operand, b: Operand, outDType: DType, f: Binary): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    return Tensor.fromData(allocateWith(outDType, 1, storedAs(outDType, f)(scalarValue(a), scalarValue(b))), [], outDType);
  }
  const g = storedAs(outDType, f);
  if (!(b instanceof Tensor)) {
    const y = scalarValue(b);
    return mapUnary(a as Tensor, outDType, (x) => g(x, y));
  }
  if (!(a instanceof Tensor)) {
    const x = scalarValue(a);
    return mapUnary(b, outDType, (y) => g(x, y));
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = numelOf(shape);
  const out = allocate(outDType, n);
  const da = a.storage.data;
  const db = b.storage.data;
  if (sameShape(a.shape, shape) && sameShape(b.shape, shape) && a.isContiguous() && b.isContiguous()) {
    const oa = a.offset;
    const ob = b.offset;
    for (let i = 0; i < n; i++) out[i] = g(da[oa + i]!, db[ob + i]!);
  } else {
    const ia = elementOffsets(shape, broadcastStrides(a.shape, a.strides, shape), a.offset);
    const ib = elementOffsets(shape, broadcastStrides(b.shape, b.strides, shape), b.offset);
    for (let i = 0; i < n; i++) out[i] = g(da[ia[i]!]!, db[ib[i]!]!);
  }
  return Tensor.fromData(out, shape, outDType);
}

/** True when `x` is a contiguous tensor whose storage is a typed array of `dtype`, a float type. */
function isDenseFloat(x: Operand, dtype: DType): x is Tensor {
  return x instanceof Tensor && x.dtype === dtype && isFloatingPoint(dtype) && x.isContiguous();
}

/** A dense operand's storage, or a scalar operand's value, as the backend's elementwise kernels take it. */
function kernelOperand(v: Operand): FloatArray | number {
  return v instanceof Tensor ? (v.storage.data as FloatArray) : scalarValue(v);
}

function kernelOffset(v: Operand): number {
  return v instanceof Tensor ? v.offset : 0;
}

/**
 * The tensor whose shape the output of `a op b` takes when the elementwise kernels can compute it:
 * both dense tensors of `dtype` with the same shape, or one such tensor and a scalar.
 */
function kernelShaped(a: Operand, b: Operand, dtype: DType): Tensor | undefined {
  const aDense = isDenseFloat(a, dtype);
  const bDense = isDenseFloat(b, dtype);
  if (aDense && bDense) return sameShape(a.shape, b.shape) ? a : undefined;
  if (aDense && !(b instanceof Tensor)) return a;
  if (bDense && !(a instanceof Tensor)) return b;
  return undefined;
}

/**
 * {@link mapBinary} for add, sub, mul and true div, `f` being `(x, y) => x op alpha·y`. Float
 * outputs from contiguous same-shape operands of that dtype, or one such tensor and a scalar,
 * run the backend's elementwise kernel (no call per element, bit-identical results); the rest go
 * through `f`.
 */
export function mapArithmetic(op: ArithmeticOp, a: Operand, b: Operand, outDType: DType, alpha: number, f: Binary): Tensor {
  const dense = kernelShaped(a, b, outDType);
  if (!dense) return mapBinary(op, a, b, outDType, f);
  const out = allocate(outDType, dense.numel()) as FloatArray;
  getBackend().elementwise({
    op, n: out.length, out, outOffset: 0, a: kernelOperand(a), aOffset: kernelOffset(a), b: kernelOperand(b), bOffset: kernelOffset(b), alpha,
  });
  return Tensor.fromData(out, dense.shape, outDType);
}

function allocateWith(dtype: DType, n: number, value: number) {
  const out = allocate(dtype, n);
  out.fill(value);
  return out;
}

/** Offsets of `other` read as if broadcast to `x`'s shape, or null when it lines up contiguously. */
function alignedOffsets(op: string, x: Tensor, other: Tensor): Int32Array | null {
  const shape = broadcastShapes(op, x.shape, other.shape);
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(`${op}: output with shape ${formatShape(x.shape)} doesn't match the broadcast shape ${formatShape(shape)}`);
  }
  if (sameShape(other.shape, x.shape) && other.isContiguous()) return null;
  return elementOffsets(x.shape, broadcastStrides(other.shape, other.strides, x.shape), other.offset);
}

function checkInPlaceDType(op: string, x: Tensor, result: DType): void {
  if (!canCast(result, x.dtype)) {
    throw new DTypeError(`${op}: result type ${result} can't be cast to the desired output type ${x.dtype}`);
  }
}

/**
 * `x[i] = f(x[i], other[i])` in place, `other` broadcast to `x`'s shape. Fast when both are
 * contiguous: optimizers run their updates through here.
 */
export function mapBinaryInPlace(op: string, x: Tensor, other: Operand, f: Binary, checkCast = true): Tensor {
  if (checkCast) checkInPlaceDType(op, x, resultType(x, other));
  const g = storedAs(x.dtype, f);
  if (!(other instanceof Tensor)) {
    const y = scalarValue(other);
    return mapUnaryInPlace(x, (v) => g(v, y));
  }
  const data = x.storage.data;
  const od = other.storage.data;
  const ix = offsetsOf(x);
  const io = alignedOffsets(op, x, other);
  const n = x.numel();
  if (ix === null && io === null) {
    const ox = x.offset;
    const oo = other.offset;
    for (let i = 0; i < n; i++) data[ox + i] = g(data[ox + i]!, od[oo + i]!);
  } else {
    for (let i = 0; i < n; i++) {
      const k = ix === null ? x.offset + i : ix[i]!;
      data[k] = g(data[k]!, od[io === null ? other.offset + i : io[i]!]!);
    }
  }
  x.bumpVersion();
  return x;
}

/**
 * {@link mapBinaryInPlace} for add_, sub_, mul_ and div_, `f` being `(v, y) => v op alpha·y`:
 * the backend's elementwise kernel when `x` is a contiguous float tensor and `other` a scalar or
 * a contiguous tensor of the same shape and dtype; otherwise through `f`.
 */
export function mapArithmeticInPlace(op: ArithmeticOp, x: Tensor, other: Operand, alpha: number, f: Binary): Tensor {
  const name = `${op}_`;
  if (kernelShaped(x, other, x.dtype) !== x) return mapBinaryInPlace(name, x, other, f);
  checkInPlaceDType(name, x, resultType(x, other));
  const data = x.storage.data as FloatArray;
  getBackend().elementwise({
    op, n: x.numel(), out: data, outOffset: x.offset, a: data, aOffset: x.offset, b: kernelOperand(other), bOffset: kernelOffset(other), alpha,
  });
  x.bumpVersion();
  return x;
}

/** `x[i] = f(x[i], b[i], c[i])` in place, with `b` and `c` broadcast to `x` (addcmul_, lerp_, …). */
export function mapTernaryInPlace(op: string, x: Tensor, b: Operand, c: Operand, f: Ternary): Tensor {
  checkInPlaceDType(op, x, resultType(x, b));
  checkInPlaceDType(op, x, resultType(x, c));
  const data = x.storage.data;
  const n = x.numel();
  const ix = offsetsOf(x);
  const reader = (v: Operand): ((i: number) => number) => {
    if (!(v instanceof Tensor)) {
      const s = scalarValue(v);
      return () => s;
    }
    const d = v.storage.data;
    const io = alignedOffsets(op, x, v);
    const o = v.offset;
    return io === null ? (i) => d[o + i]! : (i) => d[io[i]!]!;
  };
  const rb = reader(b);
  const rc = reader(c);
  const cast = x.dtype === 'bool' || x.dtype === 'int64';
  for (let i = 0; i < n; i++) {
    const k = ix === null ? x.offset + i : ix[i]!;
    const v = f(data[k]!, rb(i), rc(i));
    data[k] = cast ? castScalar(v, x.dtype) : v;
  }
  x.bumpVersion();
  return x;
}

/** `out[i] = f(a[i], b[i], c[i])` over three broadcast operands (where, lerp, addcmul). */
export function mapTernary(op: string, a: Operand, b: Operand, c: Operand, outDType: DType, f: Ternary): Tensor {
  const tensors = [a, b, c].filter((v): v is Tensor => v instanceof Tensor);
  const shape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  const n = numelOf(shape);
  const out = allocate(outDType, n);
  const reader = (v: Operand): ((i: number) => number) => {
    if (!(v instanceof Tensor)) {
      const s = scalarValue(v);
      return () => s;
    }
    const d = v.storage.data;
    if (sameShape(v.shape, shape) && v.isContiguous()) {
      const o = v.offset;
      return (i) => d[o + i]!;
    }
    const io = elementOffsets(shape, broadcastStrides(v.shape, v.strides, shape), v.offset);
    return (i) => d[io[i]!]!;
  };
  const ra = reader(a);
  const rb = reader(b);
  const rc = reader(c);
  const cast = outDType === 'bool' || outDType === 'int64';
  for (let i = 0; i < n; i++) {
    const v = f(ra(i), rb(i), rc(i));
    out[i] = cast ? castScalar(v, outDType) : v;
  }
  return Tensor.fromData(out, shape, outDType);
}
