import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { make } from '../../test/numeric.js';
import { DTypeError, IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { assertClose, fromRecord } from '../testing.js';
import { Tensor } from '../tensor.js';
import { embedding, embeddingBackward, embeddingSparseBackward } from './embedding.js';

const table = () => make([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32], [4, 3]);

describe('embedding', () => {
  it('matches PyTorch for F.embedding(idx, w), forward and backward', () => {
    const c = opCase('F.embedding(idx, w)');
    const idx = fromRecord(c.inputs.idx!);
    const w = fromRecord(c.inputs.w!);
    assertClose(embedding(idx, w), c.output);
    assertClose(embeddingBackward(fromRecord(c.R), idx, w.shape[0]!), c.grads.w!);
  });

  it('returns [...indices.shape, D] in the weight dtype for int32 indices of any rank', () => {
    const out = embedding(make([3, 0, 1], [3, 1, 1], 'int32'), table());
    expect(out.shape).toEqual([3, 1, 1, 3]);
    expect(out.dtype).toBe('float32');
    expect(out.tolist()).toEqual([[[[30, 31, 32]]], [[[0, 1, 2]]], [[[10, 11, 12]]]]);
  });

  it('looks up a 0-d index as one row', () => {
    expect(embedding(make([2], [], 'int64'), table()).tolist()).toEqual([20, 21, 22]);
  });

  it('reads a non-contiguous weight through its strides', () => {
    // The transpose of a [3, 4] matrix: row r of the view is column r of the storage.
    const storage = make([0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32], [12]).storage;
    const weight = new Tensor(storage, [4, 3], [1, 4], 0, 'float32');
    expect(embedding(make([2, 1], [2], 'int64'), weight).tolist()).toEqual([[20, 21, 22], [10, 11, 12]]);
  });

  it('renormalises looked-up rows above maxNorm in place and bumps the version', () => {
    const weight = make([3, 4, 0.3, 0.4, 6, 8], [3, 2]);
    const out = embedding(make([0, 2, 0, 1], [2, 2], 'int64'), weight, { maxNorm: 1 });
    assertClose(out, make([0.6, 0.8, 0.6, 0.8, 0.6, 0.8, 0.3, 0.4], [2, 2, 2]));
    assertClose(weight, make([0.6, 0.8, 0.3, 0.4, 0.6, 0.8], [3, 2]));
    expect(weight.version).toBe(1);
  });

  it('uses the p-norm given by normType', () => {
    // |3| + |4| = 7 > 2: scaled by 2 / 7.
    const weight = make([3, 4, 1, 1], [2, 2]);
    assertClose(embedding(make([0], [1], 'int64'), weight, { maxNorm: 2, normType: 1 }), make([6 / 7, 8 / 7], [1, 2]));
    expect(weight.tolist()).toEqual([[Math.fround((3 * 2) / (7 + 1e-7)), Math.fround((4 * 2) / (7 + 1e-7))], [1, 1]]);
  });

  it('rejects maxNorm on an integer weight', () => {
    expect(() => embedding(make([0], [1], 'int64'), make([3, 4], [1, 2], 'int64'), { maxNorm: 1 })).toThrow(
      'embedding: weight must be a floating-point tensor, got int64',
    );
  });

  it('looks up rows of an integer weight', () => {
    expect(embedding(make([0], [1], 'int64'), make([3, 4], [1, 2], 'int64')).tolist()).toEqual([[3, 4]]);
  });

  it('names the index and num_embeddings when an index is out of range', () => {
    expect(() => embedding(make([1, 4], [2], 'int64'), table())).toThrow(IndexError);
    expect(() => embedding(make([1, 4], [2], 'int64'), table())).toThrow(
      'embedding: index 4 is out of range for num_embeddings 4 (expected 0 to 3)',
    );
    expect(() => embedding(make([-1], [1], 'int32'), table())).toThrow('embedding: index -1 is out of range for num_embeddings 4');
  });

  it('rejects float indices, a weight that is not 2-D and padding_idx out of range', () => {
    expect(() => embedding(make([1], [1]), table())).toThrow(DTypeError);
    expect(() => embedding(make([1], [1]), table())).toThrow('embedding: indices must be an int32 or int64 tensor, got float32');
    expect(() => embedding(make([1], [1], 'int64'), make([1, 2], [2]))).toThrow(ShapeError);
    expect(() => embedding(make([1], [1], 'int64'), table(), { paddingIdx: 4 })).toThrow(InvalidArgumentError);
    expect(() => embedding(make([1], [1], 'int64'), table(), { paddingIdx: -5 })).toThrow('embedding: padding_idx -5 must be within num_embeddings 4');
  });
});

describe('embeddingBackward', () => {
  const indices = make([1, 1, 3, 2], [2, 2], 'int64');
  const gradOutput = make(Array.from({ length: 12 }, (_, i) => i), [2, 2, 3]);

  it('adds the gradient of every lookup into its row', () => {
    expect(embeddingBackward(gradOutput, indices, 4).tolist()).toEqual([
      [0, 0, 0],
      [3, 5, 7],
      [9, 10, 11],
      [6, 7, 8],
    ]);
  });

  it('gives rows at paddingIdx zero gradient, negative paddingIdx counting from the end', () => {
    expect(embeddingBackward(gradOutput, indices, 4, { paddingIdx: 1 }).tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [9, 10, 11],
      [6, 7, 8],
    ]);
    expect((embeddingBackward(gradOutput, indices, 4, { paddingIdx: -1 }).tolist() as number[][])[3]).toEqual([0, 0, 0]);
  });

  it('divides by the lookup count with scaleGradByFreq', () => {
    expect((embeddingBackward(gradOutput, indices, 4, { scaleGradByFreq: true }).tolist() as number[][])[1]).toEqual([1.5, 2.5, 3.5]);
  });

  it('rejects gradOutput that is not indices.shape followed by D, and out-of-range indices', () => {
    expect(() => embeddingBackward(make([1, 2], [1, 2]), indices, 4)).toThrow(
      'embedding_backward: gradOutput [1,2] should be indices [2,2] followed by the embedding dim',
    );
    expect(() => embeddingBackward(gradOutput, indices, 3)).toThrow('embedding_backward: index 3 is out of range for num_embeddings 3');
    expect(() => embeddingBackward(make([1], [1, 1], 'int64'), make([0], [1], 'int64'), 1)).toThrow(DTypeError);
  });
});

describe('embeddingSparseBackward', () => {
  const indices = make([1, 1, 3, 2], [2, 2], 'int64');
  const gradOutput = make(Array.from({ length: 12 }, (_, i) => i), [2, 2, 3]);

  it('returns the touched rows uncoalesced in lookup order with their gradients', () => {
    const { indices: rows, values } = embeddingSparseBackward(gradOutput, indices, 4);
    expect(rows.dtype).toBe('int64');
    expect(rows.tolist()).toEqual([1, 1, 3, 2]);
    expect(values.tolist()).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
  });

  it('drops lookups of paddingIdx', () => {
    const { indices: rows, values } = embeddingSparseBackward(gradOutput, indices, 4, { paddingIdx: 3 });
    expect(rows.tolist()).toEqual([1, 1, 2]);
    expect(values.tolist()).toEqual([[0, 1, 2], [3, 4, 5], [9, 10, 11]]);
  });

  it('returns empty [0] and [0, D] when every lookup is padding', () => {
    const { indices: rows, values } = embeddingSparseBackward(make([1, 2, 3], [1, 3]), make([0], [1], 'int64'), 4, { paddingIdx: 0 });
    expect(rows.shape).toEqual([0]);
    expect(values.shape).toEqual([0, 3]);
  });

  it('rejects a gradOutput of the wrong shape', () => {
    expect(() => embeddingSparseBackward(make([1, 2], [2]), indices, 4)).toThrow(ShapeError);
  });
});
