import { describe, expect, it } from 'vitest';
import { IndexError } from '../errors/index.js';
import { Tensor } from '../tensor.js';
import { arange, tensor, zeros } from './creation.js';
import { cumprod, cumsum } from './scan.js';

describe('cumsum', () => {
  it('sums along the last dim', () => {
    expect(cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1).tolist()).toEqual([[1, 3, 6], [4, 9, 15]]);
  });

  it('sums along a leading dim', () => {
    expect(cumsum(tensor([[1, 2, 3], [4, 5, 6]]), -2).tolist()).toEqual([[1, 2, 3], [5, 7, 9]]);
  });

  it('reads a strided view in its logical order', () => {
    // The transpose of [[0, 1, 2], [3, 4, 5]].
    const x = new Tensor(arange(6).storage, [3, 2], [1, 3], 0, 'int64');
    expect(cumsum(x, 0).tolist()).toEqual([[0, 3], [1, 7], [3, 12]]);
  });

  it('gives int64 for bool and int32 inputs', () => {
    expect(cumsum(tensor([true, true, false]), 0).tolist()).toEqual([1, 2, 2]);
    expect(cumsum(tensor([true]), 0).dtype).toBe('int64');
    expect(cumsum(tensor([1, 2], { dtype: 'int32' }), 0).dtype).toBe('int64');
  });

  it('keeps float32 but accumulates in float64', () => {
    const out = cumsum(tensor(new Float32Array(100_001).fill(0.1)), 0);
    expect(out.dtype).toBe('float32');
    expect(out.toTypedArray()[100_000]).toBeCloseTo(Math.fround(0.1) * 100_001, 1);
  });

  it('handles 0-d and empty tensors', () => {
    expect(cumsum(tensor(4), 0).tolist()).toBe(4);
    expect(cumsum(zeros(0, 3), 0).shape).toEqual([0, 3]);
  });

  it('rejects an out-of-range dim', () => expect(() => cumsum(zeros(2), 1)).toThrow(IndexError));
});

describe('cumprod', () => {
  it('multiplies along a dim', () => {
    expect(cumprod(tensor([[1, 2, 3], [4, 5, 6]]), 0).tolist()).toEqual([[1, 2, 3], [4, 10, 18]]);
    expect(cumprod(tensor([1.5, 2, 0, 3]), 0).tolist()).toEqual([1.5, 3, 0, 0]);
  });

  it('converts to dtype first and keeps it', () => {
    const out = cumprod(tensor([1.5, 2.5]), 0, { dtype: 'float64' });
    expect(out.dtype).toBe('float64');
    expect(out.tolist()).toEqual([1.5, 3.75]);
    expect(cumsum(tensor([1, 2]), 0, { dtype: 'int32' }).dtype).toBe('int32');
    expect(cumsum(tensor([false, true, true]), 0, { dtype: 'bool' }).tolist()).toEqual([false, true, true]);
  });
});
