import { empty, formatShape, noGrad, type RawTensor, ShapeError, type Tensor } from '@torchlet/autograd';
import { checkInteger, formatFloat, normalizePaddingIdx } from '../arguments.js';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import type { FactoryOptions } from './linear.js';

/** Options of {@link Embedding}. */
export interface EmbeddingLayerOptions extends FactoryOptions {
  /** This row starts at zero and receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are rescaled to it, in place, before the lookup. */
  maxNorm?: number | null;
  /** The p of the p-norm compared with `maxNorm` (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often the row was looked up in the batch (default false). */
  scaleGradByFreq?: boolean;
  /** The weight's gradient is a sparse tensor of the rows looked up (default false). */
  sparse?: boolean;
  /** Use this [numEmbeddings, embeddingDim] tensor as the weight instead of drawing one (PyTorch's `_weight`). */
  weight?: RawTensor;
  /** With `weight`, keep it fixed: the parameter does not require grad (PyTorch's `_freeze`). */
  freeze?: boolean;
}

/** Options of {@link Embedding.fromPretrained}. */
export interface FromPretrainedOptions extends Omit<EmbeddingLayerOptions, 'weight' | 'freeze' | 'dtype'> {
  /** Keep the weights fixed (default true). */
  freeze?: boolean;
}

/**
 * A lookup table: row i of `weight` [numEmbeddings, embeddingDim] for each index i. The weight is
 * drawn from N(0, 1), with the `paddingIdx` row zeroed.
 *
 * @example
 * ```ts
 * const embed = new Embedding(10000, 64, { paddingIdx: 0 });
 * embed.call(tensor([[1, 2], [0, 3]], { dtype: 'int64' })).shape; // [2, 2, 64]
 * ```
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    this.numEmbeddings = checkInteger('Embedding', 'num_embeddings', numEmbeddings, 0);
    this.embeddingDim = checkInteger('Embedding', 'embedding_dim', embeddingDim, 0);
    this.paddingIdx = normalizePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.scaleGradByFreq = options.scaleGradByFreq ?? false;
    this.sparse = options.sparse ?? false;
    if (options.weight === undefined) {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: options.dtype }));
      this.resetParameters();
    } else {
      const shape = options.weight.shape;
      if (shape.length !== 2 || shape[0] !== numEmbeddings || shape[1] !== embeddingDim) {
        throw new ShapeError(`Embedding: Shape of weight does not match num_embeddings and embedding_dim: got ${formatShape(shape)} for [${numEmbeddings}, ${embeddingDim}]`);
      }
      this.weight = new Parameter(options.weight, !(options.freeze ?? false));
    }
  }

  /**
   * An embedding whose weight is `embeddings` [numEmbeddings, embeddingDim] (shared, not copied),
   * frozen unless `freeze` is false.
   *
   * @example
   * ```ts
   * const embed = Embedding.fromPretrained(vectors, { freeze: false });
   * ```
   */
  static fromPretrained(embeddings: RawTensor, options: FromPretrainedOptions = {}): Embedding {
    if (embeddings.ndim !== 2) {
      throw new ShapeError(`Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional, got ${formatShape(embeddings.shape)}`);
    }
    const [rows, columns] = embeddings.shape as [number, number];
    return new Embedding(rows, columns, { ...options, weight: embeddings, freeze: options.freeze ?? true });
  }

  /** Redraws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  override forward(input: RawTensor): Tensor {
    const { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse } = this;
    return F.embedding(input, this.weight, { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${formatFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${formatFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
