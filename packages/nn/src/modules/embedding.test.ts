import { manualSeed, type SparseTensor, type Tensor, tensor, zeros } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Embedding } from './embedding.js';

function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number>);
}

const ids = (data: number[][]) => tensor(data, { dtype: 'int64' });

describe('Embedding', () => {
  it('draws exactly PyTorch’s N(0, 1) weight with the padding row zeroed (seed 0)', () => {
    manualSeed(0);
    const embed = new Embedding(4, 3, { paddingIdx: 1 });
    expect(values(embed.weight)).toEqual([
      1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0, 0, 0, 0.40334683656692505, 0.8380263447761536, -0.7192575931549072, -0.40334352850914,
      -0.5966353416442871, 0.18203648924827576,
    ]);
  });

  it('has N(0, 1) statistics', () => {
    manualSeed(1);
    const w = values(new Embedding(1000, 100).weight);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(100_000));
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it('looks rows up, [B, T] → [B, T, D]', () => {
    const embed = new Embedding(5, 3);
    const y = embed.call(ids([[1, 2], [4, 1]]));
    expect(y.shape).toEqual([2, 2, 3]);
    expect(y.select(0, 1).select(0, 1).tolist()).toEqual(embed.weight.select(0, 1).tolist());
  });

  it('gives the padding row no gradient', () => {
    const embed = new Embedding(3, 2, { paddingIdx: 0 });
    embed.call(ids([[0, 2, 0]])).sum().backward();
    expect(embed.weight.grad!.tolist()).toEqual([[0, 0], [0, 0], [1, 1]]);
  });

  it('gives a sparse gradient with sparse: true, equal to the dense one', () => {
    const embed = new Embedding(4, 2, { sparse: true });
    embed.call(ids([[1, 3, 1]])).sum().backward();
    const gradient = embed.weight.grad!;
    expect(gradient.isSparse).toBe(true);
    expect((gradient as SparseTensor).toDense().tolist()).toEqual([[0, 0], [2, 2], [0, 0], [1, 1]]);
  });

  it('scales each row’s gradient by its lookup count with scaleGradByFreq', () => {
    const embed = new Embedding(3, 1, { scaleGradByFreq: true });
    embed.call(ids([[1, 1, 2]])).sum().backward();
    expect(embed.weight.grad!.tolist()).toEqual([[0], [1], [1]]);
  });

  it('renormalises looked-up rows with maxNorm and normType', () => {
    const embed = Embedding.fromPretrained(tensor([[3, 4], [1, 0]], { dtype: 'float32' }), { maxNorm: 1, normType: 1 });
    embed.call(ids([[0]]));
    expect(embed.weight.select(0, 0).abs().sum().item()).toBeCloseTo(1, 5);
  });

  it('stores a negative paddingIdx counted from the end', () => {
    expect(new Embedding(10, 3, { paddingIdx: -1 }).paddingIdx).toBe(9);
  });

  it('prints as PyTorch', () => {
    expect(new Embedding(10, 3).toString()).toBe('Embedding(10, 3)');
    expect(new Embedding(10, 3, { paddingIdx: -1, maxNorm: 1.5, normType: 1, scaleGradByFreq: true, sparse: true }).toString()).toBe(
      'Embedding(10, 3, padding_idx=9, max_norm=1.5, norm_type=1.0, scale_grad_by_freq=True, sparse=True)',
    );
  });

  it('throws on a paddingIdx outside the table and on bad sizes', () => {
    expect(() => new Embedding(3, 2, { paddingIdx: 3 })).toThrow('Embedding: Padding_idx must be within num_embeddings, got padding_idx=3 for num_embeddings=3');
    expect(() => new Embedding(3, 2, { paddingIdx: -4 })).toThrow('Embedding: Padding_idx must be within num_embeddings');
    expect(() => new Embedding(-3, 2)).toThrow('Embedding: num_embeddings must be an integer >= 0, got -3');
    expect(() => new Embedding(3, 0.5)).toThrow('Embedding: embedding_dim must be an integer >= 0, got 0.5');
  });

  it('throws on a given weight of the wrong shape', () => {
    expect(() => new Embedding(3, 2, { weight: zeros(2, 3) })).toThrow('Embedding: Shape of weight does not match num_embeddings and embedding_dim: got [2,3] for [3, 2]');
  });
});

describe('Embedding.fromPretrained', () => {
  const vectors = tensor([[1, 2.5], [3, 4]], { dtype: 'float32' });

  it('uses the given weights, frozen by default, without drawing', () => {
    manualSeed(0);
    const embed = Embedding.fromPretrained(vectors);
    expect(embed.weight.tolist()).toEqual([[1, 2.5], [3, 4]]);
    expect(embed.weight.requiresGrad).toBe(false);
    expect(embed.call(ids([[1]])).tolist()).toEqual([[[3, 4]]]);
    expect(embed.toString()).toBe('Embedding(2, 2)');
  });

  it('trains the weights with freeze: false, and keeps the padding row as given', () => {
    const embed = Embedding.fromPretrained(vectors, { freeze: false, paddingIdx: 0 });
    expect(embed.weight.requiresGrad).toBe(true);
    expect(embed.weight.select(0, 0).tolist()).toEqual([1, 2.5]);
  });

  it('throws unless the embeddings are 2-d', () => {
    expect(() => Embedding.fromPretrained(zeros(4))).toThrow('Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional, got [4]');
  });
});
