/**
 * Attention as functions: `scaledDotProductAttention` (PyTorch 2.x's
 * `F.scaled_dot_product_attention`) and `multiHeadAttentionForward` (`F.multi_head_attention_forward`,
 * which `MultiheadAttention` calls), composed from differentiable ops.
 */
import { formatShape, full, InvalidArgumentError, ShapeError, type Tensor, ones, softmax } from '@torchlet/autograd';
import { dropout, linear } from './layers.js';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. Boolean: true marks the keys a query may attend to (note: the
   * opposite of MultiheadAttention's masks). Floating: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (default 0); applied whenever > 0, as in PyTorch. */
  dropoutP?: number;
  /** Let query i attend only to keys j ≤ i (a lower-triangular mask); excludes `attnMask`. */
  isCausal?: boolean;
  /** Multiplies the scores (default 1/√E, E the query's last dim). */
  scale?: number | null;
}

/**
 * softmax(Q·Kᵀ·scale + mask)·V over the last two dims: `query` [..., L, E], `key` [..., S, E],
 * `value` [..., S, Ev] give [..., L, Ev]. A query row whose keys are all masked out gives NaN, as
 * in PyTorch's math kernel.
 *
 * @example
 * ```ts
 * const out = F.scaledDotProductAttention(q, k, v, { isCausal: true }); // q, k, v [N, heads, L, E]
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const { attnMask = null, dropoutP = 0, isCausal = false, scale = null } = options;
  const op = 'scaledDotProductAttention';
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new ShapeError(`${op}: query, key and value must be at least 2-D, got ${formatShape(query.shape)}, ${formatShape(key.shape)} and ${formatShape(value.shape)}`);
  }
  const [L, E] = query.shape.slice(-2) as [number, number];
  const S = key.shape[key.ndim - 2]!;
  if (key.shape[key.ndim - 1] !== E) throw new ShapeError(`${op}: query's last dim ${E} must equal key's last dim ${key.shape[key.ndim - 1]}`);
  if (value.shape[value.ndim - 2] !== S) throw new ShapeError(`${op}: key's sequence length ${S} must equal value's ${value.shape[value.ndim - 2]}`);
  if (isCausal && attnMask !== null) throw new InvalidArgumentError(`${op}: Explicit attn_mask should not be set when is_causal=True`);
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new InvalidArgumentError(`${op}: dropout probability has to be between 0 and 1, but got ${dropoutP}`);
  let scores = query.mul(scale ?? 1 / Math.sqrt(E)).matmul(key.transpose(-2, -1));
  if (isCausal) scores = scores.add(allowedToBias(ones([L, S], { dtype: 'bool' }).tril(), scores));
  if (attnMask !== null) scores = scores.add(attnMask.dtype === 'bool' ? allowedToBias(attnMask, scores) : attnMask);
  let weights = softmax(scores, -1);
  if (dropoutP > 0) weights = dropout(weights, { p: dropoutP });
  return weights.matmul(value);
}

/** A float mask of `like`'s dtype: 0 where `allowed` is true, −∞ where it is false. */
function allowedToBias(allowed: Tensor, like: Tensor): Tensor {
  return full([...allowed.shape], 0, { dtype: like.dtype }).maskedFill(allowed.logicalNot(), -Infinity);
}

/**
 * A mask in PyTorch's canonical float form (`F._canonical_mask`): a boolean mask (true = masked
 * out) becomes 0/−∞ in `dtype`; a floating mask is returned as is.
 */
function canonicalMask(mask: Tensor | null, name: string, like: Tensor): Tensor | null {
  if (mask === null) return null;
  if (mask.dtype === 'bool') return full([...mask.shape], 0, { dtype: like.dtype }).maskedFill(mask, -Infinity);
  if (!mask.isFloatingPoint()) throw new InvalidArgumentError(`multiHeadAttentionForward: only bool and floating types of ${name} are supported, got ${mask.dtype}`);
  return mask;
}

/** Options of {@link multiHeadAttentionForward}. */
export interface MultiHeadAttentionForwardOptions {
  /** Dropout is applied only in training (default true). */
  training?: boolean;
  /** [N, S] (or [S] unbatched): true (or −∞) marks padding keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); otherwise the second result is null. */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: true (or −∞) marks pairs that may not attend; floats are added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true): [N, L, S] instead of [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** A hint that `attnMask` is the causal mask; as in PyTorch, it requires `attnMask`. */
  isCausal?: boolean;
  /** Project with `qProjWeight`, `kProjWeight`, `vProjWeight` instead of `inProjWeight`. */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
}

/** PyTorch's `_mha_shape_check`: whether the inputs are batched, or an error naming the ranks. */
function isBatched(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  const op = 'multiHeadAttentionForward';
  if (query.ndim !== 2 && query.ndim !== 3) throw new ShapeError(`${op}: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
  const batched = query.ndim === 3;
  const kind = batched ? 'batched (3-D)' : 'unbatched (2-D)';
  if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
    throw new ShapeError(`${op}: For ${kind} \`query\`, expected \`key\` and \`value\` to be ${query.ndim}-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
  }
  if (keyPaddingMask !== null && keyPaddingMask.ndim !== query.ndim - 1) {
    throw new ShapeError(`${op}: For ${kind} \`query\`, expected \`key_padding_mask\` to be \`None\` or ${query.ndim - 1}-D but found ${keyPaddingMask.ndim}-D tensor instead`);
  }
  if (attnMask !== null && attnMask.ndim !== 2 && attnMask.ndim !== 3) {
    throw new ShapeError(`${op}: For ${kind} \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
  }
  if (!batched && attnMask !== null && attnMask.ndim === 3) {
    const expected = [numHeads, query.shape[0]!, key.shape[0]!];
    if (attnMask.shape.some((s, i) => s !== expected[i])) throw new ShapeError(`${op}: Expected \`attn_mask\` shape to be ${formatShape(expected)} but got ${formatShape(attnMask.shape)}`);
  }
  return batched;
}

/**
 * Multi-head attention on [L, N, E] `query`, [S, N, kdim] `key` and [S, N, vdim] `value` (or
 * unbatched [L, E], [S, kdim], [S, vdim]), as PyTorch 2.x's `F.multi_head_attention_forward`:
 * project q, k, v (rows 0…E, E…2E, 2E…3E of `inProjWeight` and `inProjBias`), split into
 * `numHeads` heads, attend with softmax(q·kᵀ/√headDim + masks), merge the heads and apply the
 * output projection. Returns `[output [L, N, E], weights | null]`; weights are [N, L, S] averaged
 * over heads, or [N, numHeads, L, S]. PyTorch's `bias_k`, `bias_v`, `add_zero_attn` and
 * `static_k/v` are not supported.
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  options: MultiHeadAttentionForwardOptions = {},
): [Tensor, Tensor | null] {
  const op = 'multiHeadAttentionForward';
  const { training = true, needWeights = true, averageAttnWeights = true, useSeparateProjWeight = false } = options;
  let { keyPaddingMask = null, attnMask = null, isCausal = false } = options;
  const batched = isBatched(query, key, value, keyPaddingMask, attnMask, numHeads);
  if (!batched) {
    [query, key, value] = [query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)];
    keyPaddingMask = keyPaddingMask?.unsqueeze(0) ?? null;
  }
  const [tgtLen, bsz, embedDim] = query.shape as [number, number, number];
  const srcLen = key.shape[0]!;
  keyPaddingMask = canonicalMask(keyPaddingMask, 'key_padding_mask', query);
  if (isCausal && attnMask === null) {
    throw new InvalidArgumentError(`${op}: Need attn_mask if specifying the is_causal hint. You may use generateSquareSubsequentMask to create this mask.`);
  }
  if (isCausal && keyPaddingMask === null && !needWeights) {
    attnMask = null; // the hint lets scaled dot-product attention build the causal mask itself
  } else {
    attnMask = canonicalMask(attnMask, 'attn_mask', query);
    if (keyPaddingMask !== null) isCausal = false;
  }
  if (embedDim !== embedDimToCheck) throw new ShapeError(`${op}: was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  if (headDim * numHeads !== embedDim) throw new InvalidArgumentError(`${op}: embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (key.shape[0] !== value.shape[0] || key.shape[1] !== value.shape[1] || (!useSeparateProjWeight && key.shape[2] !== value.shape[2])) {
    throw new ShapeError(`${op}: key shape ${formatShape(key.shape)} does not match value shape ${formatShape(value.shape)}`);
  }
  if (key.shape[1] !== bsz) throw new ShapeError(`${op}: query batch size ${bsz} does not match key batch size ${key.shape[1]}`);

  // In-projection: the rows of the packed weight (or the three separate weights) for q, k, v.
  const [bq, bk, bv] = inProjBias === null ? [null, null, null] : inProjBias.chunk(3, 0);
  let weights: Tensor[];
  if (useSeparateProjWeight) {
    const { qProjWeight = null, kProjWeight = null, vProjWeight = null } = options;
    if (qProjWeight === null || kProjWeight === null || vProjWeight === null) {
      throw new InvalidArgumentError(`${op}: use_separate_proj_weight is true but q_proj_weight, k_proj_weight or v_proj_weight is missing`);
    }
    weights = [qProjWeight, kProjWeight, vProjWeight];
  } else {
    if (inProjWeight === null) throw new InvalidArgumentError(`${op}: use_separate_proj_weight is false but in_proj_weight is missing`);
    weights = inProjWeight.chunk(3, 0);
  }
  const named: [string, Tensor][] = [['query', query], ['key', key], ['value', value]];
  for (const [i, [name, x]] of named.entries()) {
    const expected = weights[i]!.shape[1];
    if (x.shape[2] !== expected) throw new ShapeError(`${op}: ${name} has ${x.shape[2]} features but its projection expects ${expected}`);
  }
  const q = linear(query, weights[0]!, bq);
  const k = linear(key, weights[1]!, bk);
  const v = linear(value, weights[2]!, bv);

  if (attnMask !== null) {
    if (attnMask.ndim === 2) {
      if (attnMask.shape[0] !== tgtLen || attnMask.shape[1] !== srcLen) {
        throw new ShapeError(`${op}: The shape of the 2D attn_mask is ${formatShape(attnMask.shape)}, but should be ${formatShape([tgtLen, srcLen])}.`);
      }
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.shape[0] !== bsz * numHeads || attnMask.shape[1] !== tgtLen || attnMask.shape[2] !== srcLen) {
      throw new ShapeError(`${op}: The shape of the 3D attn_mask is ${formatShape(attnMask.shape)}, but should be ${formatShape([bsz * numHeads, tgtLen, srcLen])}.`);
    }
  }
  // [len, N, E] → [N·heads, len, headDim]
  const heads = (x: Tensor) => x.reshape([x.shape[0]!, bsz * numHeads, headDim]).transpose(0, 1);
  const [qh, kh, vh] = [heads(q), heads(k), heads(v)];
  if (keyPaddingMask !== null) {
    if (keyPaddingMask.shape[0] !== bsz || keyPaddingMask.shape[1] !== srcLen) {
      throw new ShapeError(`${op}: expecting key_padding_mask shape of ${formatShape([bsz, srcLen])}, but got ${formatShape(keyPaddingMask.shape)}`);
    }
    const perHead = keyPaddingMask.reshape([bsz, 1, 1, srcLen]).expand(-1, numHeads, -1, -1).reshape([bsz * numHeads, 1, srcLen]);
    attnMask = attnMask === null ? perHead : attnMask.add(perHead);
  }
  const p = training ? dropoutP : 0;
  // [L, N, E] from the heads' outputs, then the output projection.
  const project = (merged: Tensor) => linear(merged, outProjWeight, outProjBias).reshape([tgtLen, bsz, embedDim]);

  if (needWeights) {
    let scores = qh.mul(Math.sqrt(1 / headDim)).matmul(kh.transpose(-2, -1));
    if (attnMask !== null) scores = scores.add(attnMask);
    let attention = softmax(scores, -1);
    if (p > 0) attention = dropout(attention, { p });
    let output = project(attention.matmul(vh).transpose(0, 1).reshape([tgtLen * bsz, embedDim]));
    let averaged = attention.reshape([bsz, numHeads, tgtLen, srcLen]);
    if (averageAttnWeights) averaged = averaged.mean(1);
    if (!batched) [output, averaged] = [output.squeeze(1), averaged.squeeze(0)];
    return [output, averaged];
  }
  const mask = attnMask === null ? null : attnMask.shape[0] === 1 ? attnMask.unsqueeze(0) : attnMask.reshape([bsz, numHeads, -1, srcLen]);
  const split = (x: Tensor) => x.reshape([bsz, numHeads, x.shape[1]!, headDim]);
  const attended = scaledDotProductAttention(split(qh), split(kh), split(vh), { attnMask: mask, dropoutP: p, isCausal });
  const output = project(attended.permute(2, 0, 1, 3).reshape([bsz * tgtLen, embedDim]));
  return [batched ? output : output.squeeze(1), null];
}
