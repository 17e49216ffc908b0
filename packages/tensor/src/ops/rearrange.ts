/**
 * Ops that move elements without changing them: `flip`, `roll`, `repeat`, `tile`, and the
 * triangle masks `tril`, `triu`. Each returns a new contiguous tensor of the input's dtype.
 */
import { allocate } from '../dtype.js';
import { IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { formatShape, normalizeDim, normalizeDims, numelOf, type Shape, type SizeArgs, sizeFromArgs } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from '../iterate.js';

/**
 * Copies `x` into a tensor of `shape` whose element at coordinate `c` is read from storage offset
 * `x.offset + Σ tables[d][c[d]]`: each dim's table maps an output coordinate to the storage step
 * of the input coordinate it comes from. flip, roll and repeat differ only in their tables.
 */
function gatherByAxis(x: Tensor, shape: Shape, tables: readonly Int32Array[]): Tensor {
  const n = numelOf(shape);
  const out = allocate(x.dtype, n);
  const data = x.storage.data;
  const ndim = shape.length;
  if (n === 0) return Tensor.fromData(out, shape, x.dtype);
  if (ndim === 0) {
    out[0] = data[x.offset]!;
    return Tensor.fromData(out, shape, x.dtype);
  }
  const last = ndim - 1;
  const lastTable = tables[last]!;
  const innerSize = shape[last]!;
  const counter = new Array<number>(ndim).fill(0);
  let base = x.offset;
  for (let d = 0; d < last; d++) base += tables[d]![0]!;
  let k = 0;
  for (;;) {
    for (let i = 0; i < innerSize; i++) out[k++] = data[base + lastTable[i]!]!;
    // Advance the coordinate over the outer dims, swapping each dim's table entry in `base`.
    let d = last - 1;
    for (; d >= 0; d--) {
      const table = tables[d]!;
      base -= table[counter[d]!]!;
      if (++counter[d]! < shape[d]!) {
        base += table[counter[d]!]!;
        break;
      }
      counter[d] = 0;
      base += table[0]!;
    }
    if (d < 0) break;
  }
  return Tensor.fromData(out, shape, x.dtype);
}

/** The table of a dim read in order: coordinate `i` steps `i * stride`. */
function identityTable(size: number, stride: number): Int32Array {
  const table = new Int32Array(size);
  for (let i = 0; i < size; i++) table[i] = i * stride;
  return table;
}

/**
 * Reverses the order of elements along each dim in `dims` (a copy, as in PyTorch).
 *
 * @example
 * ```ts
 * flip(tensor([[1, 2], [3, 4]]), [0, 1]).tolist(); // [[4, 3], [2, 1]]
 * ```
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const flipped = normalizeDims('flip', dims, x.ndim);
  if (x.ndim === 0) return x.clone();
  const tables = x.shape.map((size, d) => {
    const table = identityTable(size, x.strides[d]!);
    if (flipped.includes(d)) table.reverse();
    return table;
  });
  return gatherByAxis(x, x.shape, tables);
}

function asList(value: number | readonly number[]): number[] {
  return typeof value === 'number' ? [value] : [...value];
}

/**
 * Rolls `x` along `dims` by `shifts` (elements pushed off the end come back at the start).
 * Without `dims`, `x` is rolled as if flattened and keeps its shape. A dim may repeat; its
 * shifts add up.
 *
 * @example
 * ```ts
 * roll(tensor([[0, 1, 2], [3, 4, 5]]), 1).tolist();     // [[5, 0, 1], [2, 3, 4]]
 * roll(tensor([[0, 1, 2], [3, 4, 5]]), -1, 1).tolist(); // [[1, 2, 0], [4, 5, 3]]
 * ```
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const shiftList = asList(shifts);
  const dimList = dims === undefined ? [] : asList(dims);
  for (const s of shiftList) {
    if (!Number.isInteger(s)) throw new InvalidArgumentError(`roll: shifts must be integers, got ${formatShape(shiftList)}`);
  }
  if (shiftList.length === 0) throw new InvalidArgumentError('roll: shifts must not be empty');
  if (dims === undefined) {
    if (shiftList.length !== 1) {
      throw new InvalidArgumentError(`roll: shifts and dims must align: got ${shiftList.length} shifts and no dims (only one shift may roll the flattened tensor)`);
    }
    const source = contiguousData(x);
    const n = source.length;
    const out = allocate(x.dtype, n);
    if (n > 0) {
      const shift = ((shiftList[0]! % n) + n) % n;
      out.set(source.subarray(n - shift), 0);
      out.set(source.subarray(0, n - shift), shift);
    }
    return Tensor.fromData(out, x.shape, x.dtype);
  }
  if (shiftList.length !== dimList.length) {
    throw new InvalidArgumentError(`roll: shifts and dims must align: got ${shiftList.length} shifts and ${dimList.length} dims`);
  }
  if (x.ndim === 0) throw new IndexError(`roll: dim ${dimList[0]} is out of range for a 0-d tensor`);
  const total = new Array<number>(x.ndim).fill(0);
  dimList.forEach((dim, i) => {
    total[normalizeDim('roll', dim, x.ndim)]! += shiftList[i]!;
  });
  const tables = x.shape.map((size, d) => {
    const stride = x.strides[d]!;
    const shift = size === 0 ? 0 : ((total[d]! % size) + size) % size;
    const table = new Int32Array(size);
    for (let i = 0; i < size; i++) table[i] = ((i - shift + size) % size) * stride;
    return table;
  });
  return gatherByAxis(x, x.shape, tables);
}

function repeatBySizes(op: string, x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(`${op}: got ${sizes.length} repeat sizes ${formatShape(sizes)} for a tensor of shape ${formatShape(x.shape)}; need at least ${x.ndim}`);
  }
  // Leading repeats add new dims of size 1 in front of x's own.
  const lead = sizes.length - x.ndim;
  const shape = sizes.map((repeats, d) => repeats * (d < lead ? 1 : x.shape[d - lead]!));
  const tables = sizes.map((repeats, d) => {
    if (d < lead) return new Int32Array(repeats);
    const size = x.shape[d - lead]!;
    const stride = x.strides[d - lead]!;
    const table = new Int32Array(repeats * size);
    for (let i = 0; i < table.length; i++) table[i] = (i % size) * stride;
    return table;
  });
  return gatherByAxis(x, shape, tables);
}

/**
 * Repeats `x` along each dim, like PyTorch's `Tensor.repeat`: `sizes` (varargs or one array)
 * has at least `x.ndim` entries, extra leading ones adding new dims.
 *
 * @example
 * ```ts
 * repeat(tensor([1, 2]), 2, 2).tolist(); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function repeat(x: Tensor, ...sizes: SizeArgs): Tensor {
  return repeatBySizes('repeat', x, sizeFromArgs('repeat', sizes));
}

/**
 * Repeats `x` along each dim like {@link repeat}, but when `dims` has fewer entries than `x` has
 * dims, it is padded with leading 1s (`tile(x, [2])` on a matrix repeats its columns).
 */
export function tile(x: Tensor, dims: number | readonly number[]): Tensor {
  const sizes = sizeFromArgs('tile', [asList(dims)]);
  const padded = [...new Array<number>(Math.max(x.ndim - sizes.length, 0)).fill(1), ...sizes];
  return repeatBySizes('tile', x, padded);
}

/**
 * Copies `x` and zeroes, in each matrix of its last two dims, the entries outside the triangle:
 * above `diagonal` for the lower triangle, below it for the upper one.
 */
function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 dims, got shape ${formatShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new InvalidArgumentError(`${op}: diagonal must be an integer, got ${diagonal}`);
  const out = x.toTypedArray();
  const rows = x.shape[x.ndim - 2]!;
  const columns = x.shape[x.ndim - 1]!;
  const matrices = rows * columns === 0 ? 0 : out.length / (rows * columns);
  for (let m = 0; m < matrices; m++) {
    for (let i = 0; i < rows; i++) {
      // Row i keeps columns j with j - i <= diagonal (lower) or j - i >= diagonal (upper).
      const edge = Math.max(0, Math.min(columns, lower ? i + diagonal + 1 : i + diagonal));
      const rowStart = (m * rows + i) * columns;
      if (lower) out.fill(0, rowStart + edge, rowStart + columns);
      else out.fill(0, rowStart, rowStart + edge);
    }
  }
  return Tensor.fromData(out, x.shape, x.dtype);
}

/**
 * The lower triangle of the matrices in the last two dims of `x`: entries with
 * `column - row <= diagonal` are kept, the rest set to 0.
 *
 * @example
 * ```ts
 * tril(ones(3, 3), -1).tolist(); // [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal, true);
}

/**
 * The upper triangle of the matrices in the last two dims of `x`: entries with
 * `column - row >= diagonal` are kept, the rest set to 0.
 *
 * @example
 * ```ts
 * triu(ones(2, 4), 1).tolist(); // [[0, 1, 1, 1], [0, 0, 1, 1]]
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal, false);
}
