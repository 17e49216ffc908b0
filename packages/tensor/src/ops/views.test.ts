import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { contiguousStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange, zeros } from './creation.js';
import { expand, flatten, index, narrow, permute, reshape, select, slice, squeeze, t, transpose, unflatten, unsqueeze, view } from './views.js';

/** Reads element `idx` of `x` the slow way, from its strides. */
function at(x: Tensor, idx: number[]): number {
  return x.storage.data[x.offset + idx.reduce((o, v, d) => o + v * x.strides[d]!, 0)]!;
}

/** Row-major multi-indices of a shape. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < n; k++) {
    const idx: number[] = [];
    let r = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(r % shape[d]!);
      r = Math.floor(r / shape[d]!);
    }
    yield idx;
  }
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe('views against materialised copies', () => {
  it('permute/transpose read the same elements as the index formula', () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), (shape, seed) => {
        const x = arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);
        const order = [...shape.keys()].sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const p = permute(x, order);
        const copy = p.contiguous();
        for (const idx of indices(p.shape)) {
          const source = new Array<number>(shape.length);
          order.forEach((d, i) => (source[d] = idx[i]!));
          expect(at(p, idx)).toBe(at(x, source));
        }
        expect(copy.toTypedArray()).toEqual(p.toTypedArray());
        expect(copy.isContiguous()).toBe(true);
        expect(transpose(x, 0, -1).shape).toEqual([...shape.slice(-1), ...shape.slice(1, -1), ...(shape.length > 1 ? shape.slice(0, 1) : [])]);
      }),
    );
  });

  it('reshape of any view equals reshape of its contiguous copy, and view succeeds exactly when strides allow', () => {
    fc.assert(
      fc.property(shapeArb, fc.boolean(), (shape, transposed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        let x = arange(n).reshape(shape);
        if (transposed && shape.length > 1) x = transpose(x, 0, shape.length - 1);
        const flat = reshape(x, -1);
        expect(flat.tolist()).toEqual(x.contiguous().reshape(-1).tolist());
        if (x.isContiguous()) expect(view(x, -1).storage).toBe(x.storage);
      }),
    );
  });

  it('slice matches Python slicing of a list', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.option(fc.integer({ min: -10, max: 10 })), fc.option(fc.integer({ min: -10, max: 10 })), fc.integer({ min: 1, max: 3 }), (n, start, stop, step) => {
        const list = Array.from({ length: n }, (_, i) => i);
        const norm = (v: number | null, fallback: number) => (v === null ? fallback : Math.min(Math.max(v < 0 ? v + n : v, 0), n));
        const expected: number[] = [];
        for (let i = norm(start, 0); i < norm(stop, n); i += step) expected.push(list[i]!);
        expect(slice(arange(n), 0, start, stop, step).tolist()).toEqual(expected);
      }),
    );
  });
});

describe('view', () => {
  it('refuses incompatible strides with PyTorch\'s hint', () => {
    const x = transpose(arange(6).reshape(2, 3), 0, 1);
    expect(() => view(x, 6)).toThrow(ShapeError);
    expect(() => view(x, 6)).toThrow(/Use reshape\(\.\.\.\) instead/);
  });

  it('infers one -1 and rejects bad sizes', () => {
    expect(view(arange(6), 3, -1).shape).toEqual([3, 2]);
    expect(() => view(arange(6), -1, -1)).toThrow('view: only one dimension can be inferred, got [-1,-1]');
    expect(() => view(arange(6), 4, -1)).toThrow('view: shape [4,-1] is invalid for input of size 6');
  });

  it('merges dims that are contiguous with each other even inside a non-contiguous tensor', () => {
    const x = arange(24).reshape(2, 3, 4).index(':', ':', '1:3');
    const merged = view(x, 6, 2);
    expect(merged.storage).toBe(x.storage);
    expect(merged.tolist()).toEqual(x.contiguous().view(6, 2).tolist());
  });
});

describe('reshape', () => {
  it('copies only when strides forbid a view', () => {
    const x = arange(6).reshape(2, 3);
    expect(reshape(x, 3, 2).storage).toBe(x.storage);
    const y = reshape(t(x), 6);
    expect(y.storage).not.toBe(x.storage);
    expect(y.tolist()).toEqual([0, 3, 1, 4, 2, 5]);
  });
});

describe('index', () => {
  it('selects, slices, skips with ellipsis and inserts dims', () => {
    const x = arange(24).reshape(2, 3, 4);
    expect(index(x, 1, '...', 0).tolist()).toEqual([12, 16, 20]);
    expect(index(x, '...', '::3').shape).toEqual([2, 3, 2]);
    expect(index(x, null, 0).shape).toEqual([1, 3, 4]);
    expect(index(x, '-1:', '1:', ':').shape).toEqual([1, 2, 4]);
  });

  it('writes through to the base', () => {
    const x = zeros(2, 3);
    index(x, ':', 1).fill_(5);
    expect(x.tolist()).toEqual([[0, 5, 0], [0, 5, 0]]);
  });

  it('rejects too many indices, two ellipses and bad slices', () => {
    expect(() => index(zeros(2), 0, 0)).toThrow('index: too many indices for tensor of dimension 1 (got 2)');
    expect(() => index(zeros(2), '...', '...')).toThrow(IndexError);
    expect(() => index(zeros(2), '1:2:0')).toThrow('slice: step must be a positive integer, got 0');
    expect(() => index(zeros(2), 'a:b')).toThrow(InvalidArgumentError);
  });
});

describe('other views', () => {
  it('expand uses stride 0 and checks sizes', () => {
    const x = expand(arange(3).reshape(3, 1), 3, 4);
    expect(x.strides).toEqual([1, 0]);
    expect(() => expand(arange(3), 4)).toThrow(/expanded size of the tensor \(4\) must match the existing size \(3\)/);
  });

  it('narrow/select check bounds', () => {
    expect(narrow(arange(5), 0, 1, 3).tolist()).toEqual([1, 2, 3]);
    expect(() => narrow(arange(5), 0, 3, 3)).toThrow('narrow: start (3) + length (3) exceeds dimension size (5)');
    expect(select(arange(6).reshape(2, 3), 1, -1).tolist()).toEqual([2, 5]);
    expect(() => select(arange(3), 0, 3)).toThrow('select: index 3 is out of bounds for dimension 0 with size 3');
  });

  it('squeeze/unsqueeze/flatten/unflatten', () => {
    const x = zeros(2, 1, 3, 1);
    expect(squeeze(x).shape).toEqual([2, 3]);
    expect(squeeze(x, [1, 2]).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(zeros(2, 3), -1).shape).toEqual([2, 3, 1]);
    expect(flatten(zeros(2, 3, 4), 1).shape).toEqual([2, 12]);
    expect(unflatten(zeros(2, 12), 1, [3, -1]).shape).toEqual([2, 3, 4]);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
  });

  it('names the op when a dim is out of range', () => {
    expect(() => transpose(zeros(2, 3), 0, 2)).toThrow('transpose: dim 2 is out of range for a tensor of 2 dimensions (expected -2 to 1)');
    expect(() => t(zeros(2, 3, 4))).toThrow(ShapeError);
  });
});
