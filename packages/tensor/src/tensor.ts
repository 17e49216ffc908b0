import { allocate, castScalar, checkDType, type DType, isFloatingPoint, type TypedArray } from './dtype.js';
import { InvalidArgumentError, ShapeError } from './errors/index.js';
import { elementOffsets } from './iterate.js';
import { contiguousStrides, formatShape, normalizeDim, numelOf, type Shape, type SizeArgs } from './shape.js';
import { Storage } from './storage.js';
import * as binary from './ops/binary.js';
import type { Operand } from './ops/map.js';
import * as unary from './ops/unary.js';
import * as views from './ops/views.js';
import * as reduce from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as sorting from './ops/sort.js';
import * as join from './ops/join.js';
import * as indexing from './ops/indexing.js';
import * as rearrange from './ops/rearrange.js';
import * as softmaxOps from './ops/softmax.js';
import * as linalg from './ops/linalg.js';
import * as random from './ops/random.js';
import { formatTensor, type FormatOptions } from './format.js';

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

  // ---- Views (share storage with this tensor) -------------------------------------------------

  /** A view with a new shape; see {@link views.view}. */
  view(...sizes: SizeArgs): Tensor {
    return views.view(this, ...sizes);
  }
  /** A view with a new shape, or a copy when strides forbid one. */
  reshape(...sizes: SizeArgs): Tensor {
    return views.reshape(this, ...sizes);
  }
  /** Swaps two dims. */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** Reorders the dims. */
  permute(...dims: SizeArgs): Tensor {
    return views.permute(this, ...dims);
  }
  /** Matrix transpose (≤ 2 dims). */
  t(): Tensor {
    return views.t(this);
  }
  /** The matrix transpose as a property, like PyTorch's `x.T` for 2-D tensors. */
  get T(): Tensor {
    return views.permute(this, this.shape.map((_, i) => this.ndim - 1 - i));
  }
  /** Broadcasts size-1 dims without copying. */
  expand(...sizes: SizeArgs): Tensor {
    return views.expand(this, ...sizes);
  }
  /** Expands to `other`'s shape. */
  expandAs(other: Tensor): Tensor {
    return views.expand(this, [...other.shape]);
  }
  /** Expands to `shape`. */
  broadcastTo(shape: readonly number[]): Tensor {
    return views.broadcastTo(this, shape);
  }
  /** Elements `start` … `start + length − 1` along `dim`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** Index `index` along `dim`, dropping the dim. */
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  /** Python slicing along one dim. */
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return views.slice(this, dim, start, end, step);
  }
  /** Python-style indexing: `x.index(':', '1:3')` is `x[:, 1:3]`; see {@link views.index}. */
  index(...specs: views.IndexSpec[]): Tensor {
    return views.index(this, ...specs);
  }
  /** Removes size-1 dims. */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  /** Inserts a size-1 dim. */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** Merges a range of dims. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** Splits one dim into several. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return views.unflatten(this, dim, sizes);
  }
  /** Moves one dim to another position. */
  movedim(source: number, destination: number): Tensor {
    return views.movedim(this, source, destination);
  }

  // ---- Elementwise ----------------------------------------------------------------------------

  add(other: Operand, options?: { alpha?: number }): Tensor {
    return binary.add(this, other, options);
  }
  sub(other: Operand, options?: { alpha?: number }): Tensor {
    return binary.sub(this, other, options);
  }
  mul(other: Operand): Tensor {
    return binary.mul(this, other);
  }
  div(other: Operand, options?: binary.DivOptions): Tensor {
    return binary.div(this, other, options);
  }
  pow(exponent: Operand): Tensor {
    return binary.pow(this, exponent);
  }
  maximum(other: Operand): Tensor {
    return binary.maximum(this, other);
  }
  minimum(other: Operand): Tensor {
    return binary.minimum(this, other);
  }
  remainder(other: Operand): Tensor {
    return binary.remainder(this, other);
  }
  atan2(other: Operand): Tensor {
    return binary.atan2(this, other);
  }
  eq(other: Operand): Tensor {
    return binary.eq(this, other);
  }
  ne(other: Operand): Tensor {
    return binary.ne(this, other);
  }
  lt(other: Operand): Tensor {
    return binary.lt(this, other);
  }
  le(other: Operand): Tensor {
    return binary.le(this, other);
  }
  gt(other: Operand): Tensor {
    return binary.gt(this, other);
  }
  ge(other: Operand): Tensor {
    return binary.ge(this, other);
  }
  logicalAnd(other: Operand): Tensor {
    return binary.logicalAnd(this, other);
  }
  logicalOr(other: Operand): Tensor {
    return binary.logicalOr(this, other);
  }
  logicalXor(other: Operand): Tensor {
    return binary.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return unary.logicalNot(this);
  }
  isclose(other: Operand, options?: binary.IsCloseOptions): Tensor {
    return binary.isclose(this, other, options);
  }
  allclose(other: Operand, options?: binary.IsCloseOptions): boolean {
    return binary.allclose(this, other, options);
  }
  /** `where(condition, this, other)`, as PyTorch's `x.where(condition, y)`. */
  where(condition: Tensor, other: Operand): Tensor {
    return binary.where(condition, this, other);
  }
  lerp(end: Operand, weight: Operand): Tensor {
    return binary.lerp(this, end, weight);
  }
  neg(): Tensor {
    return unary.neg(this);
  }
  abs(): Tensor {
    return unary.abs(this);
  }
  sign(): Tensor {
    return unary.sign(this);
  }
  exp(): Tensor {
    return unary.exp(this);
  }
  expm1(): Tensor {
    return unary.expm1(this);
  }
  log(): Tensor {
    return unary.log(this);
  }
  log1p(): Tensor {
    return unary.log1p(this);
  }
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  rsqrt(): Tensor {
    return unary.rsqrt(this);
  }
  square(): Tensor {
    return unary.square(this);
  }
  sin(): Tensor {
    return unary.sin(this);
  }
  cos(): Tensor {
    return unary.cos(this);
  }
  tan(): Tensor {
    return unary.tan(this);
  }
  tanh(): Tensor {
    return unary.tanh(this);
  }
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  relu(): Tensor {
    return unary.relu(this);
  }
  erf(): Tensor {
    return unary.erf(this);
  }
  reciprocal(): Tensor {
    return unary.reciprocal(this);
  }
  floor(): Tensor {
    return unary.floor(this);
  }
  ceil(): Tensor {
    return unary.ceil(this);
  }
  round(options?: { decimals?: number }): Tensor {
    return unary.round(this, options);
  }
  trunc(): Tensor {
    return unary.trunc(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return unary.clamp(this, min, max);
  }
  isnan(): Tensor {
    return unary.isnan(this);
  }
  isinf(): Tensor {
    return unary.isinf(this);
  }
  isfinite(): Tensor {
    return unary.isfinite(this);
  }
  nanToNum(options?: { nan?: number; posinf?: number; neginf?: number }): Tensor {
    return unary.nanToNum(this, options);
  }

  // ---- Reductions, scans and sorting ------------------------------------------------------------

  sum(dim?: reduce.Dims, options?: reduce.SumOptions): Tensor {
    return reduce.sum(this, dim, options);
  }
  mean(dim?: reduce.Dims, options?: reduce.SumOptions): Tensor {
    return reduce.mean(this, dim, options);
  }
  prod(dim?: reduce.Dims, options?: reduce.SumOptions): Tensor {
    return reduce.prod(this, dim, options);
  }
  /** The maximum of all elements, or `{ values, indices }` along `dim`. */
  max(): Tensor;
  max(dim: number, options?: reduce.ReduceOptions): reduce.ValuesIndices;
  max(dim?: number, options?: reduce.ReduceOptions): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.max(this) : reduce.max(this, dim, options);
  }
  /** The minimum of all elements, or `{ values, indices }` along `dim`. */
  min(): Tensor;
  min(dim: number, options?: reduce.ReduceOptions): reduce.ValuesIndices;
  min(dim?: number, options?: reduce.ReduceOptions): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.min(this) : reduce.min(this, dim, options);
  }
  amax(dim?: reduce.Dims, options?: reduce.ReduceOptions): Tensor {
    return reduce.amax(this, dim, options);
  }
  amin(dim?: reduce.Dims, options?: reduce.ReduceOptions): Tensor {
    return reduce.amin(this, dim, options);
  }
  argmax(dim?: number, options?: reduce.ReduceOptions): Tensor {
    return reduce.argmax(this, dim, options);
  }
  argmin(dim?: number, options?: reduce.ReduceOptions): Tensor {
    return reduce.argmin(this, dim, options);
  }
  /** Variance with Bessel's correction by default (PyTorch's `var`). */
  var(dim?: reduce.Dims, options?: reduce.VarianceOptions): Tensor {
    return reduce.variance(this, dim, options);
  }
  std(dim?: reduce.Dims, options?: reduce.VarianceOptions): Tensor {
    return reduce.std(this, dim, options);
  }
  logsumexp(dim: reduce.Dims, options?: reduce.ReduceOptions): Tensor {
    return reduce.logsumexp(this, dim, options);
  }
  norm(p?: number | 'fro', dim?: reduce.Dims, options?: reduce.ReduceOptions): Tensor {
    return reduce.norm(this, p, dim, options);
  }
  all(dim?: reduce.Dims, options?: reduce.ReduceOptions): Tensor {
    return reduce.all(this, dim, options);
  }
  any(dim?: reduce.Dims, options?: reduce.ReduceOptions): Tensor {
    return reduce.any(this, dim, options);
  }
  cumsum(dim: number, options?: scan.ScanOptions): Tensor {
    return scan.cumsum(this, dim, options);
  }
  cumprod(dim: number, options?: scan.ScanOptions): Tensor {
    return scan.cumprod(this, dim, options);
  }
  sort(dim?: number, options?: sorting.SortOptions): reduce.ValuesIndices {
    return sorting.sort(this, dim, options);
  }
  argsort(dim?: number, options?: sorting.SortOptions): Tensor {
    return sorting.argsort(this, dim, options);
  }
  topk(k: number, dim?: number, options?: sorting.TopkOptions): reduce.ValuesIndices {
    return sorting.topk(this, k, dim, options);
  }
  softmax(dim: number, options?: softmaxOps.SoftmaxOptions): Tensor {
    return softmaxOps.softmax(this, dim, options);
  }
  logSoftmax(dim: number, options?: softmaxOps.SoftmaxOptions): Tensor {
    return softmaxOps.logSoftmax(this, dim, options);
  }

  // ---- Linear algebra ---------------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  mv(vector: Tensor): Tensor {
    return linalg.mv(this, vector);
  }
  outer(other: Tensor): Tensor {
    return linalg.outer(this, other);
  }

  // ---- Joining, indexing and rearranging ---------------------------------------------------------

  split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return join.split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim?: number): Tensor[] {
    return join.chunk(this, chunks, dim);
  }
  unbind(dim?: number): Tensor[] {
    return join.unbind(this, dim);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexing.indexSelect(this, dim, index);
  }
  gather(dim: number, index: Tensor): Tensor {
    return indexing.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number, options?: indexing.ScatterOptions): Tensor {
    return indexing.scatter(this, dim, index, src, options);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return indexing.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, options?: indexing.IndexAddOptions): Tensor {
    return indexing.indexAdd(this, dim, index, source, options);
  }
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor {
    return indexing.maskedFill(this, mask, value);
  }
  maskedSelect(mask: Tensor): Tensor {
    return indexing.maskedSelect(this, mask);
  }
  nonzero(): Tensor {
    return indexing.nonzero(this);
  }
  flip(dims: number | readonly number[]): Tensor {
    return rearrange.flip(this, dims);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return rearrange.roll(this, shifts, dims);
  }
  repeat(...sizes: SizeArgs): Tensor {
    return rearrange.repeat(this, ...sizes);
  }
  tile(dims: number | readonly number[]): Tensor {
    return rearrange.tile(this, dims);
  }
  tril(diagonal?: number): Tensor {
    return rearrange.tril(this, diagonal);
  }
  triu(diagonal?: number): Tensor {
    return rearrange.triu(this, diagonal);
  }

  // ---- In place (bump the version counter) -------------------------------------------------------

  add_(other: Operand, options?: { alpha?: number }): this {
    binary.add_(this, other, options);
    return this;
  }
  sub_(other: Operand, options?: { alpha?: number }): this {
    binary.sub_(this, other, options);
    return this;
  }
  mul_(other: Operand): this {
    binary.mul_(this, other);
    return this;
  }
  div_(other: Operand): this {
    binary.div_(this, other);
    return this;
  }
  pow_(exponent: Operand): this {
    binary.pow_(this, exponent);
    return this;
  }
  maximum_(other: Operand): this {
    binary.maximum_(this, other);
    return this;
  }
  addcmul_(t1: Operand, t2: Operand, options?: { value?: number }): this {
    binary.addcmul_(this, t1, t2, options);
    return this;
  }
  addcdiv_(t1: Operand, t2: Operand, options?: { value?: number }): this {
    binary.addcdiv_(this, t1, t2, options);
    return this;
  }
  lerp_(end: Operand, weight: Operand): this {
    binary.lerp_(this, end, weight);
    return this;
  }
  copy_(source: Operand): this {
    binary.copy_(this, source);
    return this;
  }
  fill_(value: number | boolean): this {
    unary.fill_(this, value);
    return this;
  }
  zero_(): this {
    unary.zero_(this);
    return this;
  }
  clamp_(min?: number | null, max?: number | null): this {
    unary.clamp_(this, min, max);
    return this;
  }
  neg_(): this {
    unary.neg_(this);
    return this;
  }
  abs_(): this {
    unary.abs_(this);
    return this;
  }
  exp_(): this {
    unary.exp_(this);
    return this;
  }
  log_(): this {
    unary.log_(this);
    return this;
  }
  sqrt_(): this {
    unary.sqrt_(this);
    return this;
  }
  sign_(): this {
    unary.sign_(this);
    return this;
  }
  sigmoid_(): this {
    unary.sigmoid_(this);
    return this;
  }
  tanh_(): this {
    unary.tanh_(this);
    return this;
  }
  relu_(): this {
    unary.relu_(this);
    return this;
  }
  reciprocal_(): this {
    unary.reciprocal_(this);
    return this;
  }
  square_(): this {
    unary.square_(this);
    return this;
  }

  scatter_(dim: number, index: Tensor, src: Tensor | number, options?: indexing.ScatterOptions): this {
    indexing.scatter_(this, dim, index, src, options);
    return this;
  }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    indexing.scatterAdd_(this, dim, index, src);
    return this;
  }
  indexAdd_(dim: number, index: Tensor, source: Tensor, options?: indexing.IndexAddOptions): this {
    indexing.indexAdd_(this, dim, index, source, options);
    return this;
  }
  maskedFill_(mask: Tensor, value: number | boolean | Tensor): this {
    indexing.maskedFill_(this, mask, value);
    return this;
  }
  uniform_(from?: number, to?: number, options?: random.GeneratorOptions): this {
    random.uniform_(this, from, to, options);
    return this;
  }
  normal_(mean?: number, std?: number, options?: random.GeneratorOptions): this {
    random.normal_(this, mean, std, options);
    return this;
  }
  bernoulli_(p: number, options?: random.GeneratorOptions): this {
    random.bernoulli_(this, p, options);
    return this;
  }

  // ---- Printing ------------------------------------------------------------------------------------

  /** PyTorch's printed form: `tensor([[1.0000, 2.0000]])`. */
  toString(options?: FormatOptions): string {
    return formatTensor(this, options);
  }

  /** Node's `util.inspect` (and so `console.log`) prints the PyTorch form. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Makes this tensor a view of `source` (its storage, shape, strides, offset and dtype) while
   * keeping its identity, as PyTorch's `set_`. Modules use it to change a parameter's dtype in
   * place, so optimizers and other holders of the parameter keep seeing it.
   */
  set_(source: Tensor): this {
    const self = this as { storage: Storage; shape: readonly number[]; strides: readonly number[]; offset: number; dtype: DType };
    self.storage = source.storage;
    self.shape = source.shape;
    self.strides = source.strides;
    self.offset = source.offset;
    self.dtype = source.dtype;
    return this;
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
