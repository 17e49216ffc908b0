import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { broadcastShapes } from '../shape.js';
import { arange, tensor, zeros } from './creation.js';
import { Tensor } from '../tensor.js';
import { add, add_, addcdiv_, addcmul_, allclose, copy_, div, div_, eq, isclose, lerp_, maximum, mul, mul_, pow, remainder, sub, sub_, where } from './binary.js';
import { transpose } from './views.js';

describe('broadcastShapes', () => {
  it('broadcasts [2,1] with [3]', () => {
    expect(broadcastShapes('add', [2, 1], [3])).toEqual([2, 3]);
  });

  it('names the op and both shapes when shapes cannot be broadcast', () => {
    expect(() => add(zeros(2, 3), zeros(4))).toThrow(ShapeError);
    expect(() => add(zeros(2, 3), zeros(4))).toThrow('add: shapes [2,3] and [4] cannot be broadcast');
  });

  it('follows the trailing-dims rule on random shapes', () => {
    const dim = fc.integer({ min: 0, max: 4 });
    fc.assert(
      fc.property(fc.array(dim, { maxLength: 4 }), fc.array(fc.boolean(), { maxLength: 4 }), fc.nat(3), (shape, ones, drop) => {
        // Make a compatible partner: drop leading dims and set some sizes to 1.
        const other = shape.slice(Math.min(drop, shape.length)).map((s, i) => (ones[i] ? 1 : s));
        const out = broadcastShapes('add', shape, other);
        expect(out).toEqual(shape.map((s, i) => {
          const j = i - (shape.length - other.length);
          return j < 0 ? s : other[j] === 1 ? s : other[j];
        }));
        // And the rule is symmetric and matches elementwise results.
        expect(broadcastShapes('add', other, shape)).toEqual(out);
        expect(add(zeros(shape), zeros(other)).shape).toEqual(out);
      }),
    );
  });
});

describe('type promotion', () => {
  it('int + float tensor gives float32, float32 + float64 gives float64', () => {
    expect(add(tensor([1, 2]), tensor([0.5, 1.5])).dtype).toBe('float32');
    expect(add(tensor([1], { dtype: 'float32' }), tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('scalars only lift the kind', () => {
    expect(add(tensor([1, 2], { dtype: 'int32' }), 3).dtype).toBe('int32');
    expect(add(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
    expect(mul(tensor([1], { dtype: 'float64' }), 2.5).dtype).toBe('float64');
  });

  it('comparisons give bool', () => {
    expect(eq(tensor([1, 2]), tensor([1, 3])).tolist()).toEqual([true, false]);
  });

  it('true division of integers gives float32', () => {
    const q = div(tensor([1, 3]), 2);
    expect(q.dtype).toBe('float32');
    expect(q.tolist()).toEqual([0.5, 1.5]);
  });

  it('rounding division keeps integers', () => {
    expect(div(tensor([-7, 7]), 2, { roundingMode: 'floor' }).tolist()).toEqual([-4, 3]);
    expect(div(tensor([-7, 7]), 2, { roundingMode: 'trunc' }).tolist()).toEqual([-3, 3]);
  });
});

describe('arithmetic', () => {
  it('remainder takes the sign of the divisor', () => {
    expect(remainder(tensor([-3, 3]), 2).tolist()).toEqual([1, 1]);
    expect(remainder(tensor([3.5, -3.5]), -2).tolist()).toEqual([-0.5, -1.5]);
  });

  it('rejects integers to negative integer powers', () => {
    expect(() => pow(tensor([2]), -1)).toThrow(InvalidArgumentError);
  });

  it('rejects bool - bool', () => {
    expect(() => sub(tensor([true]), tensor([false]))).toThrow(DTypeError);
  });

  it('maximum propagates NaN', () => {
    expect(maximum(tensor([NaN, 1]), tensor([0, 2])).tolist()).toEqual([NaN, 2]);
  });

  it('reads transposed operands through their strides', () => {
    const x = arange(6).reshape(2, 3);
    expect(add(transpose(x, 0, 1), tensor([[10, 20]])).tolist()).toEqual([[10, 23], [11, 24], [12, 25]]);
  });
});

describe('isclose/allclose', () => {
  it('uses |a - b| <= atol + rtol·|b| and treats NaN per equalNan', () => {
    expect(isclose(tensor([1, NaN, Infinity]), tensor([1 + 1e-6, NaN, Infinity])).tolist()).toEqual([true, false, true]);
    expect(isclose(tensor([NaN]), tensor([NaN]), { equalNan: true }).tolist()).toEqual([true]);
    expect(allclose(tensor([1, 2]), tensor([1, 2.1]))).toBe(false);
  });
});

describe('where', () => {
  it('broadcasts condition and operands, accepting scalars', () => {
    expect(where(tensor([true, false]), tensor([[1], [2]]), 0).tolist()).toEqual([[1, 0], [2, 0]]);
  });

  it('rejects a non-bool condition', () => {
    expect(() => where(tensor([1.5]), 1, 2)).toThrow('where: condition must be a bool tensor, got float32');
  });
});

describe('in-place ops', () => {
  it('write through a view to the base and bump the shared version', () => {
    const base = zeros(2, 3);
    const column = transpose(base, 0, 1).select(0, 1);
    const before = base.version;
    add_(column, tensor([1, 2], { dtype: 'float32' }));
    expect(base.tolist()).toEqual([[0, 1, 0], [0, 2, 0]]);
    expect(base.version).toBe(before + 1);
  });

  it('computes the optimizer updates', () => {
    const p = tensor([1, 2], { dtype: 'float32' });
    addcmul_(p, tensor([1, 2], { dtype: 'float32' }), tensor([3, 4], { dtype: 'float32' }), { value: 0.5 });
    expect(p.tolist()).toEqual([2.5, 6]);
    addcdiv_(p, tensor([1, 1], { dtype: 'float32' }), tensor([2, 4], { dtype: 'float32' }), { value: -1 });
    expect(p.tolist()).toEqual([2, 5.75]);
    lerp_(p, tensor([0, 0], { dtype: 'float32' }), 0.5);
    expect(p.tolist()).toEqual([1, 2.875]);
  });

  it('rejects a result that needs a wider dtype', () => {
    expect(() => add_(tensor([1, 2]), 0.5)).toThrow("add_: result type float32 can't be cast to the desired output type int64");
    expect(() => div_(tensor([1, 2]), 2)).toThrow(DTypeError);
  });

  it('rejects an operand that would broadcast the output', () => {
    expect(() => add_(zeros(3), zeros(2, 3))).toThrow("add_: output with shape [3] doesn't match the broadcast shape [2,3]");
  });

  it('copy_ converts dtypes', () => {
    const x = zeros([3], { dtype: 'int32' });
    copy_(x, tensor([1.7, -2.7, 3]));
    expect(x.tolist()).toEqual([1, -2, 3]);
  });
});

describe('arithmetic on dense float tensors', () => {
  /** A [64, 48] float32 tensor as a transposed view (the per-element path) and a contiguous copy (the backend's kernel). */
  function operands(seed: number): { view: Tensor; dense: Tensor } {
    const values = Float32Array.from({ length: 64 * 48 }, (_, i) => Math.sin(seed * 1000 + i) * 10);
    values[5] = NaN;
    values[6] = Infinity;
    values[7] = 0;
    const view = transpose(Tensor.fromData(values, [48, 64], 'float32'), 0, 1);
    return { view, dense: view.contiguous() };
  }
  const bitsOf = (x: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(x.toTypedArray(), (v) => (Number.isNaN(v) ? NaN : v)).buffer));

  it('gives bit for bit what the per-element path gives: tensors, scalars on either side, alpha', () => {
    const a = operands(1);
    const b = operands(2);
    const cases: [string, (x: Tensor, y: Tensor) => Tensor][] = [
      ['a + b', (x, y) => add(x, y)],
      ['a + 0.1·b', (x, y) => add(x, y, { alpha: 0.1 })],
      ['a − 3·b', (x, y) => sub(x, y, { alpha: 3 })],
      ['a·b', (x, y) => mul(x, y)],
      ['a/b', (x, y) => div(x, y)],
      ['a·0.1', (x) => mul(x, 0.1)],
      ['a·2', (x) => mul(x, 2)],
      ['a + 1', (x) => add(x, 1)],
      ['a − 0.3', (x) => sub(x, 0.3)],
      ['a/3', (x) => div(x, 3)],
      ['1 − 0.5·a', (x) => sub(1, x, { alpha: 0.5 })],
      ['0.1/a', (x) => div(0.1, x)],
    ];
    for (const [name, f] of cases) expect(bitsOf(f(a.dense, b.dense)), name).toEqual(bitsOf(f(a.view, b.view)));
  });

  it('gives bit for bit what the per-element path gives in place', () => {
    const cases: [string, (x: Tensor, y: Tensor) => Tensor][] = [
      ['x += −0.01·y', (x, y) => add_(x, y, { alpha: -0.01 })],
      ['x −= y', (x, y) => sub_(x, y)],
      ['x ·= 0.9', (x) => mul_(x, 0.9)],
      ['x /= y', (x, y) => div_(x, y)],
    ];
    for (const [name, f] of cases) {
      const a = operands(3);
      const b = operands(4);
      expect(bitsOf(f(a.dense, b.dense)), name).toEqual(bitsOf(f(a.view, b.view)));
    }
  });
});
