import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors/index.js';
import { arange, eye, full, linspace, ones, tensor, zeros } from './creation.js';

describe('tensor', () => {
  it('infers int64 for integers, float32 for fractions, bool for booleans', () => {
    expect(tensor([[1, 2], [3, 4]]).dtype).toBe('int64');
    expect(tensor([1, 2.5]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
  });

  it('keeps the shape of nested arrays', () => {
    const x = tensor([[[1], [2]], [[3], [4]], [[5], [6]]]);
    expect(x.shape).toEqual([3, 2, 1]);
    expect(x.tolist()).toEqual([[[1], [2]], [[3], [4]], [[5], [6]]]);
  });

  it('rejects ragged nested arrays with the index', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array: expected length 2 at index \[1\]/);
  });

  it('takes typed arrays with their dtype', () => {
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
  });

  it('truncates toward zero when casting to int64', () => {
    expect(tensor([-1.5, 2.7], { dtype: 'int64' }).tolist()).toEqual([-1, 2]);
  });
});

describe('zeros/ones/full', () => {
  it('accepts varargs and array sizes', () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(zeros([2, 3]).shape).toEqual([2, 3]);
    expect(ones(2, { dtype: 'int32' }).tolist()).toEqual([1, 1]);
    expect(full([2], 7).dtype).toBe('int64');
  });

  it('rejects negative sizes naming the op', () => {
    expect(() => zeros(2, -1)).toThrow(/zeros: sizes must be non-negative integers, got \[2,-1\]/);
  });
});

describe('arange/linspace/eye', () => {
  it('matches PyTorch', () => {
    expect(arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 2, 0.25).tolist()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});
