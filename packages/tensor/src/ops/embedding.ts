/**
 * Embedding lookup (rows of a weight matrix gathered by integer indices) and its dense and sparse
 * backward kernels.
 */
import { allocate, requireFloat, type TypedArray } from '../dtype.js';
import { DTypeError, IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { formatShape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from '../iterate.js';

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** This row gets no gradient (checked against the weight here; used by the backward kernels). */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are rescaled in place to this norm first. */
  maxNorm?: number | null;
  /** The p of the p-norm compared with `maxNorm` (default 2). */
  normType?: number;
}

/** Options of {@link embeddingBackward}. */
export interface EmbeddingBackwardOptions {
  /** Lookups of this row contribute no gradient. */
  paddingIdx?: number | null;
  /** Divide each row's gradient by how often the row was looked up. */
  scaleGradByFreq?: boolean;
}

/** The gradient of an embedding as uncoalesced sparse rows (COO with one sparse dim). */
export interface SparseRows {
  /** int64 [K]: the row of each lookup, in lookup order, repeats kept, padding lookups dropped. */
  indices: Tensor;
  /** [K, D]: the gradient for each of those lookups. */
  values: Tensor;
}

/** The indices as numbers, checked to be int32/int64 and within [0, numEmbeddings). */
function lookupRows(op: string, indices: Tensor, numEmbeddings: number): TypedArray {
  if (indices.dtype !== 'int32' && indices.dtype !== 'int64') {
    throw new DTypeError(`${op}: indices must be an int32 or int64 tensor, got ${indices.dtype}`);
  }
  const rows = contiguousData(indices);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row < 0 || row >= numEmbeddings) {
      throw new IndexError(`${op}: index ${row} is out of range for num_embeddings ${numEmbeddings} (expected 0 to ${numEmbeddings - 1})`);
    }
  }
  return rows;
}

/** PyTorch's padding_idx rule: within [-num, num), negative counted from the end; -1 when absent. */
function paddingRow(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number {
  if (paddingIdx === null || paddingIdx === undefined) return -1;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
    throw new InvalidArgumentError(`${op}: padding_idx ${paddingIdx} must be within num_embeddings ${numEmbeddings}`);
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/** PyTorch's `embedding_renorm_`: rescales each looked-up row whose norm exceeds `maxNorm`, in place. */
function renormRows(op: string, weight: Tensor, rows: TypedArray, maxNorm: number, normType: number): void {
  requireFloat(op, 'weight', weight.dtype);
  const data = weight.storage.data;
  const [rowStride, colStride] = weight.strides as [number, number];
  const D = weight.shape[1]!;
  const seen = new Set<number>();
  let changed = false;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (seen.has(row)) continue;
    seen.add(row);
    const base = weight.offset + row * rowStride;
    let norm = 0;
    if (normType === Infinity) {
      for (let d = 0; d < D; d++) norm = Math.max(norm, Math.abs(data[base + d * colStride]!));
    } else {
      for (let d = 0; d < D; d++) norm += Math.abs(data[base + d * colStride]!) ** normType;
      norm **= 1 / normType;
    }
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let d = 0; d < D; d++) data[base + d * colStride] = data[base + d * colStride]! * scale;
      changed = true;
    }
  }
  if (changed) weight.bumpVersion();
}

/**
 * Looks up rows of `weight` [numEmbeddings, D] by `indices` (int32/int64, any shape), like
 * `F.embedding`: the output is [...indices.shape, D] in the weight's dtype. With `maxNorm`, the
 * looked-up rows of `weight` are first renormalised in place, as PyTorch does.
 *
 * @example
 * ```ts
 * const vectors = embedding(tokenIds, table);   // [B, T] ids, [V, D] table → [B, T, D]
 * ```
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D [num_embeddings, embedding_dim], got ${formatShape(weight.shape)}`);
  const [numEmbeddings, D] = weight.shape as [number, number];
  paddingRow(op, options.paddingIdx, numEmbeddings);
  const rows = lookupRows(op, indices, numEmbeddings);
  if (options.maxNorm !== null && options.maxNorm !== undefined) {
    renormRows(op, weight, rows, options.maxNorm, options.normType ?? 2);
  }
  const out = allocate(weight.dtype, rows.length * D);
  const data = weight.storage.data;
  const [rowStride, colStride] = weight.strides as [number, number];
  for (let i = 0; i < rows.length; i++) {
    const base = weight.offset + rows[i]! * rowStride;
    const target = i * D;
    if (colStride === 1) {
      out.set(data.subarray(base, base + D), target);
    } else {
      for (let d = 0; d < D; d++) out[target + d] = data[base + d * colStride]!;
    }
  }
  return Tensor.fromData(out, [...indices.shape, D], weight.dtype);
}

/**
 * Checks the operands of a backward kernel (gradOutput must be [...indices.shape, D]) and returns
 * D, the padding row (-1 for none), the looked-up rows and the gradient's data.
 */
function backwardOperands(
  op: string,
  gradOutput: Tensor,
  indices: Tensor,
  numEmbeddings: number,
  paddingIdx: number | null | undefined,
): { D: number; padding: number; rows: TypedArray; dy: TypedArray } {
  requireFloat(op, 'gradOutput', gradOutput.dtype);
  if (gradOutput.ndim !== indices.ndim + 1 || !sameShape(gradOutput.shape.slice(0, -1), indices.shape)) {
    throw new ShapeError(
      `${op}: gradOutput ${formatShape(gradOutput.shape)} should be indices ${formatShape(indices.shape)} followed by the embedding dim`,
    );
  }
  const D = gradOutput.shape[gradOutput.ndim - 1]!;
  const padding = paddingRow(op, paddingIdx, numEmbeddings);
  return { D, padding, rows: lookupRows(op, indices, numEmbeddings), dy: contiguousData(gradOutput) };
}

/**
 * Dense gradient of {@link embedding} with respect to the weight: [numEmbeddings, D], each
 * lookup's gradient added to its row; lookups of `paddingIdx` add nothing.
 */
export function embeddingBackward(
  gradOutput: Tensor,
  indices: Tensor,
  numEmbeddings: number,
  options: EmbeddingBackwardOptions = {},
): Tensor {
  const { D, padding, rows, dy } = backwardOperands('embedding_backward', gradOutput, indices, numEmbeddings, options.paddingIdx);
  const gradWeight = allocate(gradOutput.dtype, numEmbeddings * D);
  let counts: Int32Array | null = null;
  if (options.scaleGradByFreq) {
    counts = new Int32Array(numEmbeddings);
    for (let i = 0; i < rows.length; i++) counts[rows[i]!]!++;
  }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row === padding) continue;
    const scale = counts === null ? 1 : 1 / counts[row]!;
    const target = row * D;
    const source = i * D;
    for (let d = 0; d < D; d++) gradWeight[target + d] += dy[source + d]! * scale;
  }
  return Tensor.fromData(gradWeight, [numEmbeddings, D], gradOutput.dtype);
}

/**
 * Sparse gradient of {@link embedding} (`sparse=True` in PyTorch): the looked-up rows and their
 * gradients, uncoalesced and in lookup order, with lookups of `paddingIdx` dropped. The dense
 * gradient is these values summed into rows of a [numEmbeddings, D] zero matrix.
 */
export function embeddingSparseBackward(
  gradOutput: Tensor,
  indices: Tensor,
  numEmbeddings: number,
  options: { paddingIdx?: number | null } = {},
): SparseRows {
  const { D, padding, rows, dy } = backwardOperands('embedding_sparse_backward', gradOutput, indices, numEmbeddings, options.paddingIdx);
  let kept = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i] !== padding) kept++;
  const keptRows = new Float64Array(kept);
  const values = allocate(gradOutput.dtype, kept * D);
  for (let i = 0, k = 0; i < rows.length; i++) {
    if (rows[i] === padding) continue;
    keptRows[k] = rows[i]!;
    values.set(dy.subarray(i * D, (i + 1) * D), k * D);
    k++;
  }
  return {
    indices: Tensor.fromData(keptRows, [kept], 'int64'),
    values: Tensor.fromData(values, [kept, D], gradOutput.dtype),
  };
}
