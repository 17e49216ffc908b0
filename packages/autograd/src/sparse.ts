/**
 * A minimal sparse COO tensor (PyTorch's `layout=torch.sparse_coo`) for sparse gradients, such as
 * the weight gradient of `embedding(…, { sparse: true })`.
 *
 * A {@link SparseTensor} is also a correct dense tensor: its storage holds the dense values, so
 * every op and every user of `.grad` works on it unchanged, while code that knows about sparsity
 * (an optimizer like SparseAdam) reads `indices` and `values` to touch only the entries named.
 * @packageDocumentation
 */
import * as T from '@torchlet/tensor';
import { isGradEnabled } from './grad-mode.js';
import { type Operand, raw } from './record.js';
import { Tensor } from './tensor.js';

/**
 * A sparse COO tensor: entry k has coordinates `indices[:, k]` in the first `sparseDim` dims and
 * the value `values[k]` (a slice over the remaining dense dims). Duplicate coordinates add up.
 * It is at the same time the dense tensor it describes, so it works wherever a Tensor does; ops
 * on it give dense tensors, except that adding two sparse tensors concatenates their entries.
 *
 * @example
 * ```ts
 * const s = new SparseTensor(tensor([[0, 2, 0]], { dtype: 'int64' }), tensor([[1, 2], [3, 4], [5, 6]]), [3, 2]);
 * s.coalesce().indices;  // [[0, 2]]: sorted, unique
 * s.coalesce().values;   // [[6, 8], [3, 4]]: duplicates summed
 * s.toDense();           // [[6, 8], [0, 0], [3, 4]]
 * ```
 */
export class SparseTensor extends Tensor {
  #indices: Tensor;
  #values: Tensor;
  #coalesced: boolean;
  /** The storage version `#indices` and `#values` describe (in-place ops on the dense values bump it). */
  #version: number;

  /**
   * @param indices int64 [sparseDim, nnz]: the coordinates of each entry in the first sparseDim dims.
   * @param values [nnz, ...shape.slice(sparseDim)]: each entry's value; its dtype is the tensor's.
   * @param shape the dense shape (PyTorch's `size`).
   */
  constructor(indices: T.Tensor, values: T.Tensor, shape: readonly number[]) {
    const dense = densify(indices, values, shape);
    super(new T.Storage(dense.data), [...shape], T.contiguousStrides(shape), 0, values.dtype);
    this.#indices = Tensor.wrap(raw(indices));
    this.#values = Tensor.wrap(raw(values));
    this.#coalesced = dense.coalesced;
    this.#version = this.version;
  }

  /** Always true: this tensor has a sparse layout (PyTorch's `is_sparse`). */
  override get isSparse(): boolean {
    return true;
  }

  /** int64 [sparseDim, nnz]: the coordinates of the entries (PyTorch's `_indices()`). */
  get indices(): Tensor {
    this.#sync();
    return this.#indices;
  }

  /** [nnz, ...dense dims]: the entries' values (PyTorch's `_values()`). */
  get values(): Tensor {
    this.#sync();
    return this.#values;
  }

  /** The number of stored entries, duplicates included (PyTorch's `_nnz()`). */
  get nnz(): number {
    return this.values.shape[0]!;
  }

  /** How many leading dims the indices address (PyTorch's `sparse_dim()`). */
  get sparseDim(): number {
    return this.#indices.shape[0]!;
  }

  /** True when the indices are sorted (row-major) and unique. */
  isCoalesced(): boolean {
    this.#sync();
    return this.#coalesced;
  }

  /** This tensor with sorted unique indices, the values of duplicates summed (itself if already so). */
  coalesce(): SparseTensor {
    if (this.isCoalesced()) return this;
    const keys = entryKeys('coalesce', this.#indices.toTypedArray(), this.nnz, this.sparseDim, this.shape).sort();
    let unique = 0;
    for (let k = 0; k < keys.length; k++) if (unique === 0 || keys[k] !== keys[unique - 1]) keys[unique++] = keys[k]!;
    // The dense values already hold each coordinate's sum.
    const { indices, values } = entriesAt(raw(this).toTypedArray(), this.shape, this.sparseDim, this.dtype, keys.subarray(0, unique));
    return new SparseTensor(indices, values, this.shape);
  }

  /** A dense copy (a plain Tensor). */
  toDense(): Tensor {
    return Tensor.wrap(raw(this).clone());
  }

  /** A copy with its own indices and values (not recorded on the tape: sparse tensors are gradients). */
  override clone(): SparseTensor {
    return new SparseTensor(raw(this.indices).clone(), raw(this.values).clone(), this.shape);
  }

  /**
   * The sparse sum `this + alpha·other`: the entries of both, concatenated and not coalesced (as
   * PyTorch accumulates sparse gradients).
   */
  addSparse(other: SparseTensor, options: { alpha?: number } = {}): SparseTensor {
    if (!T.sameShape(this.shape, other.shape) || this.sparseDim !== other.sparseDim) {
      throw new T.ShapeError(
        `addSparse: sparse tensors of size ${T.formatShape(this.shape)} with ${this.sparseDim} sparse dims and size ` +
          `${T.formatShape(other.shape)} with ${other.sparseDim} sparse dims cannot be added`,
      );
    }
    const alpha = options.alpha ?? 1;
    const otherValues = alpha === 1 ? raw(other.values) : T.mul(raw(other.values), alpha);
    return new SparseTensor(T.cat([raw(this.indices), raw(other.indices)], 1), T.cat([raw(this.values), otherValues], 0), this.shape);
  }

  /**
   * `this + alpha·other`. Two sparse tensors give a sparse one ({@link SparseTensor.addSparse}, so
   * sparse gradients reaching a leaf by several paths stay sparse); anything else gives the dense
   * (and, when recording, differentiable) sum.
   */
  override add(other: Operand, options: { alpha?: number } = {}): Tensor {
    const recording = isGradEnabled() && (this.requiresGrad || (other instanceof Tensor && other.requiresGrad));
    if (other instanceof SparseTensor && !recording) return this.addSparse(other, options);
    return super.add(other, options);
  }

  /** PyTorch's printed form of a sparse tensor: its indices, values, size and nnz. */
  override toString(options: T.FormatOptions = {}): string {
    const indent = (text: string, width: number) => text.replace(/\n/g, `\n${' '.repeat(width)}`);
    return (
      `tensor(indices=${indent(T.formatTensor(raw(this.indices), options), 15)},\n` +
      `       values=${indent(T.formatTensor(raw(this.values), options), 14)},\n` +
      `       size=(${this.shape.join(', ')}), nnz=${this.nnz}, layout=torch.sparse_coo)`
    );
  }

  /**
   * After an in-place change to the dense values (`grad.mul_(c)`, `grad.zero_()`), re-derives the
   * entries from them, one per nonzero slice, so `indices` and `values` never disagree with the data.
   */
  #sync(): void {
    if (this.version === this.#version) return;
    const sparseDim = this.sparseDim;
    const block = T.numelOf(this.shape.slice(sparseDim));
    const dense = raw(this).toTypedArray();
    const keys = new Float64Array(T.numelOf(this.shape.slice(0, sparseDim)));
    let count = 0;
    for (let key = 0; key < keys.length; key++) {
      for (let j = key * block; j < (key + 1) * block; j++) {
        if (dense[j] !== 0) {
          keys[count++] = key;
          break;
        }
      }
    }
    const { indices, values } = entriesAt(dense, this.shape, sparseDim, this.dtype, keys.subarray(0, count));
    this.#indices = Tensor.wrap(indices);
    this.#values = Tensor.wrap(values);
    this.#coalesced = true;
    this.#version = this.version;
  }
}

/**
 * The row-major position of each entry among the slices of the sparse dims (entry k's coordinates
 * are `index[d * nnz + k]`), checking that every coordinate is in bounds.
 */
function entryKeys(op: string, index: T.TypedArray, nnz: number, sparseDim: number, shape: readonly number[]): Float64Array {
  const keys = new Float64Array(nnz);
  for (let k = 0; k < nnz; k++) {
    let key = 0;
    for (let d = 0; d < sparseDim; d++) {
      const i = index[d * nnz + k]!;
      if (!(i >= 0 && i < shape[d]!)) {
        throw new T.IndexError(`${op}: index ${i} of entry ${k} is out of bounds for dim ${d} of size ${shape[d]}`);
      }
      key = key * shape[d]! + i;
    }
    keys[k] = key;
  }
  return keys;
}

/** Checks the COO parts and sums the values into a dense row-major array of `shape`. */
function densify(indices: T.Tensor, values: T.Tensor, shape: readonly number[]): { data: T.TypedArray; coalesced: boolean } {
  const op = 'SparseTensor';
  if (indices.dtype !== 'int64') throw new T.DTypeError(`${op}: indices must be an int64 tensor, got ${indices.dtype}`);
  if (indices.ndim !== 2) throw new T.ShapeError(`${op}: indices must be [sparseDim, nnz], got ${T.formatShape(indices.shape)}`);
  const [sparseDim, nnz] = indices.shape as [number, number];
  if (sparseDim < 1 || sparseDim > shape.length) {
    throw new T.ShapeError(`${op}: indices ${T.formatShape(indices.shape)} address ${sparseDim} dims, but size ${T.formatShape(shape)} has ${shape.length}`);
  }
  const expected = [nnz, ...shape.slice(sparseDim)];
  if (!T.sameShape(values.shape, expected)) {
    throw new T.ShapeError(
      `${op}: values should be ${T.formatShape(expected)} for indices ${T.formatShape(indices.shape)} and size ${T.formatShape(shape)}, got ${T.formatShape(values.shape)}`,
    );
  }
  const keys = entryKeys(op, indices.toTypedArray(), nnz, sparseDim, shape);
  const block = T.numelOf(expected.slice(1));
  const source = values.toTypedArray();
  const data = T.allocate(values.dtype, T.numelOf(shape));
  let coalesced = true;
  for (let k = 0; k < nnz; k++) {
    if (k > 0 && keys[k]! <= keys[k - 1]!) coalesced = false;
    const at = keys[k]! * block;
    for (let j = 0; j < block; j++) data[at + j] += source[k * block + j]!;
  }
  return { data, coalesced };
}

/** The COO parts of the dense row-major `dense` at its slices `keys` (row-major positions in the sparse dims). */
function entriesAt(dense: T.TypedArray, shape: readonly number[], sparseDim: number, dtype: T.DType, keys: Float64Array): { indices: T.Tensor; values: T.Tensor } {
  const block = T.numelOf(shape.slice(sparseDim));
  const n = keys.length;
  const index = T.allocate('int64', sparseDim * n);
  const values = T.allocate(dtype, n * block);
  for (let k = 0; k < n; k++) {
    let rest = keys[k]!;
    for (let d = sparseDim - 1; d >= 0; d--) {
      index[d * n + k] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    values.set(dense.subarray(keys[k]! * block, (keys[k]! + 1) * block), k * block);
  }
  return {
    indices: T.Tensor.fromData(index, [sparseDim, n], 'int64'),
    values: T.Tensor.fromData(values, [n, ...shape.slice(sparseDim)], dtype),
  };
}
