/**
 * Differentiable embedding lookup. The weight's gradient is dense by default (the tensor layer's
 * `embeddingBackward`), or with `sparse: true` a {@link SparseTensor} holding one entry per lookup,
 * as PyTorch's `sparse=True`. The indices get no gradient.
 */
import * as T from '@torchlet/tensor';
import { constant, raw, record } from '../record.js';
import { SparseTensor } from '../sparse.js';
import type { Tensor } from '../tensor.js';

/** Options of {@link embedding}: the tensor layer's, plus how the weight's gradient is formed. */
export interface EmbeddingOptions extends T.EmbeddingOptions {
  /** Divide each row's gradient by how often the row was looked up in this call (default false). */
  scaleGradByFreq?: boolean;
  /** Give the weight a sparse gradient, a {@link SparseTensor} (default false). */
  sparse?: boolean;
}

/**
 * Looks up rows of `weight` [numEmbeddings, D] by integer `indices` (any shape), as PyTorch's
 * `F.embedding`: the output is [...indices.shape, D]. Lookups of `paddingIdx` give the weight no
 * gradient; with `maxNorm`, the rows looked up are first renormalised in place (not recorded).
 * The dense gradient is differentiable again; the sparse one is not.
 *
 * @example
 * ```ts
 * const vectors = embedding(tokenIds, table);                   // [B, T] ids, [V, D] table → [B, T, D]
 * embedding(tokenIds, table, { sparse: true }).sum().backward(); // table.grad is a SparseTensor
 * ```
 */
export function embedding(indices: T.Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const { paddingIdx = null, scaleGradByFreq = false, sparse = false } = options;
  const ids = raw(indices);
  const output = T.embedding(ids, raw(weight), { paddingIdx, maxNorm: options.maxNorm ?? null, normType: options.normType ?? 2 });
  const [numEmbeddings, D] = weight.shape as [number, number];
  return record('EmbeddingBackward', output, [weight], (g) => {
    if (!sparse) return [denseGradient(g, ids, numEmbeddings, paddingIdx, scaleGradByFreq)];
    const scale = lookupScale(ids, numEmbeddings, null, scaleGradByFreq, g.dtype);
    const rows = T.embeddingSparseBackward(scale === null ? raw(g) : T.mul(raw(g), scale), ids, numEmbeddings, { paddingIdx });
    return [new SparseTensor(T.reshape(rows.indices, [1, -1]), rows.values, [numEmbeddings, D])];
  }, [indices]);
}

/**
 * The dense weight gradient, recorded with its own gradient: it is linear in `g`, and its adjoint
 * looks the rows of the incoming gradient up again (times each lookup's scale).
 */
function denseGradient(g: Tensor, ids: T.Tensor, numEmbeddings: number, paddingIdx: number | null, scaleGradByFreq: boolean): Tensor {
  const gradient = T.embeddingBackward(raw(g), ids, numEmbeddings, { paddingIdx, scaleGradByFreq });
  return record('EmbeddingDenseBackward', gradient, [g], (gg) => {
    const rows = embedding(ids, gg);
    const scale = lookupScale(ids, numEmbeddings, paddingIdx, scaleGradByFreq, gg.dtype);
    return [scale === null ? rows : rows.mul(constant(scale))];
  });
}

/**
 * What each lookup's gradient is multiplied by, as [...ids.shape, 1]: 0 for lookups of the padding
 * row, 1/count with `scaleGradByFreq`, else 1 (then null: nothing to multiply).
 */
function lookupScale(ids: T.Tensor, numEmbeddings: number, paddingIdx: number | null, scaleGradByFreq: boolean, dtype: T.DType): T.Tensor | null {
  if (paddingIdx === null && !scaleGradByFreq) return null;
  const rows = ids.toTypedArray();
  const counts = new Float64Array(numEmbeddings);
  for (let i = 0; i < rows.length; i++) counts[rows[i]!]!++;
  const padding = paddingIdx === null ? -1 : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
  const scale = T.allocate(dtype, rows.length);
  for (let i = 0; i < rows.length; i++) scale[i] = rows[i] === padding ? 0 : scaleGradByFreq ? 1 / counts[rows[i]!]! : 1;
  return T.Tensor.fromData(scale, [...ids.shape, 1], dtype);
}
