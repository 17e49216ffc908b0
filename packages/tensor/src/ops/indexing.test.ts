import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { DTypeError, IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { Tensor } from '../tensor.js';
import { assertClose, fromRecord } from '../testing.js';
import { arange, ones, tensor, zeros } from './creation.js';
import {
  gather,
  indexAdd,
  indexAdd_,
  indexSelect,
  maskedFill,
  maskedFill_,
  maskedSelect,
  nonzero,
  oneHot,
  scatter,
  scatter_,
  scatterAdd,
  scatterAdd_,
} from './indexing.js';

/** A [rows, columns] float32 matrix holding 0, 1, 2, ... */
function counting(rows: number, columns: number): Tensor {
  return Tensor.fromData(Float32Array.from({ length: rows * columns }, (_, i) => i), [rows, columns], 'float32');
}

/** The transpose of `x` as a non-contiguous view. */
function transposed(x: Tensor): Tensor {
  return new Tensor(x.storage, [x.shape[1]!, x.shape[0]!], [x.strides[1]!, x.strides[0]!], x.offset, x.dtype);
}

describe('indexSelect', () => {
  it('matches PyTorch for torch.index_select(a, 0, idx)', () => {
    const fixture = opCase('torch.index_select(a, 0, idx)');
    const out = indexSelect(fromRecord(fixture.inputs.a!), 0, fromRecord(fixture.inputs.idx!));
    assertClose(out, fixture.output, { rtol: 1e-5, atol: 1e-6 });
  });

  it('selects along the last dim with int32 indices, repeating as asked', () => {
    const out = indexSelect(counting(2, 3), -1, tensor([2, 0, 2], { dtype: 'int32' }));
    expect(out.tolist()).toEqual([[2, 0, 2], [5, 3, 5]]);
  });

  it('keeps the dim with size 1 for a 0-d index', () => {
    expect(indexSelect(counting(2, 3), 1, tensor(2)).tolist()).toEqual([[2], [5]]);
  });

  it('reads a non-contiguous input', () => {
    expect(indexSelect(transposed(counting(2, 3)), 0, tensor([1])).tolist()).toEqual([[1, 4]]);
  });

  it('selects from a 0-d input with one index', () => {
    const out = indexSelect(tensor(5), 0, tensor([0]));
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(5);
  });

  it('gives an empty result for an empty index', () => {
    expect(indexSelect(counting(2, 3), 1, zeros([0], { dtype: 'int64' })).shape).toEqual([2, 0]);
  });

  it('rejects a float index', () => {
    expect(() => indexSelect(counting(2, 3), 1, tensor([1.5]))).toThrow(DTypeError);
    expect(() => indexSelect(counting(2, 3), 1, tensor([1.5]))).toThrow('indexSelect: index must be an int32 or int64 tensor, got float32');
  });

  it('rejects a 2-D index', () => {
    expect(() => indexSelect(counting(2, 3), 1, tensor([[1]]))).toThrow(ShapeError);
    expect(() => indexSelect(counting(2, 3), 1, tensor([[1]]))).toThrow('indexSelect: index must be 0-d or 1-D, got shape [1,1]');
  });

  it('rejects indices out of bounds, negative ones included', () => {
    expect(() => indexSelect(counting(2, 3), 1, tensor([3]))).toThrow(IndexError);
    expect(() => indexSelect(counting(2, 3), 1, tensor([3]))).toThrow('indexSelect: index 3 is out of bounds for dim 1 with size 3');
    expect(() => indexSelect(counting(2, 3), 1, tensor([-1]))).toThrow('indexSelect: index -1 is out of bounds for dim 1 with size 3');
  });

  it('rejects more than one index into a 0-d input', () => {
    expect(() => indexSelect(tensor(5), 0, tensor([0, 0]))).toThrow(ShapeError);
    expect(() => indexSelect(tensor(5), 0, tensor([0, 0]))).toThrow('indexSelect: index of a 0-d tensor must have exactly 1 value, got 2');
  });

  it('rejects a dim out of range', () => {
    expect(() => indexSelect(counting(2, 3), 2, tensor([0]))).toThrow(IndexError);
  });
});

describe('gather', () => {
  it('matches PyTorch for torch.gather(a, 1, idx)', () => {
    const fixture = opCase('torch.gather(a, 1, idx)');
    const out = gather(fromRecord(fixture.inputs.a!), 1, fromRecord(fixture.inputs.idx!));
    assertClose(out, fixture.output, { rtol: 1e-5, atol: 1e-6 });
  });

  it('gathers along dim 0 with an index smaller than the input', () => {
    // out[i][j] = x[index[i][j]][j]
    expect(gather(counting(3, 3), 0, tensor([[2, 0], [1, 1]])).tolist()).toEqual([[6, 1], [3, 4]]);
  });

  it('takes index sizes larger than the input along dim', () => {
    expect(gather(counting(2, 3), 1, tensor([[1, 1, 1, 1]], { dtype: 'int32' })).tolist()).toEqual([[1, 1, 1, 1]]);
  });

  it('reads a non-contiguous input', () => {
    // transposed(counting(2, 3)) is [[0, 3], [1, 4], [2, 5]].
    expect(gather(transposed(counting(2, 3)), 1, tensor([[1], [0], [1]])).tolist()).toEqual([[3], [1], [5]]);
  });

  it('treats 0-d tensors as shape [1]', () => {
    expect(gather(tensor(5), 0, tensor(0)).tolist()).toBe(5);
    expect(gather(tensor(5), 0, tensor([0])).tolist()).toEqual([5]);
  });

  it('rejects a float index', () => {
    expect(() => gather(counting(2, 3), 1, tensor([[0.5]]))).toThrow(DTypeError);
    expect(() => gather(counting(2, 3), 1, tensor([[0.5]]))).toThrow('gather: index must be an int32 or int64 tensor, got float32');
  });

  it('rejects an index of another rank', () => {
    expect(() => gather(tensor([1, 2, 3, 4]), 0, tensor([[2, 3], [0, 1]]))).toThrow(ShapeError);
    expect(() => gather(tensor([1, 2, 3, 4]), 0, tensor([[2, 3], [0, 1]]))).toThrow('gather: index [2,2] has 2 dims but input [4] has 1');
  });

  it('rejects an index larger than the input outside dim', () => {
    expect(() => gather(counting(2, 3), 1, tensor([[1], [2], [0]]))).toThrow(ShapeError);
    expect(() => gather(counting(2, 3), 1, tensor([[1], [2], [0]]))).toThrow(
      'gather: index [3,1] must be no larger than input [2,3] apart from dim 1 (dim 0 has 3 > 2)',
    );
  });

  it('rejects indices out of bounds', () => {
    expect(() => gather(counting(3, 4), 1, tensor([[5]]))).toThrow(IndexError);
    expect(() => gather(counting(3, 4), 1, tensor([[5]]))).toThrow('gather: index 5 is out of bounds for dim 1 with size 4');
    expect(() => gather(counting(3, 4), 1, tensor([[-1]]))).toThrow('gather: index -1 is out of bounds for dim 1 with size 4');
  });
});

describe('scatter', () => {
  it('writes src at the indexed positions of a copy, last write winning', () => {
    const x = zeros(2, 3);
    // PyTorch: torch.zeros(2,3).scatter(1, tensor([[0,1,2,0]]), arange(8.).reshape(2,4)) -> [[3,1,2],[0,0,0]]
    const out = scatter(x, 1, tensor([[0, 1, 2, 0]]), counting(2, 4));
    expect(out.tolist()).toEqual([[3, 1, 2], [0, 0, 0]]);
    expect(x.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('is inverted by gather where the index is a permutation', () => {
    const index = tensor([[2, 0, 1], [1, 2, 0]]);
    const src = counting(2, 3);
    expect(gather(scatter(zeros(2, 3), 1, index, src), 1, index).tolist()).toEqual(src.tolist());
  });

  it('writes a number, converted to the input dtype', () => {
    expect(scatter(zeros(2, 3), 1, tensor([[2], [0]]), 7).tolist()).toEqual([[0, 0, 7], [7, 0, 0]]);
    expect(scatter(zeros([2], { dtype: 'int64' }), 0, tensor([1]), 2.7).tolist()).toEqual([0, 2]);
  });

  it('adds and multiplies with reduce', () => {
    expect(scatter(zeros(2, 3), 1, tensor([[0, 1]]), 2.5, { reduce: 'add' }).tolist()).toEqual([[2.5, 2.5, 0], [0, 0, 0]]);
    expect(scatter(ones(2, 3), 1, tensor([[0, 0]]), 2.5, { reduce: 'multiply' }).tolist()).toEqual([[6.25, 1, 1], [1, 1, 1]]);
    expect(scatter(ones(2, 3), 1, tensor([[0, 1]]), ones(1, 2), { reduce: 'add' }).tolist()).toEqual([[2, 2, 1], [1, 1, 1]]);
  });

  it('converts the value before reducing on integer tensors', () => {
    // PyTorch: tensor([1, 2], int32).scatter(0, tensor([0, 0]), 2.5, reduce='multiply') -> [4, 2]
    const x = tensor([1, 2], { dtype: 'int32' });
    expect(scatter(x, 0, tensor([0, 0]), 2.5, { reduce: 'multiply' }).tolist()).toEqual([4, 2]);
  });

  it('reduces bool tensors logically', () => {
    expect(scatter(tensor([true, false]), 0, tensor([0, 0, 1]), true, { reduce: 'add' }).tolist()).toEqual([true, true]);
    expect(scatter(tensor([true, true]), 0, tensor([0]), false, { reduce: 'multiply' }).tolist()).toEqual([false, true]);
  });

  it('reads a non-contiguous src', () => {
    // transposed(counting(2, 3)) is [[0, 3], [1, 4], [2, 5]]; index reads its top-left [2, 2] corner.
    expect(scatter(zeros(2, 2), 0, tensor([[1, 0], [0, 1]]), transposed(counting(2, 3))).tolist()).toEqual([[1, 3], [0, 4]]);
  });

  it('rejects a float index', () => {
    expect(() => scatter(zeros(2, 3), 1, tensor([[0.5]]), 1)).toThrow(DTypeError);
    expect(() => scatter(zeros(2, 3), 1, tensor([[0.5]]), 1)).toThrow('scatter: index must be an int32 or int64 tensor, got float32');
  });

  it('rejects an unknown reduce', () => {
    const options = { reduce: 'max' } as unknown as { reduce: 'add' };
    expect(() => scatter(zeros(2, 3), 1, tensor([[0]]), 1, options)).toThrow(InvalidArgumentError);
    expect(() => scatter(zeros(2, 3), 1, tensor([[0]]), 1, options)).toThrow(`scatter: reduce must be 'add' or 'multiply', got "max"`);
  });

  it('rejects an index or src of another rank', () => {
    expect(() => scatter(ones(2, 3), 1, tensor([0, 1]), 2.5)).toThrow(ShapeError);
    expect(() => scatter(ones(2, 3), 1, tensor([0, 1]), 2.5)).toThrow('scatter: index [2] has 1 dims but input [2,3] has 2');
    expect(() => scatter(ones(2, 3), 1, tensor([[0, 1]]), ones(2))).toThrow('scatter: index [1,2] has 2 dims but src [2] has 1');
  });

  it('rejects a src of another dtype', () => {
    expect(() => scatter(zeros(2, 3), 1, tensor([[0, 1]]), tensor([[1, 2]]))).toThrow(DTypeError);
    expect(() => scatter(zeros(2, 3), 1, tensor([[0, 1]]), tensor([[1, 2]]))).toThrow('scatter: src dtype int64 must equal input dtype float32');
  });

  it('rejects an index larger than the input or src', () => {
    expect(() => scatter(zeros(2, 3), 1, tensor([[0, 1, 2, 0]]), counting(1, 3))).toThrow(ShapeError);
    expect(() => scatter(zeros(2, 3), 1, tensor([[0, 1, 2, 0]]), counting(1, 3))).toThrow(
      'scatter: index [1,4] must be no larger than input [2,3] apart from dim 1 and no larger than src [1,3] (dim 1)',
    );
    expect(() => scatter(zeros(2, 3), 1, tensor([[0], [0], [0]]), 1)).toThrow('scatter: index [3,1] must be no larger than input [2,3] apart from dim 1 (dim 0)');
  });

  it('rejects indices out of bounds', () => {
    expect(() => scatter(ones(2, 3), 1, tensor([[0, 3]]), 2.5)).toThrow(IndexError);
    expect(() => scatter(ones(2, 3), 1, tensor([[0, 3]]), 2.5)).toThrow('scatter: index 3 is out of bounds for dim 1 with size 3');
  });
});

describe('scatter_', () => {
  it('writes into the input through its strides and bumps its version', () => {
    const base = zeros(3, 2);
    const x = transposed(base); // [2, 3] view
    const version = x.version;
    const out = scatter_(x, 1, tensor([[2], [0]]), 7);
    expect(out).toBe(x);
    expect(x.tolist()).toEqual([[0, 0, 7], [7, 0, 0]]);
    expect(base.tolist()).toEqual([[0, 7], [0, 0], [7, 0]]);
    expect(x.version).toBe(version + 1);
  });

  it('leaves the input untouched when an index is out of bounds', () => {
    const x = zeros(3);
    expect(() => scatter_(x, 0, tensor([0, 3]), 1)).toThrow('scatter_: index 3 is out of bounds for dim 0 with size 3');
    expect(x.tolist()).toEqual([0, 0, 0]);
    expect(x.version).toBe(0);
  });
});

describe('scatterAdd', () => {
  it('accumulates over repeated positions', () => {
    // PyTorch: ones(2,3).scatter_add(1, tensor([[0,0]]), ones(1,2)) -> [[3,1,1],[1,1,1]]
    expect(scatterAdd(ones(2, 3), 1, tensor([[0, 0]]), ones(1, 2)).tolist()).toEqual([[3, 1, 1], [1, 1, 1]]);
  });

  it('sums src into bins, like a histogram', () => {
    const bins = tensor([0, 2, 2, 1, 2]);
    const weights = tensor([1, 2, 3, 4, 5], { dtype: 'float32' });
    expect(scatterAdd(zeros(3), 0, bins, weights).tolist()).toEqual([1, 4, 10]);
  });

  it('rejects a src smaller than the index', () => {
    expect(() => scatterAdd(ones(2, 3), 1, tensor([[0, 0]]), ones(1, 1))).toThrow(ShapeError);
    expect(() => scatterAdd(ones(2, 3), 1, tensor([[0, 0]]), ones(1, 1))).toThrow(
      'scatterAdd: index [1,2] must be no larger than input [2,3] apart from dim 1 and no larger than src [1,1] (dim 1)',
    );
  });
});

describe('scatterAdd_', () => {
  it('accumulates in place and bumps the version', () => {
    const x = zeros(3);
    scatterAdd_(x, 0, tensor([2, 2]), tensor([1.5, 2], { dtype: 'float32' }));
    expect(x.tolist()).toEqual([0, 0, 3.5]);
    expect(x.version).toBe(1);
  });

  it('rejects indices out of bounds naming itself', () => {
    expect(() => scatterAdd_(zeros(3), 0, tensor([3]), ones(1))).toThrow('scatterAdd_: index 3 is out of bounds for dim 0 with size 3');
  });
});

describe('indexAdd', () => {
  it('adds alpha * source rows at the indexed rows, accumulating repeats', () => {
    // PyTorch: ones(2,3).index_add(0, tensor([1,1]), ones(2,3), alpha=2) -> [[1,1,1],[5,5,5]]
    const out = indexAdd(ones(2, 3), 0, tensor([1, 1]), ones(2, 3), { alpha: 2 });
    expect(out.tolist()).toEqual([[1, 1, 1], [5, 5, 5]]);
  });

  it('adds columns along dim 1 from a non-contiguous source', () => {
    // transposed(counting(2, 3)) is [[0, 3], [1, 4], [2, 5]]: column j goes to column index[j].
    const out = indexAdd(zeros(3, 4), 1, tensor([3, 0], { dtype: 'int32' }), transposed(counting(2, 3)));
    expect(out.tolist()).toEqual([[3, 0, 0, 0], [4, 0, 0, 1], [5, 0, 0, 2]]);
  });

  it('takes a 0-d index with 0-d source on a vector', () => {
    expect(indexAdd(ones(3), 0, tensor(1), tensor(5, { dtype: 'float32' })).tolist()).toEqual([1, 6, 1]);
  });

  it('converts alpha to an integer dtype as PyTorch does', () => {
    const x = ones([2], { dtype: 'int64' });
    expect(indexAdd(x, 0, tensor([0]), tensor([3]), { alpha: 0.5 }).tolist()).toEqual([1, 1]);
  });

  it('rejects a float index', () => {
    expect(() => indexAdd(ones(3), 0, tensor([0.5]), ones(1))).toThrow(DTypeError);
    expect(() => indexAdd(ones(3), 0, tensor([0.5]), ones(1))).toThrow('indexAdd: index must be an int32 or int64 tensor, got float32');
  });

  it('rejects a 2-D index', () => {
    expect(() => indexAdd(ones(3), 0, tensor([[1]]), ones(1))).toThrow(ShapeError);
    expect(() => indexAdd(ones(3), 0, tensor([[1]]), ones(1))).toThrow('indexAdd: index must be 0-d or 1-D, got shape [1,1]');
  });

  it('rejects a source of another dtype', () => {
    expect(() => indexAdd(ones(3), 0, tensor([1]), ones([1], { dtype: 'float64' }))).toThrow(DTypeError);
    expect(() => indexAdd(ones(3), 0, tensor([1]), ones([1], { dtype: 'float64' }))).toThrow('indexAdd: source dtype float64 must equal input dtype float32');
  });

  it('rejects a source whose size along dim differs from the index count', () => {
    expect(() => indexAdd(ones(2, 3), 0, tensor([1, 1]), ones(3, 3))).toThrow(ShapeError);
    expect(() => indexAdd(ones(2, 3), 0, tensor([1, 1]), ones(3, 3))).toThrow('indexAdd: index has 2 entries but source [3,3] has size 3 in dim 0');
  });

  it('rejects a source whose other dims differ from the input', () => {
    expect(() => indexAdd(ones(2, 3), 0, tensor([1, 1]), ones(2, 4))).toThrow(ShapeError);
    expect(() => indexAdd(ones(2, 3), 0, tensor([1, 1]), ones(2, 4))).toThrow('indexAdd: source [2,4] must match input [2,3] in every dim but dim 0');
  });

  it('rejects indices out of bounds', () => {
    expect(() => indexAdd(ones(2, 3), 0, tensor([1, 2]), ones(2, 3))).toThrow(IndexError);
    expect(() => indexAdd(ones(2, 3), 0, tensor([1, 2]), ones(2, 3))).toThrow('indexAdd: index 2 is out of bounds for dim 0 with size 2');
  });
});

describe('indexAdd_', () => {
  it('accumulates in place through strides and bumps the version', () => {
    const base = zeros(3, 2);
    const x = transposed(base); // [2, 3]
    indexAdd_(x, 1, tensor([2, 2]), ones(2, 2));
    expect(x.tolist()).toEqual([[0, 0, 2], [0, 0, 2]]);
    expect(base.tolist()).toEqual([[0, 0], [0, 0], [2, 2]]);
    expect(x.version).toBe(1);
  });

  it('keeps bool results 0 or 1', () => {
    const x = tensor([true, false]);
    indexAdd_(x, 0, tensor([0, 0, 1]), tensor([true, true, false]));
    expect(x.tolist()).toEqual([true, false]);
    expect(Array.from(x.storage.data)).toEqual([1, 0]);
  });
});

describe('maskedFill', () => {
  it('matches PyTorch for a.masked_fill(m, 0.0)', () => {
    const fixture = opCase('a.masked_fill(m, 0.0)');
    const out = maskedFill(fromRecord(fixture.inputs.a!), fromRecord(fixture.inputs.m!), 0);
    assertClose(out, fixture.output, { rtol: 1e-5, atol: 1e-6 });
  });

  it('broadcasts a mask row over the input without changing the input', () => {
    const x = counting(2, 3);
    expect(maskedFill(x, tensor([true, false, true]), -1).tolist()).toEqual([[-1, 1, -1], [-1, 4, -1]]);
    expect(x.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('broadcasts the input against the mask, as PyTorch does', () => {
    const out = maskedFill(ones(2, 1), tensor([true, false, true]), 5);
    expect(out.shape).toEqual([2, 3]);
    expect(out.tolist()).toEqual([[5, 1, 5], [5, 1, 5]]);
  });

  it('converts the value to the input dtype', () => {
    expect(maskedFill(ones([3], { dtype: 'int64' }), tensor([true, false, true]), -2.7).tolist()).toEqual([-2, 1, -2]);
    expect(maskedFill(zeros([2], { dtype: 'bool' }), tensor([true, false]), 2).tolist()).toEqual([true, false]);
  });

  it('takes a 0-d tensor value', () => {
    expect(maskedFill(ones(2), tensor([false, true]), tensor(5)).tolist()).toEqual([1, 5]);
  });

  it('reads a non-contiguous input', () => {
    expect(maskedFill(transposed(counting(2, 3)), tensor([[true, false], [false, false], [false, true]]), 9).tolist()).toEqual([
      [9, 3],
      [1, 4],
      [2, 9],
    ]);
  });

  it('rejects a non-bool mask', () => {
    expect(() => maskedFill(ones(3), tensor([1, 0, 1]), 5)).toThrow(DTypeError);
    expect(() => maskedFill(ones(3), tensor([1, 0, 1]), 5)).toThrow('maskedFill: mask must be a bool tensor, got int64');
  });

  it('rejects a value tensor with dims', () => {
    expect(() => maskedFill(ones(3), tensor([true, false, true]), tensor([5]))).toThrow(ShapeError);
    expect(() => maskedFill(ones(3), tensor([true, false, true]), tensor([5]))).toThrow('maskedFill: value must be a number or a 0-d tensor, got shape [1]');
  });

  it('rejects shapes that do not broadcast', () => {
    expect(() => maskedFill(ones(2, 3), tensor([true, false]), 5)).toThrow(ShapeError);
    expect(() => maskedFill(ones(2, 3), tensor([true, false]), 5)).toThrow('maskedFill: shapes [2,3] and [2] cannot be broadcast');
  });
});

describe('maskedFill_', () => {
  it('fills in place through strides and bumps the version', () => {
    const base = counting(3, 2);
    const x = transposed(base); // [[0, 2, 4], [1, 3, 5]]
    const out = maskedFill_(x, tensor([[true], [false]]), 0);
    expect(out).toBe(x);
    expect(x.tolist()).toEqual([[0, 0, 0], [1, 3, 5]]);
    expect(base.tolist()).toEqual([[0, 1], [0, 3], [0, 5]]);
    expect(x.version).toBe(1);
  });

  it('rejects a mask that only broadcasts by growing the input', () => {
    expect(() => maskedFill_(ones(2, 1), tensor([true, false, true]), 5)).toThrow(ShapeError);
    expect(() => maskedFill_(ones(2, 1), tensor([true, false, true]), 5)).toThrow('maskedFill_: mask [3] cannot be broadcast to input [2,1]');
    expect(() => maskedFill_(ones(3), tensor([[true, false, true]]), 5)).toThrow('maskedFill_: mask [1,3] cannot be broadcast to input [3]');
  });

  it('rejects a non-bool mask', () => {
    expect(() => maskedFill_(ones(3), ones(3), 5)).toThrow('maskedFill_: mask must be a bool tensor, got float32');
  });
});

describe('maskedSelect', () => {
  it('returns the selected elements in row-major order', () => {
    expect(maskedSelect(counting(2, 3), tensor([[true, false, true], [false, true, false]])).tolist()).toEqual([0, 2, 4]);
    expect(maskedSelect(transposed(counting(2, 3)), tensor([[true, true], [false, false], [false, true]])).tolist()).toEqual([0, 3, 5]);
  });

  it('broadcasts the mask and the input', () => {
    // PyTorch: arange(6).reshape(2,3).masked_select(tensor([True,False,True])) -> [0, 2, 3, 5]
    expect(maskedSelect(counting(2, 3), tensor([true, false, true])).tolist()).toEqual([0, 2, 3, 5]);
    // PyTorch: arange(3).masked_select(tensor([[True,False,True],[False,True,False]])) -> [0, 2, 1]
    expect(maskedSelect(arange(3), tensor([[true, false, true], [false, true, false]])).tolist()).toEqual([0, 2, 1]);
  });

  it('gives an empty 1-D tensor when nothing is selected', () => {
    const out = maskedSelect(counting(2, 2), tensor(false));
    expect(out.shape).toEqual([0]);
    expect(out.dtype).toBe('float32');
  });

  it('rejects a non-bool mask', () => {
    expect(() => maskedSelect(arange(3), tensor([1, 0, 1]))).toThrow(DTypeError);
    expect(() => maskedSelect(arange(3), tensor([1, 0, 1]))).toThrow('maskedSelect: mask must be a bool tensor, got int64');
  });

  it('rejects shapes that do not broadcast', () => {
    expect(() => maskedSelect(arange(3), tensor([true, false]))).toThrow('maskedSelect: shapes [3] and [2] cannot be broadcast');
  });
});

describe('nonzero', () => {
  it('lists the coordinates of non-zero elements, NaN included', () => {
    const out = nonzero(tensor([[0, 1], [Number.NaN, 0]], { dtype: 'float32' }));
    expect(out.dtype).toBe('int64');
    expect(out.tolist()).toEqual([[0, 1], [1, 0]]);
  });

  it('walks a 3-D non-contiguous input in row-major order', () => {
    expect(nonzero(transposed(tensor([[0, 1, 0], [1, 1, 0]]))).tolist()).toEqual([[0, 1], [1, 0], [1, 1]]);
    const cube = Tensor.fromData(new Float32Array([0, 1, 0, 0, 0, 0, 0, 2]), [2, 2, 2], 'float32');
    expect(nonzero(cube).tolist()).toEqual([[0, 0, 1], [1, 1, 1]]);
  });

  it('gives [n, 0] for 0-d inputs and [0, ndim] when nothing is non-zero', () => {
    expect(nonzero(tensor(3)).shape).toEqual([1, 0]);
    expect(nonzero(tensor(0)).shape).toEqual([0, 0]);
    expect(nonzero(zeros(2, 0)).shape).toEqual([0, 2]);
  });
});

describe('oneHot', () => {
  it('infers the number of classes from the largest index', () => {
    const out = oneHot(tensor([0, 2, 1]));
    expect(out.dtype).toBe('int64');
    expect(out.tolist()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  });

  it('appends a class dim of numClasses to any index shape', () => {
    expect(oneHot(tensor([[1], [0]], { dtype: 'int32' }), 3).tolist()).toEqual([[[0, 1, 0]], [[1, 0, 0]]]);
    expect(oneHot(tensor(1), 3).tolist()).toEqual([0, 1, 0]);
  });

  it('gives an empty result for empty indices with numClasses', () => {
    expect(oneHot(zeros([0], { dtype: 'int64' }), 4).shape).toEqual([0, 4]);
  });

  it('rejects float indices', () => {
    expect(() => oneHot(tensor([0.5]), 2)).toThrow(DTypeError);
    expect(() => oneHot(tensor([0.5]), 2)).toThrow('oneHot: indices must be an int32 or int64 tensor, got float32');
  });

  it('rejects a numClasses below -1', () => {
    expect(() => oneHot(tensor([1]), -2)).toThrow(InvalidArgumentError);
    expect(() => oneHot(tensor([1]), -2)).toThrow('oneHot: numClasses must be a non-negative integer or -1, got -2');
  });

  it('rejects inferring numClasses from an empty tensor', () => {
    expect(() => oneHot(zeros([0], { dtype: 'int64' }))).toThrow(InvalidArgumentError);
    expect(() => oneHot(zeros([0], { dtype: 'int64' }))).toThrow('oneHot: cannot infer numClasses from an empty tensor [0]');
  });

  it('rejects negative class values', () => {
    expect(() => oneHot(tensor([0, -2, 1]), 3)).toThrow(IndexError);
    expect(() => oneHot(tensor([0, -2, 1]), 3)).toThrow('oneHot: class values must be non-negative, got -2');
  });

  it('rejects class values not below numClasses', () => {
    expect(() => oneHot(tensor([0, 2, 1]), 2)).toThrow(IndexError);
    expect(() => oneHot(tensor([0, 2, 1]), 2)).toThrow('oneHot: class value 2 is out of bounds for numClasses 2');
  });
});
