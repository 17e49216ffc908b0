import { allocate, castScalar, checkDType, type DType, isFloatingPoint, type TypedArray } from './dtype.js';
import { InvalidArgumentError, ShapeError } from './errors/index.js';
import { elementOffsets } from './iterate.js';
import { contiguousStrides, formatShape, normalizeDim, numelOf, type Shape } from './shape.js';
import { Storage } from './storage.js';

/** A nested JavaScript array of numbers or booleans, as `tolist()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * A strided n-dimensional array: a window (`shape`, `strides`, `offset`) onto a typed-array
 * {@link Storage}. Views such as `transpose` or `narrow` share storage with their base, so an
 * in-place op on a view writes through to the base.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
 * x.t().mul(2).sum().item(); // 20
 * ```
 */
export class Tensor {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;

  constructor(storage: Storage, shape: Shape, strides: Shape, offset: number, dtype: DType) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtype;
  }

  /** Wraps a contiguous typed array of `shape` (no copy). */
  static fromData(data: TypedArray, shape: Shape, dtype: DType): Tensor {
    if (data.length !== numelOf(shape)) {
      throw new ShapeError(`Tensor: ${data.length} elements cannot fill shape ${formatShape(shape)}`);
    }
    return new Tensor(new Storage(data), [...shape], contiguousStrides(shape), 0, dtype);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of dimensions (PyTorch's `dim()`). */
  dim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }

  /** The shape, or the size of one dim. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim('size', dim, this.ndim)]!;
  }

  /** The strides, or the stride of one dim. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    if (dim === undefined) return [...this.strides];
    return this.strides[normalizeDim('stride', dim, this.ndim)]!;
  }

  /** True for float32 and float64 tensors. */
  isFloatingPoint(): boolean {
    return isFloatingPoint(this.dtype);
  }

  /** True when the elements lie in row-major order with no gaps (size-1 dims may have any stride). */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      const size = this.shape[i]!;
      if (size === 1) continue;
      if (this.strides[i] !== expected) return false;
      expected *= size;
    }
    return true;
  }

  /** This tensor if contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return this.isContiguous() ? this : this.clone();
  }

  /** A contiguous copy with its own storage. */
  clone(): Tensor {
    return Tensor.fromData(this.toTypedArray(), this.shape, this.dtype);
  }

  /** The elements in row-major order, as a fresh typed array of this dtype's storage type. */
  toTypedArray(): TypedArray {
    const data = this.storage.data;
    const n = this.numel();
    if (this.isContiguous()) return data.slice(this.offset, this.offset + n) as TypedArray;
    const out = allocate(this.dtype, n);
    const offsets = elementOffsets(this.shape, this.strides, this.offset);
    for (let i = 0; i < n; i++) out[i] = data[offsets[i]!]!;
    return out;
  }

  /** The value of a one-element tensor as a number (or boolean for bool tensors). */
  item(): number | boolean {
    if (this.numel() !== 1) {
      throw new InvalidArgumentError(`item: a tensor with ${this.numel()} elements cannot be converted to a scalar`);
    }
    const v = this.storage.data[elementOffsets(this.shape, this.strides, this.offset)[0]!]!;
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /** The elements as nested arrays (booleans for bool tensors). */
  tolist(): NestedArray {
    const flat = this.toTypedArray();
    const asValue = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (this.ndim === 0) return asValue(flat[0]!);
    let k = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[d]!; i++) out.push(d === this.ndim - 1 ? asValue(flat[k++]!) : build(d + 1));
      return out;
    };
    return build(0);
  }

  /** A copy converted to `dtype` (this tensor itself when the dtype already matches). */
  to(dtype: DType): Tensor;
  to(options: { dtype: DType }): Tensor;
  to(arg: DType | { dtype: DType }): Tensor {
    const dtype = checkDType('to', typeof arg === 'string' ? arg : arg.dtype);
    if (dtype === this.dtype) return this;
    const source = this.toTypedArray();
    const out = allocate(dtype, source.length);
    if (dtype === 'bool' || dtype === 'int64') {
      for (let i = 0; i < source.length; i++) out[i] = castScalar(source[i]!, dtype);
    } else {
      out.set(source);
    }
    return Tensor.fromData(out, this.shape, dtype);
  }

  /** Converts to float32. */
  float(): Tensor {
    return this.to('float32');
  }

  /** Converts to float64. */
  double(): Tensor {
    return this.to('float64');
  }

  /** Converts to int32. */
  int(): Tensor {
    return this.to('int32');
  }

  /** Converts to int64. */
  long(): Tensor {
    return this.to('int64');
  }

  /** Converts to bool. */
  bool(): Tensor {
    return this.to('bool');
  }

  /** Marks the storage as written in place (PyTorch's version counter). */
  bumpVersion(): void {
    this.storage.version++;
  }

  /** The version counter shared by all views of this storage. */
  get version(): number {
    return this.storage.version;
  }
}
