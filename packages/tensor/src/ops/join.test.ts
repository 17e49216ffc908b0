import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { Tensor } from '../tensor.js';
import { assertClose, fromRecord } from '../testing.js';
import { arange, ones, tensor, zeros } from './creation.js';
import { cat, chunk, split, stack, unbind } from './join.js';
import { maskedFill_ } from './indexing.js';

/** A [rows, columns] float32 matrix holding 0, 1, 2, ... */
function counting(rows: number, columns: number): Tensor {
  return Tensor.fromData(Float32Array.from({ length: rows * columns }, (_, i) => i), [rows, columns], 'float32');
}

/** The transpose of `x` as a non-contiguous view. */
function transposed(x: Tensor): Tensor {
  return new Tensor(x.storage, [x.shape[1]!, x.shape[0]!], [x.strides[1]!, x.strides[0]!], x.offset, x.dtype);
}

describe('cat', () => {
  it('matches PyTorch for torch.cat([a, b], dim=1)', () => {
    const fixture = opCase('torch.cat([a, b], dim=1)');
    assertClose(cat([fromRecord(fixture.inputs.a!), fromRecord(fixture.inputs.b!)], 1), fixture.output, { rtol: 1e-5, atol: 1e-6 });
  });

  it('joins along dim 0 and a negative dim', () => {
    expect(cat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], -1).tolist()).toEqual([[1, 3, 4], [2, 5, 6]]);
  });

  it('promotes to the common dtype', () => {
    const out = cat([tensor([1, 2], { dtype: 'int32' }), tensor([0.5], { dtype: 'float64' }), tensor([true])]);
    expect(out.dtype).toBe('float64');
    expect(out.tolist()).toEqual([1, 2, 0.5, 1]);
    expect(cat([tensor([true]), tensor([3], { dtype: 'int32' })]).dtype).toBe('int32');
  });

  it('skips 1-D empty tensors whatever the other shapes, but counts their dtype', () => {
    const out = cat([zeros([0], { dtype: 'float64' }), ones([2, 3], { dtype: 'int32' }), zeros([0])], 1);
    expect(out.shape).toEqual([2, 3]);
    expect(out.dtype).toBe('float64');
  });

  it('gives an empty [0] tensor when every input is 1-D empty', () => {
    const out = cat([zeros([0]), zeros([0], { dtype: 'int32' })]);
    expect(out.shape).toEqual([0]);
    expect(out.dtype).toBe('float32');
  });

  it('keeps empty inputs of other shapes in the join', () => {
    expect(cat([zeros([2, 0]), counting(2, 2)], 1).tolist()).toEqual([[0, 1], [2, 3]]);
  });

  it('reads non-contiguous inputs in logical order', () => {
    const x = counting(2, 3);
    expect(cat([transposed(x), tensor([[9, 9]], { dtype: 'float32' })]).tolist()).toEqual([[0, 3], [1, 4], [2, 5], [9, 9]]);
  });

  it('copies long blocks as well as short ones', () => {
    const a = counting(2, 100);
    const out = cat([a, counting(2, 1)], 1);
    expect(out.shape).toEqual([2, 101]);
    expect(out.tolist()).toEqual([
      [...Array.from({ length: 100 }, (_, i) => i), 0],
      [...Array.from({ length: 100 }, (_, i) => 100 + i), 1],
    ]);
  });

  it('rejects an empty list', () => {
    expect(() => cat([])).toThrow(InvalidArgumentError);
    expect(() => cat([])).toThrow('cat: expected a non-empty list of tensors');
  });

  it('rejects 0-d tensors naming their position', () => {
    expect(() => cat([tensor([1]), tensor(2)])).toThrow(ShapeError);
    expect(() => cat([tensor([1]), tensor(2)])).toThrow('cat: zero-dimensional tensor (at position 1) cannot be concatenated');
  });

  it('rejects tensors of different ranks', () => {
    expect(() => cat([ones(2, 3), ones(3)], 1)).toThrow(ShapeError);
    expect(() => cat([ones(2, 3), ones(3)], 1)).toThrow('cat: tensors must have the same number of dimensions: got 2 and 1 (shapes [2,3] and [3] for tensor number 1 in the list)');
  });

  it('rejects sizes that differ outside the joined dim', () => {
    expect(() => cat([ones(2, 3), ones(3, 3)], 1)).toThrow(ShapeError);
    expect(() => cat([ones(2, 3), ones(3, 3)], 1)).toThrow(
      'cat: sizes of tensors must match except in dimension 1; expected size 2 but got size 3 in dimension 0 for tensor number 1 in the list (shapes [2,3] and [3,3])',
    );
  });

  it('rejects a dim out of range', () => {
    expect(() => cat([ones(2, 3)], 2)).toThrow(IndexError);
    expect(() => cat([ones(2, 3)], 2)).toThrow(/^cat: dim 2 is out of range/);
  });
});

describe('stack', () => {
  it('matches PyTorch for torch.stack([a, b], dim=0)', () => {
    const fixture = opCase('torch.stack([a, b], dim=0)');
    assertClose(stack([fromRecord(fixture.inputs.a!), fromRecord(fixture.inputs.b!)], 0), fixture.output, { rtol: 1e-5, atol: 1e-6 });
  });

  it('inserts the new dim at the end for dim = ndim and for dim = -1', () => {
    const expected = [[[1, 5], [2, 6]], [[3, 7], [4, 8]]];
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6], [7, 8]]);
    expect(stack([a, b], 2).tolist()).toEqual(expected);
    expect(stack([a, b], -1).tolist()).toEqual(expected);
    expect(stack([a, b], 1).tolist()).toEqual([[[1, 2], [5, 6]], [[3, 4], [7, 8]]]);
  });

  it('promotes to the common dtype', () => {
    const out = stack([tensor(1), tensor(2.5)]);
    expect(out.dtype).toBe('float32');
    expect(out.tolist()).toEqual([1, 2.5]);
  });

  it('inverts unbind along any dim', () => {
    const x = counting(3, 4);
    for (const dim of [0, 1]) expect(stack(unbind(x, dim), dim).tolist()).toEqual(x.tolist());
  });

  it('rejects an empty list', () => {
    expect(() => stack([])).toThrow(InvalidArgumentError);
    expect(() => stack([])).toThrow('stack: expected a non-empty list of tensors');
  });

  it('rejects tensors of unequal shapes', () => {
    expect(() => stack([ones(2, 3), ones(2, 2)])).toThrow(ShapeError);
    expect(() => stack([ones(2, 3), ones(2, 2)])).toThrow('stack: expects each tensor to be equal size, but got [2,3] at entry 0 and [2,2] at entry 1');
  });

  it('rejects a dim out of range', () => {
    expect(() => stack([ones(2, 3)], 3)).toThrow(IndexError);
    expect(() => stack([ones(2, 3)], 3)).toThrow(/^stack: dim 3 is out of range/);
  });
});

describe('split', () => {
  it('splits into pieces of a size, the last shorter', () => {
    expect(split(arange(5), 2).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('splits into the listed sizes along a dim', () => {
    const parts = split(counting(2, 5), [1, 0, 4], 1);
    expect(parts.map((t) => t.shape)).toEqual([[2, 1], [2, 0], [2, 4]]);
    expect(parts[2]!.tolist()).toEqual([[1, 2, 3, 4], [6, 7, 8, 9]]);
  });

  it('returns views that write through to the input', () => {
    const x = counting(2, 4);
    const parts = split(x, 2, 1);
    expect(parts[1]!.storage).toBe(x.storage);
    expect(parts[1]!.strides).toEqual([4, 1]);
    expect(parts[1]!.offset).toBe(2);
    maskedFill_(parts[1]!, tensor([true, false]), 99);
    expect(x.tolist()).toEqual([[0, 1, 99, 3], [4, 5, 99, 7]]);
  });

  it('is inverted by cat', () => {
    const x = counting(3, 7);
    expect(cat(split(x, 3, 1), 1).tolist()).toEqual(x.tolist());
    expect(cat(split(x, [2, 1], 0), 0).tolist()).toEqual(x.tolist());
  });

  it('gives one empty view for an empty dim, also with split size 0', () => {
    expect(split(zeros([0]), 2).map((t) => t.shape)).toEqual([[0]]);
    expect(split(zeros([0]), 0).map((t) => t.shape)).toEqual([[0]]);
  });

  it('rejects a 0-d tensor', () => {
    expect(() => split(tensor(3), 1)).toThrow(ShapeError);
    expect(() => split(tensor(3), 1)).toThrow('split: expected at least a 1-dimensional tensor, got a 0-d tensor');
  });

  it('rejects a negative or fractional split size', () => {
    expect(() => split(arange(3), -1)).toThrow(InvalidArgumentError);
    expect(() => split(arange(3), -1)).toThrow('split: splitSize must be a non-negative integer, got -1');
    expect(() => split(arange(3), 1.5)).toThrow('split: splitSize must be a non-negative integer, got 1.5');
  });

  it('rejects split size 0 on a non-empty dim', () => {
    expect(() => split(arange(3), 0)).toThrow(InvalidArgumentError);
    expect(() => split(arange(3), 0)).toThrow('split: splitSize can only be 0 if the dimension size is 0, but dim 0 of [3] has size 3');
  });

  it('rejects sizes that do not sum to the dim size', () => {
    expect(() => split(arange(3), [1, 1])).toThrow(InvalidArgumentError);
    expect(() => split(arange(3), [1, 1])).toThrow('split: split sizes must sum exactly to 3 (the size of dim 0 of [3]), but got [1,1] summing to 2');
  });

  it('rejects negative sizes in the list', () => {
    expect(() => split(arange(3), [4, -1])).toThrow(InvalidArgumentError);
    expect(() => split(arange(3), [4, -1])).toThrow('split: split sizes must be non-negative integers, got [4,-1]');
  });

  it('rejects a dim out of range', () => {
    expect(() => split(arange(3), 1, 1)).toThrow(IndexError);
  });
});

describe('chunk', () => {
  it('returns fewer chunks when the size does not divide evenly, as PyTorch does', () => {
    expect(chunk(arange(6), 4).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(chunk(arange(5), 3).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('chunks along a negative dim into views', () => {
    const x = counting(2, 4);
    const parts = chunk(x, 2, -1);
    expect(parts.map((t) => t.tolist())).toEqual([[[0, 1], [4, 5]], [[2, 3], [6, 7]]]);
    expect(parts[1]!.storage).toBe(x.storage);
  });

  it('gives `chunks` empty views for an empty dim', () => {
    expect(chunk(zeros([0]), 3).map((t) => t.shape)).toEqual([[0], [0], [0]]);
  });

  it('rejects a non-positive number of chunks', () => {
    expect(() => chunk(arange(5), 0)).toThrow(InvalidArgumentError);
    expect(() => chunk(arange(5), 0)).toThrow('chunk: chunks must be a positive integer, got 0');
  });

  it('rejects a 0-d tensor', () => {
    expect(() => chunk(tensor(5), 1)).toThrow(ShapeError);
    expect(() => chunk(tensor(5), 1)).toThrow('chunk: expected at least a 1-dimensional tensor, got a 0-d tensor');
  });
});

describe('unbind', () => {
  it('returns the slices along a dim', () => {
    expect(unbind(tensor([[0, 1, 2], [3, 4, 5]]), 1).map((t) => t.tolist())).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(unbind(tensor([1, 2])).map((t) => t.shape)).toEqual([[], []]);
  });

  it('returns views sharing storage with the input', () => {
    const x = counting(2, 3);
    const columns = unbind(x, 1);
    expect(columns[2]!.storage).toBe(x.storage);
    expect(columns[2]!.strides).toEqual([3]);
    maskedFill_(columns[2]!, tensor([true, true]), -1);
    expect(x.tolist()).toEqual([[0, 1, -1], [3, 4, -1]]);
  });

  it('rejects a 0-d tensor', () => {
    expect(() => unbind(tensor(5))).toThrow(IndexError);
    expect(() => unbind(tensor(5))).toThrow('unbind: dim 0 is out of range for a 0-d tensor');
  });

  it('rejects a dim out of range', () => {
    expect(() => unbind(ones(2, 3), -3)).toThrow(IndexError);
  });
});
