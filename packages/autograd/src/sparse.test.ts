import { assertClose } from '@torchlet/tensor/testing';
import { describe, expect, it } from 'vitest';
import { seededInputs } from '../test/inputs.js';
import * as A from './index.js';

const long = (data: A.NestedArray) => A.tensor(data, { dtype: 'int64' });
const double = (data: A.NestedArray) => A.tensor(data, { dtype: 'float64' });

/** Two entries at row 2 and one at row 0 of a [3, 2] tensor. */
function example(): A.SparseTensor {
  return new A.SparseTensor(long([[2, 0, 2]]), double([[1, 2], [3, 4], [5, 6]]), [3, 2]);
}

describe('SparseTensor', () => {
  it('is the dense tensor it describes, duplicates summed', () => {
    const s = example();
    expect(s).toBeInstanceOf(A.Tensor);
    expect(s.isSparse).toBe(true);
    expect(s.nnz).toBe(3);
    expect(s.sparseDim).toBe(1);
    assertClose(s, double([[3, 4], [0, 0], [6, 8]]));
    assertClose(s.mul(2), double([[6, 8], [0, 0], [12, 16]]));
  });

  it('coalesces into sorted unique indices with summed values', () => {
    const s = example();
    expect(s.isCoalesced()).toBe(false);
    const c = s.coalesce();
    expect(c.indices.tolist()).toEqual([[0, 2]]);
    expect(c.values.tolist()).toEqual([[3, 4], [6, 8]]);
    expect(c.isCoalesced()).toBe(true);
    expect(c.coalesce()).toBe(c);
  });

  it('coalesces indices over several sparse dims in row-major order', () => {
    const s = new A.SparseTensor(long([[1, 0, 1], [0, 1, 0]]), double([7, 8, 9]), [2, 2]);
    const c = s.coalesce();
    expect(c.indices.tolist()).toEqual([[0, 1], [1, 0]]);
    expect(c.values.tolist()).toEqual([8, 16]);
  });

  it('converts to a plain dense copy with toDense', () => {
    const s = example();
    const dense = s.toDense();
    expect(dense.isSparse).toBe(false);
    expect(dense).not.toBeInstanceOf(A.SparseTensor);
    dense.zero_();
    assertClose(s, double([[3, 4], [0, 0], [6, 8]]));
  });

  it('concatenates entries with addSparse and with add of two sparse tensors', () => {
    const other = new A.SparseTensor(long([[1]]), double([[1, 1]]), [3, 2]);
    for (const sum of [example().addSparse(other), example().add(other) as A.SparseTensor]) {
      expect(sum).toBeInstanceOf(A.SparseTensor);
      expect(sum.indices.tolist()).toEqual([[2, 0, 2, 1]]);
      assertClose(sum, double([[3, 4], [1, 1], [6, 8]]));
    }
  });

  it('adds densely with a dense tensor on either side', () => {
    const dense = A.ones(3, 2, { dtype: 'float64' });
    for (const sum of [dense.add(example()), example().add(dense)]) {
      expect(sum.isSparse).toBe(false);
      assertClose(sum, double([[4, 5], [1, 1], [7, 9]]));
    }
  });

  it('re-derives its entries from the dense values after an in-place change', () => {
    const s = example();
    s.mul_(2);
    expect(s.indices.tolist()).toEqual([[0, 2]]);
    expect(s.values.tolist()).toEqual([[6, 8], [12, 16]]);
    s.zero_();
    expect(s.nnz).toBe(0);
  });

  it('prints as PyTorch prints a sparse COO tensor', () => {
    const s = new A.SparseTensor(long([[1]]), double([[1, 2]]), [2, 2]);
    expect(s.toString()).toBe('tensor(indices=tensor([[1]]),\n       values=tensor([[1., 2.]], dtype=torch.float64),\n       size=(2, 2), nnz=1, layout=torch.sparse_coo)');
  });

  it('rejects indices out of bounds, of the wrong dtype, or values of the wrong shape', () => {
    expect(() => new A.SparseTensor(long([[3]]), double([[1, 2]]), [3, 2])).toThrow(A.IndexError);
    expect(() => new A.SparseTensor(A.tensor([[0]], { dtype: 'int32' }), double([[1, 2]]), [3, 2])).toThrow(A.DTypeError);
    expect(() => new A.SparseTensor(long([[0]]), double([[1, 2, 3]]), [3, 2])).toThrow(A.ShapeError);
  });
});

describe('sparse gradients', () => {
  it('accumulate across backward calls by concatenating entries; the dense value is the sum', () => {
    const w = seededInputs(1).randn(5, 2);
    A.embedding(long([1, 3]), w, { sparse: true }).sum().backward();
    A.embedding(long([3, 4]), w, { sparse: true }).mul(2).sum().backward();
    const gradient = w.grad as A.SparseTensor;
    expect(gradient).toBeInstanceOf(A.SparseTensor);
    expect(gradient.indices.tolist()).toEqual([[1, 3, 3, 4]]);
    assertClose(gradient, double([[0, 0], [1, 1], [0, 0], [3, 3], [2, 2]]));
    assertClose(gradient.coalesce().values, double([[1, 1], [3, 3], [2, 2]]));
  });

  it('stay sparse when two sparse lookups of one weight meet in backward', () => {
    const w = seededInputs(2).randn(4, 2);
    A.embedding(long([0]), w, { sparse: true }).add(A.embedding(long([2]), w, { sparse: true })).sum().backward();
    expect(w.grad).toBeInstanceOf(A.SparseTensor);
    assertClose(w.grad!, double([[1, 1], [0, 0], [1, 1], [0, 0]]));
  });

  it('become dense when a dense gradient meets a sparse one, in either order', () => {
    const w = seededInputs(3).randn(3, 2);
    A.embedding(long([0]), w, { sparse: true }).sum().backward();
    w.sum().backward();
    expect(w.grad!.isSparse).toBe(false);
    assertClose(w.grad!, double([[2, 2], [1, 1], [1, 1]]));
    A.embedding(long([1]), w, { sparse: true }).sum().backward();
    expect(w.grad!.isSparse).toBe(false);
    assertClose(w.grad!, double([[2, 2], [2, 2], [1, 1]]));
  });

  it('keeps its own copy of the gradient', () => {
    const w = seededInputs(4).randn(3, 2);
    let seen: A.Tensor | null = null;
    w.registerHook((g) => void (seen = g));
    A.embedding(long([0]), w, { sparse: true }).sum().backward();
    expect(seen).toBeInstanceOf(A.SparseTensor);
    expect(w.grad).not.toBe(seen);
  });
});
