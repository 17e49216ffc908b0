/**
 * Joining and splitting along a dim: `cat`, `stack` copy into a new tensor; `split`, `chunk` and
 * `unbind` return views that share storage with their input, as in PyTorch.
 */
import { allocate, type DType, promoteTypes, type TypedArray } from '../dtype.js';
import { IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { formatShape, normalizeDim, numelOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from '../iterate.js';

/**
 * Copies, for each of `outer` rows, a block of `blockSizes[s]` elements from every source `s` in
 * turn: the shared kernel of `cat` and `stack`. Sources are row-major and of a dtype that
 * converts to `dtype` without loss (callers promote), so plain assignment converts correctly.
 */
function joinBlocks(sources: readonly TypedArray[], blockSizes: readonly number[], outer: number, dtype: DType): TypedArray {
  let total = 0;
  for (const size of blockSizes) total += size;
  const out = allocate(dtype, outer * total);
  let position = 0;
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < sources.length; s++) {
      const source = sources[s]!;
      const size = blockSizes[s]!;
      const start = o * size;
      if (size >= 64) {
        out.set(source.subarray(start, start + size), position);
      } else {
        for (let i = 0; i < size; i++) out[position + i] = source[start + i]!;
      }
      position += size;
    }
  }
  return out;
}

/**
 * Concatenates tensors along an existing dim, promoting to their common dtype. As in PyTorch,
 * 1-D empty tensors (shape `[0]`) are skipped whatever the other shapes, a legacy rule that lets
 * `cat([empty, x])` start an accumulation.
 *
 * @example
 * ```ts
 * cat([zeros(2, 3), ones(2, 1)], 1).shape; // [2, 4]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new InvalidArgumentError('cat: expected a non-empty list of tensors');
  let dtype = tensors[0]!.dtype;
  for (const t of tensors) dtype = promoteTypes(dtype, t.dtype);
  tensors.forEach((t, i) => {
    if (t.ndim === 0) throw new ShapeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const positions: number[] = [];
  tensors.forEach((t, i) => {
    if (!(t.ndim === 1 && t.shape[0] === 0)) positions.push(i);
  });
  if (positions.length === 0) return Tensor.fromData(allocate(dtype, 0), [0], dtype);
  const reference = tensors[positions[0]!]!;
  const d = normalizeDim('cat', dim, reference.ndim);
  let joinedSize = 0;
  for (const i of positions) {
    const t = tensors[i]!;
    if (t.ndim !== reference.ndim) {
      throw new ShapeError(
        `cat: tensors must have the same number of dimensions: got ${reference.ndim} and ${t.ndim} (shapes ${formatShape(reference.shape)} and ${formatShape(t.shape)} for tensor number ${i} in the list)`,
      );
    }
    for (let e = 0; e < t.ndim; e++) {
      if (e !== d && t.shape[e] !== reference.shape[e]) {
        throw new ShapeError(
          `cat: sizes of tensors must match except in dimension ${d}; expected size ${reference.shape[e]} but got size ${t.shape[e]} in dimension ${e} for tensor number ${i} in the list (shapes ${formatShape(reference.shape)} and ${formatShape(t.shape)})`,
        );
      }
    }
    joinedSize += t.shape[d]!;
  }
  const shape = [...reference.shape];
  shape[d] = joinedSize;
  const outer = numelOf(shape.slice(0, d));
  const inner = numelOf(shape.slice(d + 1));
  const kept = positions.map((i) => tensors[i]!);
  const data = joinBlocks(
    kept.map(contiguousData),
    kept.map((t) => t.shape[d]! * inner),
    outer,
    dtype,
  );
  return Tensor.fromData(data, shape, dtype);
}

/**
 * Stacks equally shaped tensors along a new dim `dim` (which may be `ndim`, for the last
 * position), promoting to their common dtype.
 *
 * @example
 * ```ts
 * stack([zeros(2, 3), ones(2, 3)], 1).shape; // [2, 2, 3]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new InvalidArgumentError('stack: expected a non-empty list of tensors');
  const reference = tensors[0]!;
  let dtype = reference.dtype;
  tensors.forEach((t, i) => {
    dtype = promoteTypes(dtype, t.dtype);
    const same = t.ndim === reference.ndim && t.shape.every((size, e) => size === reference.shape[e]);
    if (!same) {
      throw new ShapeError(
        `stack: expects each tensor to be equal size, but got ${formatShape(reference.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim('stack', dim, reference.ndim + 1);
  const shape = [...reference.shape];
  shape.splice(d, 0, tensors.length);
  const outer = numelOf(reference.shape.slice(0, d));
  const block = numelOf(reference.shape.slice(d));
  const data = joinBlocks(
    tensors.map(contiguousData),
    tensors.map(() => block),
    outer,
    dtype,
  );
  return Tensor.fromData(data, shape, dtype);
}

/** A view of `length` entries of `x` along `dim`, starting at `start`. */
function narrowView(x: Tensor, dim: number, start: number, length: number): Tensor {
  const shape = [...x.shape];
  shape[dim] = length;
  return new Tensor(x.storage, shape, [...x.strides], x.offset + start * x.strides[dim]!, x.dtype);
}

function requireAtLeast1D(op: string, x: Tensor): void {
  if (x.ndim === 0) throw new ShapeError(`${op}: expected at least a 1-dimensional tensor, got a 0-d tensor`);
}

function splitWithSizes(x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  const views: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    views.push(narrowView(x, dim, start, size));
    start += size;
  }
  return views;
}

/**
 * Splits `x` along `dim` into views: pieces of `splitSizeOrSections` entries (the last may be
 * shorter), or pieces of the listed sizes, which must sum to `x.size(dim)`. The views share
 * storage with `x`, so writing to one writes to `x`.
 *
 * @example
 * ```ts
 * split(arange(5), 2).map((t) => t.tolist()); // [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4]).map((t) => t.shape); // [[1], [4]]
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  requireAtLeast1D('split', x);
  const d = normalizeDim('split', dim, x.ndim);
  const dimSize = x.shape[d]!;
  if (typeof splitSizeOrSections === 'number') {
    const splitSize = splitSizeOrSections;
    if (!Number.isInteger(splitSize) || splitSize < 0) {
      throw new InvalidArgumentError(`split: splitSize must be a non-negative integer, got ${splitSize}`);
    }
    if (splitSize === 0 && dimSize !== 0) {
      throw new InvalidArgumentError(`split: splitSize can only be 0 if the dimension size is 0, but dim ${d} of ${formatShape(x.shape)} has size ${dimSize}`);
    }
    const count = splitSize === 0 ? 1 : Math.max(Math.ceil(dimSize / splitSize), 1);
    const sizes = Array.from({ length: count }, (_, i) => Math.min(splitSize, dimSize - i * splitSize));
    return splitWithSizes(x, sizes, d);
  }
  const sizes = [...splitSizeOrSections];
  if (sizes.some((size) => !Number.isInteger(size) || size < 0)) {
    throw new InvalidArgumentError(`split: split sizes must be non-negative integers, got ${formatShape(sizes)}`);
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== dimSize) {
    throw new InvalidArgumentError(
      `split: split sizes must sum exactly to ${dimSize} (the size of dim ${d} of ${formatShape(x.shape)}), but got ${formatShape(sizes)} summing to ${sum}`,
    );
  }
  return splitWithSizes(x, sizes, d);
}

/**
 * Splits `x` along `dim` into at most `chunks` views of `ceil(size / chunks)` entries, as
 * PyTorch does: fewer chunks come back when the size does not divide that way
 * (`chunk(arange(6), 4)` gives three pieces of 2). An empty dim gives `chunks` empty views.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  requireAtLeast1D('chunk', x);
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new InvalidArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  }
  const d = normalizeDim('chunk', dim, x.ndim);
  const dimSize = x.shape[d]!;
  if (dimSize === 0) return splitWithSizes(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(dimSize / chunks), d);
}

/**
 * Removes `dim`, returning the slices along it as views that share storage with `x`.
 *
 * @example
 * ```ts
 * unbind(tensor([[1, 2], [3, 4]]), 1).map((t) => t.tolist()); // [[1, 3], [2, 4]]
 * ```
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new IndexError(`unbind: dim ${dim} is out of range for a 0-d tensor`);
  const d = normalizeDim('unbind', dim, x.ndim);
  const shape = x.shape.filter((_, e) => e !== d);
  const strides = x.strides.filter((_, e) => e !== d);
  const stride = x.strides[d]!;
  return Array.from({ length: x.shape[d]! }, (_, i) => new Tensor(x.storage, shape, strides, x.offset + i * stride, x.dtype));
}
