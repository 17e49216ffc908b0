import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { Tensor } from '../tensor.js';
import { arange, tensor } from './creation.js';
import { argsort, sort, topk } from './sort.js';

describe('sort', () => {
  it('sorts ascending along the last dim by default', () => {
    const { values, indices } = sort(tensor([[3, 1, 2], [0, 5, 4]]));
    expect(values.tolist()).toEqual([[1, 2, 3], [0, 4, 5]]);
    expect(indices.tolist()).toEqual([[1, 2, 0], [0, 2, 1]]);
    expect(indices.dtype).toBe('int64');
  });

  it('sorts along a leading dim of a strided view', () => {
    // The transpose of [[0, 1, 2], [3, 4, 5]], reversed along dim 0 by sorting descending.
    const x = new Tensor(arange(6).storage, [3, 2], [1, 3], 0, 'int64');
    const { values, indices } = sort(x, 0, { descending: true });
    expect(values.tolist()).toEqual([[2, 5], [1, 4], [0, 3]]);
    expect(indices.tolist()).toEqual([[2, 2], [1, 1], [0, 0]]);
  });

  it('puts NaN last ascending and first descending', () => {
    const x = tensor([2, NaN, -1, NaN, 0]);
    expect(sort(x).values.tolist()).toEqual([-1, 0, 2, NaN, NaN]);
    expect(sort(x).indices.tolist()).toEqual([2, 4, 0, 1, 3]);
    expect(sort(x, 0, { descending: true }).indices.tolist()).toEqual([1, 3, 0, 4, 2]);
  });

  it('keeps equal elements in their original order both ways', () => {
    const x = tensor([1, 0, 1, 0, 1]);
    expect(sort(x, 0, { stable: true }).indices.tolist()).toEqual([1, 3, 0, 2, 4]);
    expect(sort(x, 0, { descending: true }).indices.tolist()).toEqual([0, 2, 4, 1, 3]);
  });

  it('returns a permutation in nondecreasing order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 40 }), (list) => {
        const { values, indices } = sort(tensor(list));
        const v = values.tolist() as number[];
        const idx = indices.tolist() as number[];
        for (let j = 1; j < v.length; j++) expect(v[j - 1]!).toBeLessThanOrEqual(v[j]!);
        expect([...idx].sort((a, b) => a - b)).toEqual(list.map((_, j) => j));
        idx.forEach((source, j) => expect(list[source]).toBe(v[j]));
      }),
    );
  });

  it('sorts a 0-d tensor to itself', () => {
    expect(sort(tensor(7)).values.tolist()).toBe(7);
    expect(sort(tensor(7)).indices.tolist()).toBe(0);
  });
});

describe('argsort', () => {
  it('returns the sorting indices', () => {
    expect(argsort(tensor([[3, 1], [0, 2]]), 0).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(argsort(tensor([3, 1, 2]), -1, { descending: true }).tolist()).toEqual([0, 2, 1]);
  });
});

describe('topk', () => {
  it('returns the k largest, largest first', () => {
    const { values, indices } = topk(tensor([1, 5, 3, 4]), 2);
    expect(values.tolist()).toEqual([5, 4]);
    expect(indices.tolist()).toEqual([1, 3]);
  });

  it('returns the k smallest with largest: false, along a dim', () => {
    const { values, indices } = topk(tensor([[4, 1], [2, 3], [0, 9]]), 2, 0, { largest: false });
    expect(values.tolist()).toEqual([[0, 1], [2, 3]]);
    expect(indices.tolist()).toEqual([[2, 0], [1, 1]]);
  });

  it('counts NaN as the largest', () => expect(topk(tensor([1, NaN, 3]), 1).indices.tolist()).toEqual([1]));

  it('agrees with a full sort, ties and NaN included', () => {
    const element = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(NaN));
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 80 }), fc.nat(), fc.boolean(), (list, seed, largest) => {
        const x = tensor(list, { dtype: 'float64' });
        const k = seed % (list.length + 1);
        const full = sort(x, 0, { descending: largest });
        const top = topk(x, k, 0, { largest });
        expect(top.indices.tolist()).toEqual((full.indices.tolist() as number[]).slice(0, k));
        expect(top.values.tolist()).toEqual((full.values.tolist() as number[]).slice(0, k));
      }),
    );
  });

  it('allows k = 0 and k = size', () => {
    expect(topk(tensor([1, 2]), 0).values.shape).toEqual([0]);
    expect(topk(tensor([1, 2]), 2).values.tolist()).toEqual([2, 1]);
  });

  it('rejects k out of range', () => {
    expect(() => topk(tensor([1, 2]), 3)).toThrow(InvalidArgumentError);
    expect(() => topk(tensor([1, 2]), -1)).toThrow(/selected index k out of range/);
  });
});
