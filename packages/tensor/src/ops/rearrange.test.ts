import { describe, expect, it } from 'vitest';
import { IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { Tensor } from '../tensor.js';
import { arange, ones, tensor, zeros } from './creation.js';
import { flip, repeat, roll, tile, tril, triu } from './rearrange.js';

/** An int64 tensor of `shape` holding 0, 1, 2, ... */
function counting(...shape: number[]): Tensor {
  const x = arange(shape.reduce((a, b) => a * b, 1));
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return new Tensor(x.storage, shape, strides, 0, 'int64');
}

/** The transpose of a matrix as a non-contiguous view. */
function transposed(x: Tensor): Tensor {
  return new Tensor(x.storage, [x.shape[1]!, x.shape[0]!], [x.strides[1]!, x.strides[0]!], x.offset, x.dtype);
}

describe('flip', () => {
  it('reverses the listed dims (PyTorch: flip(arange(24).reshape(2,3,4), [0,2]))', () => {
    expect(flip(counting(2, 3, 4), [0, 2]).tolist()).toEqual([
      [[15, 14, 13, 12], [19, 18, 17, 16], [23, 22, 21, 20]],
      [[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]],
    ]);
  });

  it('takes one dim, negative dims, and no dims', () => {
    expect(flip(counting(2, 3), -1).tolist()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(flip(counting(2, 3), []).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('is its own inverse', () => {
    const x = counting(3, 2, 2);
    expect(flip(flip(x, [0, 1]), [1, 0]).tolist()).toEqual(x.tolist());
  });

  it('returns a copy that does not share storage', () => {
    const x = counting(2, 2);
    const out = flip(x, []);
    expect(out.storage).not.toBe(x.storage);
  });

  it('reads a non-contiguous input', () => {
    expect(flip(transposed(counting(2, 3)), 0).tolist()).toEqual([[2, 5], [1, 4], [0, 3]]);
  });

  it('copies a 0-d tensor', () => {
    expect(flip(tensor(3), [0]).tolist()).toBe(3);
  });

  it('rejects a repeated dim', () => {
    expect(() => flip(counting(2, 3), [0, -2])).toThrow(InvalidArgumentError);
    expect(() => flip(counting(2, 3), [0, -2])).toThrow('flip: dim [0,-2] repeats a dimension');
  });

  it('rejects a dim out of range', () => {
    expect(() => flip(counting(2, 3), 2)).toThrow(IndexError);
  });
});

describe('roll', () => {
  it('rolls the flattened tensor without dims, keeping the shape', () => {
    expect(roll(counting(2, 3), 1).tolist()).toEqual([[5, 0, 1], [2, 3, 4]]);
    expect(roll(counting(2, 3), -7).tolist()).toEqual([[1, 2, 3], [4, 5, 0]]);
  });

  it('rolls a 3-D tensor flattened (PyTorch: roll(arange(24).reshape(2,3,4), 5))', () => {
    expect(roll(counting(2, 3, 4), 5).tolist()).toEqual([
      [[19, 20, 21, 22], [23, 0, 1, 2], [3, 4, 5, 6]],
      [[7, 8, 9, 10], [11, 12, 13, 14], [15, 16, 17, 18]],
    ]);
  });

  it('rolls along several dims (PyTorch: roll(x, (1, -2), (1, 2)))', () => {
    expect(roll(counting(2, 3, 4), [1, -2], [1, 2]).tolist()).toEqual([
      [[10, 11, 8, 9], [2, 3, 0, 1], [6, 7, 4, 5]],
      [[22, 23, 20, 21], [14, 15, 12, 13], [18, 19, 16, 17]],
    ]);
  });

  it('adds the shifts of a repeated dim', () => {
    expect(roll(counting(2, 3), [1, 1], [0, 0]).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(roll(counting(2, 3), [1, 1], [1, -1]).tolist()).toEqual([[1, 2, 0], [4, 5, 3]]);
  });

  it('reads a non-contiguous input', () => {
    // transposed(counting(2, 3)) is [[0, 3], [1, 4], [2, 5]].
    expect(roll(transposed(counting(2, 3)), 1, 0).tolist()).toEqual([[2, 5], [0, 3], [1, 4]]);
    expect(roll(transposed(counting(2, 3)), 1).tolist()).toEqual([[5, 0], [3, 1], [4, 2]]);
  });

  it('is inverted by the opposite shift', () => {
    const x = counting(3, 4);
    expect(roll(roll(x, [2, 3], [0, 1]), [-2, -3], [0, 1]).tolist()).toEqual(x.tolist());
  });

  it('handles 0-d and empty tensors', () => {
    expect(roll(tensor(3), 1).tolist()).toBe(3);
    expect(roll(zeros(0, 3), 1, 0).shape).toEqual([0, 3]);
    expect(roll(zeros(0, 3), 1).shape).toEqual([0, 3]);
  });

  it('rejects shifts and dims of different lengths', () => {
    expect(() => roll(counting(2, 3), [1, 2], 1)).toThrow(InvalidArgumentError);
    expect(() => roll(counting(2, 3), [1, 2], 1)).toThrow('roll: shifts and dims must align: got 2 shifts and 1 dims');
    expect(() => roll(counting(2, 3), [1, 2])).toThrow(
      'roll: shifts and dims must align: got 2 shifts and no dims (only one shift may roll the flattened tensor)',
    );
  });

  it('rejects empty or fractional shifts', () => {
    expect(() => roll(counting(2, 3), [], [])).toThrow('roll: shifts must not be empty');
    expect(() => roll(counting(2, 3), 1.5)).toThrow(InvalidArgumentError);
    expect(() => roll(counting(2, 3), 1.5)).toThrow('roll: shifts must be integers, got [1.5]');
  });

  it('rejects dims on a 0-d tensor and dims out of range', () => {
    expect(() => roll(tensor(3), 1, 0)).toThrow(IndexError);
    expect(() => roll(tensor(3), 1, 0)).toThrow('roll: dim 0 is out of range for a 0-d tensor');
    expect(() => roll(counting(2, 3), 1, 2)).toThrow(/^roll: dim 2 is out of range/);
  });
});

describe('repeat', () => {
  it('repeats along each dim, adding leading dims', () => {
    expect(repeat(tensor([0, 1, 2]), 2, 2).tolist()).toEqual([[0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 2]]);
    expect(repeat(counting(2, 3, 4), [1, 2, 1, 2]).shape).toEqual([1, 4, 3, 8]);
  });

  it('reads a non-contiguous input (PyTorch: x[:, :, :2].repeat(2, 1, 1, 2))', () => {
    const x = counting(2, 3, 4);
    const narrowed = new Tensor(x.storage, [2, 3, 2], [12, 4, 1], 0, 'int64');
    const rows = [[[0, 1, 0, 1], [4, 5, 4, 5], [8, 9, 8, 9]], [[12, 13, 12, 13], [16, 17, 16, 17], [20, 21, 20, 21]]];
    expect(repeat(narrowed, 2, 1, 1, 2).tolist()).toEqual([rows, rows]);
    expect(repeat(transposed(counting(2, 3)), 1, 2).tolist()).toEqual([[0, 3, 0, 3], [1, 4, 1, 4], [2, 5, 2, 5]]);
  });

  it('gives an empty tensor for a zero repeat', () => {
    expect(repeat(counting(2, 3), 0, 2).shape).toEqual([0, 6]);
  });

  it('repeats a 0-d tensor into a vector, and copies it with no sizes', () => {
    expect(repeat(tensor(3), 2).tolist()).toEqual([3, 3]);
    expect(repeat(tensor(3)).tolist()).toBe(3);
  });

  it('keeps the dtype', () => {
    expect(repeat(tensor([true, false]), 2).tolist()).toEqual([true, false, true, false]);
  });

  it('rejects fewer sizes than dims', () => {
    expect(() => repeat(counting(2, 3), 2)).toThrow(ShapeError);
    expect(() => repeat(counting(2, 3), 2)).toThrow('repeat: got 1 repeat sizes [2] for a tensor of shape [2,3]; need at least 2');
  });

  it('rejects negative sizes', () => {
    expect(() => repeat(counting(2, 3), 2, -1)).toThrow(ShapeError);
    expect(() => repeat(counting(2, 3), 2, -1)).toThrow('repeat: sizes must be non-negative integers, got [2,-1]');
  });
});

describe('tile', () => {
  it('pads short dims with leading 1s', () => {
    expect(tile(counting(2, 3), [2]).tolist()).toEqual([[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    expect(tile(counting(2, 3), 2).tolist()).toEqual([[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    expect(tile(counting(2, 3), []).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('adds leading dims like repeat when given more dims', () => {
    expect(tile(tensor([1, 2]), [2, 1]).tolist()).toEqual([[1, 2], [1, 2]]);
  });

  it('rejects negative sizes', () => {
    expect(() => tile(arange(3), [2, -1])).toThrow(ShapeError);
    expect(() => tile(arange(3), [2, -1])).toThrow('tile: sizes must be non-negative integers, got [2,-1]');
  });
});

describe('tril', () => {
  it('keeps the lower triangle below a diagonal', () => {
    expect(tril(ones(3, 3), -1).tolist()).toEqual([[0, 0, 0], [1, 0, 0], [1, 1, 0]]);
    expect(tril(counting(3, 4)).tolist()).toEqual([[0, 0, 0, 0], [4, 5, 0, 0], [8, 9, 10, 0]]);
  });

  it('works on each matrix of a batch (PyTorch: arange(12).reshape(2,2,3).tril(1))', () => {
    expect(tril(counting(2, 2, 3), 1).tolist()).toEqual([[[0, 1, 0], [3, 4, 5]], [[6, 7, 0], [9, 10, 11]]]);
  });

  it('keeps everything or nothing for far diagonals', () => {
    expect(tril(counting(3, 4), 5).tolist()).toEqual(counting(3, 4).tolist());
    expect(tril(counting(3, 4), -3).tolist()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  });

  it('reads a non-contiguous input and keeps bool dtype', () => {
    expect(tril(transposed(counting(2, 3))).tolist()).toEqual([[0, 0], [1, 4], [2, 5]]);
    expect(tril(ones([2, 3], { dtype: 'bool' })).tolist()).toEqual([[true, false, false], [true, true, false]]);
  });

  it('adds up with triu to the input when the diagonals do not overlap', () => {
    const x = counting(4, 3);
    const lower = tril(x, 0).tolist() as number[][];
    const upper = triu(x, 1).tolist() as number[][];
    expect(lower.map((row, i) => row.map((v, j) => v + upper[i]![j]!))).toEqual(x.tolist());
  });

  it('rejects inputs with fewer than 2 dims', () => {
    expect(() => tril(ones(3))).toThrow(ShapeError);
    expect(() => tril(ones(3))).toThrow('tril: input must have at least 2 dims, got shape [3]');
  });

  it('rejects a fractional diagonal', () => {
    expect(() => tril(ones(2, 2), 0.5)).toThrow(InvalidArgumentError);
    expect(() => tril(ones(2, 2), 0.5)).toThrow('tril: diagonal must be an integer, got 0.5');
  });
});

describe('triu', () => {
  it('keeps the upper triangle above a diagonal', () => {
    expect(triu(ones(2, 4), 1).tolist()).toEqual([[0, 1, 1, 1], [0, 0, 1, 1]]);
    expect(triu(counting(3, 4), 2).tolist()).toEqual([[0, 0, 2, 3], [0, 0, 0, 7], [0, 0, 0, 0]]);
  });

  it('works on each matrix of a batch (PyTorch: arange(12).reshape(2,2,3).triu(-1))', () => {
    expect(triu(counting(2, 2, 3), -1).tolist()).toEqual([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]);
  });

  it('handles empty matrices', () => {
    expect(triu(zeros(2, 0, 3)).shape).toEqual([2, 0, 3]);
  });

  it('rejects inputs with fewer than 2 dims', () => {
    expect(() => triu(tensor(1))).toThrow(ShapeError);
    expect(() => triu(tensor(1))).toThrow('triu: input must have at least 2 dims, got shape []');
  });

  it('rejects a fractional diagonal', () => {
    expect(() => triu(ones(2, 2), 1.5)).toThrow('triu: diagonal must be an integer, got 1.5');
  });
});
