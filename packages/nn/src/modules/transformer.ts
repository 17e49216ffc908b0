/**
 * Attention layers: MultiheadAttention, TransformerEncoderLayer and TransformerEncoder, with
 * PyTorch's parameter and child names (so state dicts load both ways) and initialisation.
 */
import {
  type DType,
  full,
  getRngState,
  InvalidArgumentError,
  setRngState,
  type Tensor,
  empty,
} from '@torchlet/autograd';
import { multiHeadAttentionForward } from '../functional/attention.js';
import { gelu, relu } from '../functional/activation.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';

/**
 * The output projection of {@link MultiheadAttention}: a plain {@link Linear} under PyTorch's
 * class name (which exists there only to keep dynamic quantization away from it), so the module
 * prints as PyTorch's does.
 */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** Options of {@link MultiheadAttention}. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights, in training (default 0). */
  dropout?: number;
  /** Learn `in_proj_bias` and `out_proj.bias` (default true). */
  bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** Features of `key` (default embedDim); if it or vdim differs, q/k/v get separate weights. */
  kdim?: number;
  /** Features of `value` (default embedDim). */
  vdim?: number;
  /** Parameter dtype (float32 unless told). */
  dtype?: DType;
}

/** Options of {@link MultiheadAttention.forward}. */
export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): true (or −∞) marks padding keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: true (or −∞) marks pairs that may not attend; floats are added. */
  attnMask?: Tensor | null;
  /** Average the weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** A hint that `attnMask` is the causal mask (PyTorch 2.x; it requires `attnMask`). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (Vaswani et al., 2017, "Attention Is All You Need"):
 * concat(head₁…head_h)·W_Oᵀ with headᵢ = softmax(QW_Qᵢ(KW_Kᵢ)ᵀ/√(E/h))·VW_Vᵢ. Parameters as
 * PyTorch: `in_proj_weight` [3E, E] (xavier-uniform; or `q_proj_weight`, `k_proj_weight`,
 * `v_proj_weight` when kdim/vdim differ from E), `in_proj_bias` [3E] (zeros), and the child
 * `out_proj` (a Linear whose bias is zeroed).
 *
 * @example
 * ```ts
 * const attention = new MultiheadAttention(8, 2);
 * const x = randn(5, 3, 8); // [L, N, E]
 * const [output, weights] = attention.call(x, x, x); // [5, 3, 8], [3, 5, 5]
 * ```
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null;
  k_proj_weight: Parameter | null;
  v_proj_weight: Parameter | null;
  in_proj_bias: Parameter | null;
  out_proj: NonDynamicallyQuantizableLinear;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const { dropout = 0, bias = true, batchFirst = false, dtype } = options;
    if (!Number.isInteger(embedDim) || !Number.isInteger(numHeads) || embedDim <= 0 || numHeads <= 0) {
      throw new InvalidArgumentError(`MultiheadAttention: embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    if (embedDim % numHeads !== 0) throw new InvalidArgumentError(`MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim=${embedDim} and num_heads=${numHeads}`);
    if (!(dropout >= 0 && dropout <= 1)) throw new InvalidArgumentError(`MultiheadAttention: dropout probability has to be between 0 and 1, but got ${dropout}`);
    this.embedDim = embedDim;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    this.headDim = embedDim / numHeads;
    const separate = this.kdim !== embedDim || this.vdim !== embedDim;
    const parameter = (...shape: number[]) => new Parameter(empty(shape, { dtype }));
    this.in_proj_weight = separate ? null : parameter(3 * embedDim, embedDim);
    this.q_proj_weight = separate ? parameter(embedDim, embedDim) : null;
    this.k_proj_weight = separate ? parameter(embedDim, this.kdim) : null;
    this.v_proj_weight = separate ? parameter(embedDim, this.vdim) : null;
    this.in_proj_bias = bias ? parameter(3 * embedDim) : null;
    // Built before resetParameters, as in PyTorch, so the random stream is drawn in the same order.
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype });
    this.resetParameters();
  }

  /** Xavier-uniform projection weights and zero biases; `out_proj.weight` keeps its Linear init. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w !== null) init.xavierUniform_(w);
    if (this.in_proj_bias !== null) init.zeros_(this.in_proj_bias);
    if (this.out_proj.bias !== null) init.zeros_(this.out_proj.bias);
  }

  /**
   * Attends from `query` [L, N, E] to `key` [S, N, kdim] / `value` [S, N, vdim] (batch-first
   * [N, ·, ·] with `batchFirst`, or unbatched [·, ·]). Returns `[output, weights]` with weights
   * [N, L, S] (averaged over heads) or [N, numHeads, L, S], or null when `needWeights` is false.
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const batched = query.ndim === 3;
    if (this.batchFirst && batched) [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
    const separate = this.in_proj_weight === null;
    const [output, weights] = multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.dropout, this.out_proj.weight, this.out_proj.bias,
      {
        ...options,
        training: this.training,
        useSeparateProjWeight: separate,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
      },
    );
    return [this.batchFirst && batched ? output.transpose(1, 0) : output, weights];
  }
}

/**
 * A causal mask [size, size] for `attnMask`: 0 on and below the diagonal, −∞ above it (PyTorch's
 * `nn.Transformer.generate_square_subsequent_mask`).
 */
export function generateSquareSubsequentMask(size: number, options: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError(`generateSquareSubsequentMask: size must be a non-negative integer, got ${size}`);
  return full([size, size], -Infinity, { dtype: options.dtype ?? 'float32' }).triu(1);
}

/** Options of {@link TransformerEncoderLayer}. */
export interface TransformerEncoderLayerOptions {
  /** Hidden width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward activation: `'relu'` (default), `'gelu'`, or a function. */
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor);
  /** Epsilon of both LayerNorms (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and output are [N, L, E] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: normalise before each block instead of after the residual sum (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers, attention and LayerNorms (default true). */
  bias?: boolean;
  /** Parameter dtype (float32 unless told). */
  dtype?: DType;
}

/** Options of {@link TransformerEncoderLayer.forward}. */
export interface TransformerEncoderLayerForwardOptions {
  /** [L, L] or [N·nhead, L, L] attention mask (true or −∞ = may not attend). */
  srcMask?: Tensor | null;
  /** [N, L]: true marks padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** A hint that `srcMask` is the causal mask. */
  isCausal?: boolean;
}

/**
 * One Transformer encoder block: self-attention then a feed-forward network, each with a residual
 * connection and LayerNorm (post-norm by default, pre-norm with `normFirst`). Children as PyTorch:
 * `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`.
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 64, batchFirst: true });
 * layer.call(randn(2, 10, 16)).shape; // [2, 10, 16]
 * ```
 */
export class TransformerEncoderLayer extends Module {
  /** The constructor's arguments, kept so TransformerEncoder can build copies. */
  readonly config: { dModel: number; nhead: number; options: TransformerEncoderLayerOptions };
  readonly normFirst: boolean;
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true, dtype } = options;
    this.config = { dModel, nhead, options: { ...options } };
    this.normFirst = normFirst;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst, dtype });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype });
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    if (typeof activation === 'function') this.activation = activation;
    else if (activation === 'relu') this.activation = relu;
    else if (activation === 'gelu') this.activation = (x) => gelu(x);
    else throw new InvalidArgumentError(`TransformerEncoderLayer: activation should be relu/gelu, not ${String(activation)}`);
  }

  /** Encodes `src` [L, N, E] (batch-first [N, L, E], or unbatched [L, E]). */
  override forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null, isCausal = false } = options;
    const attend = (x: Tensor) =>
      this.dropout1.call(this.self_attn.call(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false, isCausal })[0]);
    const feedForward = (x: Tensor) => this.dropout2.call(this.linear2.call(this.dropout.call(this.activation(this.linear1.call(x)))));
    if (this.normFirst) {
      const x = src.add(attend(this.norm1.call(src)));
      return x.add(feedForward(this.norm2.call(x)));
    }
    const x = this.norm1.call(src.add(attend(src)));
    return this.norm2.call(x.add(feedForward(x)));
  }
}

/** Options of {@link TransformerEncoder.forward} (PyTorch names the attention mask `mask` here). */
export interface TransformerEncoderForwardOptions {
  /** [L, L] or [N·nhead, L, L] attention mask for every layer (true or −∞ = may not attend). */
  mask?: Tensor | null;
  /** [N, L]: true marks padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** A hint that `mask` is the causal mask. */
  isCausal?: boolean;
}

/** Options of {@link TransformerEncoder}. */
export interface TransformerEncoderOptions {
  /** A final normalisation layer (PyTorch's `norm`), saved as the child `norm`. */
  norm?: Module | null;
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (each a deep copy with the same initial weights,
 * as PyTorch's `_get_clones`), in the ModuleList `layers`, then an optional `norm`.
 *
 * @example
 * ```ts
 * const encoder = new TransformerEncoder(new TransformerEncoderLayer(16, 4), 6);
 * encoder.call(randn(10, 2, 16), { mask: generateSquareSubsequentMask(10) });
 * ```
 */
export class TransformerEncoder extends Module {
  readonly numLayers: number;
  layers: ModuleList;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options: TransformerEncoderOptions = {}) {
    super();
    if (!Number.isInteger(numLayers) || numLayers < 0) throw new InvalidArgumentError(`TransformerEncoder: num_layers must be a non-negative integer, got ${numLayers}`);
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new InvalidArgumentError('TransformerEncoder: encoder_layer must be a TransformerEncoderLayer');
    this.numLayers = numLayers;
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => copyLayer(encoderLayer)));
    this.norm = options.norm ?? null;
  }

  /** Runs `src` through every layer (with the same masks), then `norm`. */
  override forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    const { mask = null, srcKeyPaddingMask = null, isCausal = false } = options;
    let output = src;
    for (const layer of this.layers) output = (layer as TransformerEncoderLayer).call(output, { srcMask: mask, srcKeyPaddingMask, isCausal });
    return this.norm === null ? output : (this.norm.call as (x: Tensor) => Tensor)(output);
  }
}

/**
 * A deep copy of `layer`: a new layer built from the same arguments, with `layer`'s state and
 * mode. The random stream is saved and restored around the construction, so copying draws
 * nothing (as `copy.deepcopy` draws nothing).
 */
function copyLayer(layer: TransformerEncoderLayer): TransformerEncoderLayer {
  const { dModel, nhead, options } = layer.config;
  const state = getRngState();
  const copy = new TransformerEncoderLayer(dModel, nhead, { ...options, dtype: layer.linear1.weight.dtype });
  setRngState(state);
  copy.loadStateDict(layer.stateDict());
  const original = [...layer.parameters()];
  [...copy.parameters()].forEach((p, i) => p.requiresGrad_(original[i]!.requiresGrad));
  return copy.train(layer.training);
}
