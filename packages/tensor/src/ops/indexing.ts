/**
 * Indexing ops: reading (`indexSelect`, `gather`, `maskedSelect`, `nonzero`), writing (`scatter`,
 * `scatterAdd`, `indexAdd`, `maskedFill`, each with an in-place `_` variant) and `oneHot`.
 * Index tensors must be int32 or int64; every index is checked against its dim before anything is
 * written, so a failing in-place op leaves its input untouched.
 */
import { allocate, castScalar, type DType, type TypedArray } from '../dtype.js';
import { DTypeError, IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { broadcastStrides, elementOffsets } from '../iterate.js';
import { broadcastShapes, formatShape, normalizeDim, numelOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from '../iterate.js';

function requireIndexTensor(op: string, argument: string, index: Tensor): void {
  if (index.dtype !== 'int32' && index.dtype !== 'int64') {
    throw new DTypeError(`${op}: ${argument} must be an int32 or int64 tensor, got ${index.dtype}`);
  }
}

function requireBoolMask(op: string, mask: Tensor): void {
  if (mask.dtype !== 'bool') throw new DTypeError(`${op}: mask must be a bool tensor, got ${mask.dtype}`);
}

/** The index values, row-major, after checking each lies in [0, size). */
function checkedIndices(op: string, index: Tensor, dim: number, size: number): TypedArray {
  const values = contiguousData(index);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= size) throw new IndexError(`${op}: index ${v} is out of bounds for dim ${dim} with size ${size}`);
  }
  return values;
}

/** `value` as storage of `dtype` holds it (float32 rounding, integer truncation, bool 0/1). */
function storedValue(value: number | boolean, dtype: DType): number {
  const cell = allocate(dtype, 1);
  cell[0] = castScalar(Number(value), dtype);
  return cell[0]!;
}

/** PyTorch treats a 0-d tensor as shape [1] in gather/scatter/indexAdd. */
function atLeast1D(shape: Shape): readonly number[] {
  return shape.length === 0 ? [1] : shape;
}

function withDimZeroed(strides: Shape, dim: number): number[] {
  const out = strides.length === 0 ? [0] : [...strides];
  out[dim] = 0;
  return out;
}

function strideOf(x: Tensor, dim: number): number {
  return x.ndim === 0 ? 0 : x.strides[dim]!;
}

/**
 * Picks the entries `index` names along `dim`: the result has `x`'s shape with
 * `size(dim) = index.numel()`. `index` is 0-d or 1-D.
 *
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0])).tolist(); // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  requireIndexTensor('indexSelect', 'index', index);
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-d or 1-D, got shape ${formatShape(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  const xShape = atLeast1D(x.shape);
  const count = index.numel();
  if (x.ndim === 0 && count !== 1) {
    throw new ShapeError(`indexSelect: index of a 0-d tensor must have exactly 1 value, got ${count}`);
  }
  const values = checkedIndices('indexSelect', index, d, xShape[d]!);
  const size = xShape[d]!;
  const outer = numelOf(xShape.slice(0, d));
  const inner = numelOf(xShape.slice(d + 1));
  const source = contiguousData(x);
  const out = allocate(x.dtype, outer * count * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const from = (o * size + values[j]!) * inner;
      for (let i = 0; i < inner; i++) out[k++] = source[from + i]!;
    }
  }
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = count;
  return Tensor.fromData(out, shape, x.dtype);
}

function requireSameRank(op: string, index: Tensor, other: Tensor, otherName: string): void {
  if (Math.max(index.ndim, 1) !== Math.max(other.ndim, 1)) {
    throw new ShapeError(
      `${op}: index ${formatShape(index.shape)} has ${index.ndim} dims but ${otherName} ${formatShape(other.shape)} has ${other.ndim}`,
    );
  }
}

/**
 * Reads `x` along `dim` at the positions in `index`: `out[i][j] = x[i][index[i][j]]` for dim 1.
 * `index` has as many dims as `x` and no larger a size than `x` in the other dims; the result has
 * `index`'s shape.
 *
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1, 1], [0, 1]])).tolist(); // [[2, 2], [3, 4]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  requireIndexTensor('gather', 'index', index);
  requireSameRank('gather', index, x, 'input');
  const d = normalizeDim('gather', dim, x.ndim);
  const xShape = atLeast1D(x.shape);
  const indexShape = atLeast1D(index.shape);
  for (let e = 0; e < indexShape.length; e++) {
    if (e !== d && indexShape[e]! > xShape[e]!) {
      throw new ShapeError(
        `gather: index ${formatShape(index.shape)} must be no larger than input ${formatShape(x.shape)} apart from dim ${d} (dim ${e} has ${indexShape[e]} > ${xShape[e]})`,
      );
    }
  }
  const values = checkedIndices('gather', index, d, xShape[d]!);
  const bases = elementOffsets(indexShape, withDimZeroed(x.strides, d), x.offset);
  const stride = strideOf(x, d);
  const data = x.storage.data;
  const out = allocate(x.dtype, values.length);
  for (let k = 0; k < values.length; k++) out[k] = data[bases[k]! + values[k]! * stride]!;
  return Tensor.fromData(out, index.shape, x.dtype);
}

/** How `scatter` combines a written value with the one already there. */
export type ScatterReduce = 'add' | 'multiply';

/** Options of {@link scatter}. */
export interface ScatterOptions {
  /** Combine with the existing value instead of overwriting it. */
  reduce?: ScatterReduce;
}

/** Writes `op(x[target], value)` for the pairs of storage offsets; the kernel of every scatter. */
function scatterKernel(
  x: Tensor,
  targets: Int32Array,
  source: TypedArray | number,
  sourceOffsets: Int32Array | undefined,
  reduce: ScatterReduce | undefined,
): void {
  const data = x.storage.data;
  const n = targets.length;
  const read = (k: number): number => (typeof source === 'number' ? source : source[sourceOffsets![k]!]!);
  if (reduce === undefined) {
    for (let k = 0; k < n; k++) data[targets[k]!] = read(k);
  } else if (x.dtype === 'bool') {
    // Bool arithmetic is logical, as in PyTorch: add is or, multiply is and.
    for (let k = 0; k < n; k++) {
      const t = targets[k]!;
      data[t] = reduce === 'add' ? Number(data[t] !== 0 || read(k) !== 0) : Number(data[t] !== 0 && read(k) !== 0);
    }
  } else if (reduce === 'add') {
    for (let k = 0; k < n; k++) data[targets[k]!] += read(k);
  } else {
    for (let k = 0; k < n; k++) data[targets[k]!] *= read(k);
  }
}

function scatterInto(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, reduce: ScatterReduce | undefined): void {
  requireIndexTensor(op, 'index', index);
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new InvalidArgumentError(`${op}: reduce must be 'add' or 'multiply', got ${JSON.stringify(reduce)}`);
  }
  requireSameRank(op, index, x, 'input');
  if (src instanceof Tensor) {
    requireSameRank(op, index, src, 'src');
    if (src.dtype !== x.dtype) throw new DTypeError(`${op}: src dtype ${src.dtype} must equal input dtype ${x.dtype}`);
  }
  const d = normalizeDim(op, dim, x.ndim);
  const xShape = atLeast1D(x.shape);
  const indexShape = atLeast1D(index.shape);
  const srcShape = src instanceof Tensor ? atLeast1D(src.shape) : undefined;
  for (let e = 0; e < indexShape.length; e++) {
    const tooLarge = (e !== d && indexShape[e]! > xShape[e]!) || (srcShape !== undefined && indexShape[e]! > srcShape[e]!);
    if (tooLarge) {
      const versusSrc = src instanceof Tensor ? ` and no larger than src ${formatShape(src.shape)}` : '';
      throw new ShapeError(
        `${op}: index ${formatShape(index.shape)} must be no larger than input ${formatShape(x.shape)} apart from dim ${d}${versusSrc} (dim ${e})`,
      );
    }
  }
  const values = checkedIndices(op, index, d, xShape[d]!);
  const targets = elementOffsets(indexShape, withDimZeroed(x.strides, d), x.offset);
  const stride = strideOf(x, d);
  for (let k = 0; k < targets.length; k++) targets[k]! += values[k]! * stride;
  if (src instanceof Tensor) {
    const sourceOffsets = elementOffsets(indexShape, src.ndim === 0 ? [0] : src.strides, src.offset);
    scatterKernel(x, targets, src.storage.data, sourceOffsets, reduce);
  } else {
    scatterKernel(x, targets, storedValue(src, x.dtype), undefined, reduce);
  }
}

/**
 * Writes `src` into a copy of `x` at the positions `index` names along `dim`:
 * `out[i][index[i][j]] = src[i][j]` for dim 1. `src` is a tensor of `x`'s dtype (read at
 * `index`'s shape) or a scalar, converted to `x`'s dtype. With `reduce`, values are added or
 * multiplied into what is there; without it, the last write to a repeated position wins.
 *
 * @example
 * ```ts
 * scatter(zeros(2, 3), 1, tensor([[2], [0]]), 7).tolist(); // [[0, 0, 7], [7, 0, 0]]
 * ```
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, options: ScatterOptions = {}): Tensor {
  const out = x.clone();
  scatterInto('scatter', out, dim, index, src, options.reduce);
  return out;
}

/** In-place {@link scatter}: writes into `x` through its strides and returns `x`. */
export function scatter_(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, options: ScatterOptions = {}): Tensor {
  scatterInto('scatter_', x, dim, index, src, options.reduce);
  x.bumpVersion();
  return x;
}

/**
 * Adds `src` into a copy of `x` at the positions `index` names along `dim`, accumulating over
 * repeated positions: `out[i][index[i][j]] += src[i][j]` for dim 1.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const out = x.clone();
  scatterInto('scatterAdd', out, dim, index, src, 'add');
  return out;
}

/** In-place {@link scatterAdd}: accumulates into `x` and returns `x`. */
export function scatterAdd_(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  scatterInto('scatterAdd_', x, dim, index, src, 'add');
  x.bumpVersion();
  return x;
}

/** Options of {@link indexAdd}. */
export interface IndexAddOptions {
  /** Scale of `source` (default 1), converted to `x`'s dtype as PyTorch does. */
  alpha?: number;
}

function indexAddInto(op: string, x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): void {
  requireIndexTensor(op, 'index', index);
  if (index.ndim > 1) throw new ShapeError(`${op}: index must be 0-d or 1-D, got shape ${formatShape(index.shape)}`);
  if (source.dtype !== x.dtype) throw new DTypeError(`${op}: source dtype ${source.dtype} must equal input dtype ${x.dtype}`);
  const d = normalizeDim(op, dim, x.ndim);
  const xShape = atLeast1D(x.shape);
  const sourceShape = atLeast1D(source.shape);
  const count = index.numel();
  const matches = sourceShape.length === xShape.length && sourceShape.every((size, e) => e === d || size === xShape[e]);
  if (!matches) {
    throw new ShapeError(`${op}: source ${formatShape(source.shape)} must match input ${formatShape(x.shape)} in every dim but dim ${d}`);
  }
  if (sourceShape[d] !== count) {
    throw new ShapeError(`${op}: index has ${count} entries but source ${formatShape(source.shape)} has size ${sourceShape[d]} in dim ${d}`);
  }
  const values = checkedIndices(op, index, d, xShape[d]!);
  const scale = storedValue(alpha, x.dtype);
  const bases = elementOffsets(sourceShape, withDimZeroed(x.strides, d), x.offset);
  const sourceData = contiguousData(source);
  const stride = strideOf(x, d);
  const outer = numelOf(sourceShape.slice(0, d));
  const inner = numelOf(sourceShape.slice(d + 1));
  const data = x.storage.data;
  const isBool = x.dtype === 'bool';
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const shift = values[j]! * stride;
      for (let i = 0; i < inner; i++, k++) {
        const t = bases[k]! + shift;
        const sum = data[t]! + scale * sourceData[k]!;
        data[t] = isBool ? Number(sum !== 0) : sum;
      }
    }
  }
}

/**
 * Adds `alpha * source` into a copy of `x` at the entries `index` (0-d or 1-D) names along
 * `dim`, accumulating over repeats: `out[index[j]] += alpha * source[j]` for dim 0. `source`
 * has `x`'s dtype and shape except `size(dim) = index.numel()`.
 *
 * @example
 * ```ts
 * indexAdd(zeros(3), 0, tensor([0, 0, 2]), tensor([1, 2, 3], { dtype: 'float32' })).tolist(); // [3, 0, 3]
 * ```
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, options: IndexAddOptions = {}): Tensor {
  const out = x.clone();
  indexAddInto('indexAdd', out, dim, index, source, options.alpha ?? 1);
  return out;
}

/** In-place {@link indexAdd}: accumulates into `x` and returns `x`. */
export function indexAdd_(x: Tensor, dim: number, index: Tensor, source: Tensor, options: IndexAddOptions = {}): Tensor {
  indexAddInto('indexAdd_', x, dim, index, source, options.alpha ?? 1);
  x.bumpVersion();
  return x;
}

function fillValue(op: string, value: number | boolean | Tensor): number | boolean {
  if (!(value instanceof Tensor)) return value;
  if (value.ndim !== 0) throw new ShapeError(`${op}: value must be a number or a 0-d tensor, got shape ${formatShape(value.shape)}`);
  return value.item();
}

/** Writes `stored` into `target` (its own shape) wherever the broadcast `mask` is true. */
function fillWhere(target: Tensor, mask: Tensor, stored: number): void {
  const data = target.storage.data;
  const maskData = mask.storage.data;
  const sameLayout = target.isContiguous() && mask.isContiguous() && mask.numel() === target.numel();
  if (sameLayout) {
    const n = target.numel();
    for (let i = 0; i < n; i++) if (maskData[mask.offset + i] !== 0) data[target.offset + i] = stored;
    return;
  }
  const targetOffsets = elementOffsets(target.shape, target.strides, target.offset);
  const maskOffsets = elementOffsets(target.shape, broadcastStrides(mask.shape, mask.strides, target.shape), mask.offset);
  for (let i = 0; i < targetOffsets.length; i++) if (maskData[maskOffsets[i]!] !== 0) data[targetOffsets[i]!] = stored;
}

/** A contiguous copy of `x` broadcast to `shape`. */
function expandCopy(x: Tensor, shape: Shape): Tensor {
  if (x.shape.length === shape.length && x.shape.every((size, i) => size === shape[i])) return x.clone();
  const source = x.storage.data;
  const offsets = elementOffsets(shape, broadcastStrides(x.shape, x.strides, shape), x.offset);
  const out = allocate(x.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = source[offsets[i]!]!;
  return Tensor.fromData(out, shape, x.dtype);
}

/**
 * A copy of `x` with `value` wherever the bool `mask` is true. `x` and `mask` broadcast
 * together, as in PyTorch; the value is converted to `x`'s dtype (no promotion).
 *
 * @example
 * ```ts
 * maskedFill(tensor([1, 2, 3]), tensor([true, false, true]), 0).tolist(); // [0, 2, 0]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  requireBoolMask('maskedFill', mask);
  const stored = storedValue(fillValue('maskedFill', value), x.dtype);
  const out = expandCopy(x, broadcastShapes('maskedFill', x.shape, mask.shape));
  fillWhere(out, mask, stored);
  return out;
}

/** In-place {@link maskedFill}; `mask` must broadcast to `x`'s shape. Returns `x`. */
export function maskedFill_(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  requireBoolMask('maskedFill_', mask);
  const lead = x.ndim - mask.ndim;
  const fits = lead >= 0 && mask.shape.every((size, i) => size === 1 || size === x.shape[lead + i]);
  if (!fits) throw new ShapeError(`maskedFill_: mask ${formatShape(mask.shape)} cannot be broadcast to input ${formatShape(x.shape)}`);
  fillWhere(x, mask, storedValue(fillValue('maskedFill_', value), x.dtype));
  x.bumpVersion();
  return x;
}

/**
 * The elements of `x` where the bool `mask` is true, as a 1-D tensor in row-major order; `x`
 * and `mask` broadcast together.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  requireBoolMask('maskedSelect', mask);
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const xOffsets = elementOffsets(shape, broadcastStrides(x.shape, x.strides, shape), x.offset);
  const maskOffsets = elementOffsets(shape, broadcastStrides(mask.shape, mask.strides, shape), mask.offset);
  const maskData = mask.storage.data;
  let count = 0;
  for (let i = 0; i < maskOffsets.length; i++) if (maskData[maskOffsets[i]!] !== 0) count++;
  const data = x.storage.data;
  const out = allocate(x.dtype, count);
  let k = 0;
  for (let i = 0; i < maskOffsets.length; i++) if (maskData[maskOffsets[i]!] !== 0) out[k++] = data[xOffsets[i]!]!;
  return Tensor.fromData(out, [count], x.dtype);
}

/**
 * The coordinates of the non-zero elements of `x` (NaN counts as non-zero), one row each in
 * row-major order: an int64 tensor of shape `[count, x.ndim]`.
 *
 * @example
 * ```ts
 * nonzero(tensor([[0, 1], [2, 0]])).tolist(); // [[0, 1], [1, 0]]
 * ```
 */
export function nonzero(x: Tensor): Tensor {
  const values = contiguousData(x);
  const ndim = x.ndim;
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  const out = allocate('int64', count * ndim);
  const coordinate = new Array<number>(ndim).fill(0);
  let row = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0) {
      for (let e = 0; e < ndim; e++) out[row * ndim + e] = coordinate[e]!;
      row++;
    }
    for (let e = ndim - 1; e >= 0; e--) {
      if (++coordinate[e]! < x.shape[e]!) break;
      coordinate[e] = 0;
    }
  }
  return Tensor.fromData(out, [count, ndim], 'int64');
}

/**
 * One-hot encodes class indices: an int64 tensor of shape `[...indices.shape, numClasses]` with a
 * 1 at each index. `numClasses = -1` infers `max(indices) + 1`.
 *
 * @example
 * ```ts
 * oneHot(tensor([0, 2]), 3).tolist(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  requireIndexTensor('oneHot', 'indices', indices);
  if (!Number.isInteger(numClasses) || numClasses < -1) {
    throw new InvalidArgumentError(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
  }
  const values = contiguousData(indices);
  if (values.length === 0 && numClasses === -1) {
    throw new InvalidArgumentError(`oneHot: cannot infer numClasses from an empty tensor ${formatShape(indices.shape)}`);
  }
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) throw new IndexError(`oneHot: class values must be non-negative, got ${v}`);
    if (v > max) max = v;
  }
  const classes = numClasses === -1 ? max + 1 : numClasses;
  if (max >= classes) throw new IndexError(`oneHot: class value ${max} is out of bounds for numClasses ${classes}`);
  const out = allocate('int64', values.length * classes);
  for (let i = 0; i < values.length; i++) out[i * classes + values[i]!] = 1;
  return Tensor.fromData(out, [...indices.shape, classes], 'int64');
}
