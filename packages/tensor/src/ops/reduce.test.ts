import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { DTypeError, IndexError, InvalidArgumentError } from '../errors/index.js';
import { assertClose, fromRecord } from '../testing.js';
import { Tensor } from '../tensor.js';
import { mul, remainder } from './binary.js';
import { arange, tensor, zeros } from './creation.js';
import * as reduce from './reduce.js';
import { narrow, permute, reshape } from './views.js';
import { all, amax, amin, any, argmax, argmin, logsumexp, max, mean, min, norm, prod, std, sum, variance } from './reduce.js';

const input = (call: string): Tensor => fromRecord(opCase(call).inputs.a!);
const expectFixture = (call: string, actual: Tensor): void => assertClose(actual, opCase(call).output, { checkDType: true });

/** A [2,3,4] float64 tensor read through transposed strides (dims 0 and 2 swapped), so not contiguous. */
function strided(): Tensor {
  const base = arange(24, { dtype: 'float64' });
  return new Tensor(base.storage, [4, 3, 2], [1, 4, 12], 0, 'float64');
}

/** Reference sum over one dim by walking nested arrays. */
function naiveSum(x: Tensor, dim: number): unknown {
  const walk = (v: unknown, d: number): unknown => {
    const rows = v as unknown[];
    if (d === dim) return rows.reduce((acc: unknown, row) => add(acc, row));
    return rows.map((row) => walk(row, d + 1));
  };
  const add = (a: unknown, b: unknown): unknown => (Array.isArray(a) ? a.map((v, i) => add(v, (b as unknown[])[i])) : (a as number) + (b as number));
  return walk(x.tolist(), 0);
}

describe('sum', () => {
  it('matches PyTorch for a.sum()', () => expectFixture('a.sum()', sum(input('a.sum()'))));

  it('matches PyTorch for a.sum(dim=1, keepdim=True)', () => {
    expectFixture('a.sum(dim=1, keepdim=True)', sum(input('a.sum(dim=1, keepdim=True)'), 1, { keepdim: true }));
  });

  it('sums every dim of a strided view like a naive walk', () => {
    const x = strided();
    for (const d of [0, 1, 2]) expect(sum(x, d).tolist()).toEqual(naiveSum(x.contiguous(), d));
  });

  it('sums non-adjacent dims together', () => {
    const x = arange(24, { dtype: 'float64' }).contiguous();
    const x3 = new Tensor(x.storage, [2, 3, 4], [12, 4, 1], 0, 'float64');
    expect(sum(x3, [0, 2]).tolist()).toEqual(sum(sum(x3, 2), 0).tolist());
    expect(sum(x3, [2, 0], { keepdim: true }).shape).toEqual([1, 3, 1]);
  });

  it('sums over dims [0, 2, 3] (a conv bias gradient) like a naive walk, in place or through views', () => {
    // Integer values keep every float64 sum exact, so any summation order must give the same result.
    const base = arange(2 * 5 * 6 * 7, { dtype: 'float64' });
    const x = reshape(remainder(mul(base, 37), 101), 2, 5, 6, 7);
    /** Per-channel sums of a [N, C, H, W] tensor, read element by element. */
    const naive = (t: Tensor): number[] => {
      const [n, c, h, w] = t.shape as [number, number, number, number];
      const values = t.tolist() as number[][][][];
      const out = new Array<number>(c).fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) for (let k = 0; k < h; k++) for (let l = 0; l < w; l++) out[j]! += values[i]![j]![k]![l]!;
      return out;
    };
    // Contiguous runs of H·W (copied whole), a channel slice with an offset, a cut last dim (runs
    // shorter than a copy), a permuted view, and int64.
    const views = [x, narrow(x, 1, 1, 3), narrow(x, 3, 2, 4), permute(x, 0, 1, 3, 2), x.to('int64')];
    for (const v of views) expect(sum(v, [0, 2, 3]).tolist()).toEqual(naive(v));
  });

  it('gives int64 for bool and integer inputs', () => {
    expect(sum(tensor([true, true, false])).dtype).toBe('int64');
    expect(sum(tensor([true, true, false])).item()).toBe(2);
    expect(sum(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('int64');
  });

  it('converts to dtype first and keeps it', () => {
    const out = sum(tensor([1.5, 2.5]), undefined, { dtype: 'int64' });
    expect(out.dtype).toBe('int64');
    expect(out.item()).toBe(3);
    expect(sum(tensor([1, 2]), undefined, { dtype: 'int32' }).dtype).toBe('int32');
    expect(sum(tensor([true, true]), undefined, { dtype: 'bool' }).item()).toBe(true);
  });

  it('accumulates float32 in float64', () => {
    const x = tensor(new Float32Array(1_000_001).fill(0.1));
    expect(sum(x).item()).toBeCloseTo(Math.fround(0.1) * 1_000_001, 0);
  });

  it('keeps every dim as 1 with keepdim and no dim', () => {
    expect(sum(zeros(2, 3), undefined, { keepdim: true }).shape).toEqual([1, 1]);
  });

  it('gives 0 over a size-0 dim', () => {
    expect(sum(zeros(0, 3), 0).tolist()).toEqual([0, 0, 0]);
  });

  it('accepts dim 0 and -1 on a 0-d tensor', () => {
    expect(sum(tensor(5), 0).tolist()).toBe(5);
    expect(sum(tensor(5), -1).shape).toEqual([]);
  });

  it('rejects an out-of-range or repeated dim', () => {
    expect(() => sum(zeros(2, 3), 2)).toThrow(IndexError);
    expect(() => sum(zeros(2, 3), [1, -1])).toThrow(InvalidArgumentError);
  });
});

describe('prod', () => {
  it('matches PyTorch for a.prod(dim=1)', () => expectFixture('a.prod(dim=1)', prod(input('a.prod(dim=1)'), 1)));

  it('gives 1 over a size-0 dim and int64 for bool', () => {
    expect(prod(zeros(0, 2), 0).tolist()).toEqual([1, 1]);
    expect(prod(tensor([true, false])).dtype).toBe('int64');
  });
});

describe('mean', () => {
  it('matches PyTorch for a.mean(dim=(0, 2))', () => expectFixture('a.mean(dim=(0, 2))', mean(input('a.mean(dim=(0, 2))'), [0, 2])));

  it('rejects integer inputs with PyTorch message', () => {
    expect(() => mean(tensor([1, 2]))).toThrow(DTypeError);
    expect(() => mean(tensor([1, 2]))).toThrow('mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: int64');
  });

  it('takes integers with a float dtype', () => {
    expect(mean(tensor([1, 2]), undefined, { dtype: 'float64' }).item()).toBe(1.5);
    expect(() => mean(tensor([1, 2]), undefined, { dtype: 'int64' })).toThrow(/Optional dtype must be either a floating point/);
  });

  it('gives NaN over a size-0 dim', () => {
    expect(mean(zeros(0, 2), 0).tolist()).toEqual([NaN, NaN]);
  });
});

describe('max', () => {
  it('matches PyTorch for a.max(dim=1).values', () => expectFixture('a.max(dim=1).values', max(input('a.max(dim=1).values'), 1).values));

  it('returns the first index among ties', () => {
    const { values, indices } = max(tensor([[1, 7, 7], [9, 9, 0]]), 1);
    expect(values.tolist()).toEqual([7, 9]);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(indices.dtype).toBe('int64');
  });

  it('propagates NaN and points at the first one', () => {
    const { values, indices } = max(tensor([[1, NaN, 5, NaN]]), 1);
    expect(values.tolist()).toEqual([NaN]);
    expect(indices.tolist()).toEqual([1]);
    expect(max(tensor([1, NaN, 3])).item()).toBeNaN();
  });

  it('reduces a middle dim with keepdim', () => {
    const x = arange(24, { dtype: 'float32' });
    const x3 = new Tensor(x.storage, [2, 3, 4], [12, 4, 1], 0, 'float32');
    const { values, indices } = max(x3, 1, { keepdim: true });
    expect(values.shape).toEqual([2, 1, 4]);
    expect(indices.tolist()).toEqual([[[2, 2, 2, 2]], [[2, 2, 2, 2]]]);
  });

  it('returns a 0-d tensor without dim', () => {
    expect(max(tensor([[3, 8], [5, 1]])).shape).toEqual([]);
    expect(max(tensor([[3, 8], [5, 1]])).item()).toBe(8);
  });

  it('refuses a size-0 dim, naming the op', () => {
    expect(() => max(zeros(0, 3), 0)).toThrow(IndexError);
    expect(() => max(zeros(0, 3), 0)).toThrow('max(): Expected reduction dim 0 to have non-zero size.');
    expect(() => max(zeros(0, 3))).toThrow("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
  });

  it('reduces a non-empty dim of an empty tensor to an empty result', () => {
    expect(max(zeros(0, 3), 1).values.shape).toEqual([0]);
  });
});

describe('min', () => {
  it('returns the smallest value and its first index', () => {
    const { values, indices } = min(tensor([[4, 1, 1], [0, 2, 0]]), 1);
    expect(values.tolist()).toEqual([1, 0]);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(min(tensor([2, -3, 5])).item()).toBe(-3);
  });

  it('propagates NaN', () => expect(min(tensor([1, NaN, -3]), 0).values.item()).toBeNaN());
});

describe('amax', () => {
  it('matches PyTorch for a.amax()', () => expectFixture('a.amax()', amax(input('a.amax()'))));

  it('reduces several dims at once', () => {
    const x = new Tensor(arange(24).storage, [2, 3, 4], [12, 4, 1], 0, 'int64');
    expect(amax(x, [0, 2]).tolist()).toEqual([15, 19, 23]);
    expect(amin(x, [0, 2]).tolist()).toEqual([0, 4, 8]);
  });

  it('names amax when the dim is empty', () => {
    expect(() => amax(zeros(2, 0), 1)).toThrow('amax(): Expected reduction dim 1 to have non-zero size.');
  });
});

describe('argmax', () => {
  it('indexes the flattened tensor without dim', () => {
    expect(argmax(tensor([[1, 9], [9, 2]])).tolist()).toBe(1);
    expect(argmin(tensor([[1, 9], [0, 2]])).tolist()).toBe(2);
  });

  it('reduces a dim, with keepdim', () => {
    expect(argmax(tensor([[1, 9], [9, 2]]), 0, { keepdim: true }).tolist()).toEqual([[1, 0]]);
  });

  it('points at the first NaN', () => expect(argmax(tensor([1, NaN, NaN])).item()).toBe(1));

  it('rejects bool tensors, as PyTorch does', () => expect(() => argmax(tensor([true, false]))).toThrow(DTypeError));
});

/**
 * Rows of `cols` float32 values with ties, signed zeros, infinities and NaN, as a [rows, cols]
 * tensor and, transposed, as [cols, rows]: reducing dim 0 of the second walks the strided lane
 * loop, a reference for the contiguous rows that go through the backend's `reduce`.
 */
function rowsAndColumns(rows: number, cols: number): { byRow: Tensor; byColumn: Tensor } {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.sin(i * 0.7) * 40) / 8;
  const row = (r: number): Float32Array => data.subarray(r * cols, (r + 1) * cols);
  row(1).fill(-1).set([-0, 0, -0], cols >> 1);
  row(2).fill(-1).set([0, -0], cols - 2);
  row(3)[cols - 1] = NaN;
  row(4).set([NaN, NaN], 17);
  row(5)[3] = Infinity;
  row(5)[cols - 3] = -Infinity;
  row(6).fill(5);
  const transposed = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) transposed[k * rows + r] = data[r * cols + k]!;
  return { byRow: Tensor.fromData(data, [rows, cols], 'float32'), byColumn: Tensor.fromData(transposed, [cols, rows], 'float32') };
}

/** The values' bits, so that −0 and 0 differ. */
const bits = (t: Tensor): number[] => [...t.toTypedArray()].map((v) => (Object.is(v, -0) ? -1e-300 : v));

describe('reductions of long contiguous rows', () => {
  for (const cols of [64, 1000, 40000]) {
    it(`match the strided lane loop for max, min, argmax and amax over rows of ${cols}`, () => {
      const { byRow, byColumn } = rowsAndColumns(8, cols);
      for (const [extreme, reference] of [[max(byRow, 1), max(byColumn, 0)], [min(byRow, 1), min(byColumn, 0)]] as const) {
        expect(bits(extreme.values)).toEqual(bits(reference.values));
        expect(extreme.indices.tolist()).toEqual(reference.indices.tolist());
      }
      expect(argmax(byRow, 1).tolist()).toEqual(argmax(byColumn, 0).tolist());
      expect(bits(amin(byRow, 1))).toEqual(bits(amin(byColumn, 0)));
    });

    it(`sum and mean rows of ${cols} as the strided lane loop does, up to the order of additions`, () => {
      const { byRow, byColumn } = rowsAndColumns(8, cols);
      assertClose(sum(byRow, 1), sum(byColumn, 0), { rtol: 1e-6, atol: 1e-6 });
      assertClose(mean(byRow, 1), mean(byColumn, 0), { rtol: 1e-6, atol: 1e-6 });
    });
  }

  it('keeps the first zero, with its sign, when zero is the extreme', () => {
    const { byRow } = rowsAndColumns(8, 1000);
    const { values, indices } = max(byRow, 1);
    expect(Object.is(values.toTypedArray()[1], -0)).toBe(true);
    expect([...indices.toTypedArray()].slice(1, 5)).toEqual([500, 998, 999, 17]);
    expect(Object.is(values.toTypedArray()[2], 0)).toBe(true);
    expect(Object.is(max(byRow.select(0, 1)).item(), -0)).toBe(true);
  });

  it('sums a million float32 to the exact total when every partial sum is exact', () => {
    // Five values summing to 1.25, repeated, and one −1.75 left over: 2²⁰ = 5·209715 + 1.
    const x = Tensor.fromData(new Float32Array(1 << 20).map((_, i) => (i % 5) - 1.75), [1 << 20], 'float32');
    expect(sum(x).item()).toBe(209715 * 1.25 - 1.75);
    expect(mean(x).item()).toBe(Math.fround((209715 * 1.25 - 1.75) / 2 ** 20));
  });
});

describe('variance', () => {
  it('matches PyTorch for a.var(dim=1)', () => expectFixture('a.var(dim=1)', variance(input('a.var(dim=1)'), 1)));

  it('is exported as var too', () => expect(reduce.var).toBe(variance));

  it('divides by N - correction', () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'float64' });
    expect(variance(x).item()).toBeCloseTo(5 / 3, 12);
    expect(variance(x, 0, { correction: 0 }).item()).toBeCloseTo(1.25, 12);
    expect(variance(x, 0, { unbiased: false }).item()).toBeCloseTo(1.25, 12);
  });

  it('gives NaN for one element with the default correction', () => {
    expect(variance(tensor([3], { dtype: 'float32' })).item()).toBeNaN();
  });

  it('rejects integer inputs and both spellings at once', () => {
    expect(() => variance(tensor([1, 2]))).toThrow(DTypeError);
    expect(() => variance(tensor([1.5, 2]), 0, { correction: 0, unbiased: true })).toThrow(InvalidArgumentError);
  });

  it('stays accurate far from zero', () => {
    const x = tensor([1e9 + 1, 1e9 + 2, 1e9 + 3], { dtype: 'float64' });
    expect(variance(x).item()).toBeCloseTo(1, 6);
  });
});

describe('std', () => {
  it('matches PyTorch for a.std(dim=0, unbiased=False)', () => {
    expectFixture('a.std(dim=0, unbiased=False)', std(input('a.std(dim=0, unbiased=False)'), 0, { unbiased: false }));
  });
});

describe('logsumexp', () => {
  it('matches PyTorch for torch.logsumexp(a, dim=-1)', () => expectFixture('torch.logsumexp(a, dim=-1)', logsumexp(input('torch.logsumexp(a, dim=-1)'), -1)));

  it('does not overflow for large inputs', () => {
    expect(logsumexp(tensor([1000, 1000], { dtype: 'float64' }), 0).item()).toBeCloseTo(1000 + Math.LN2, 10);
  });

  it('handles rows of -inf and rows holding +inf', () => {
    const x = tensor([[-Infinity, -Infinity], [Infinity, 0], [NaN, 0]], { dtype: 'float32' });
    expect(logsumexp(x, 1).tolist()).toEqual([-Infinity, Infinity, NaN]);
  });

  it('gives -inf over a size-0 dim and float32 for integers', () => {
    expect(logsumexp(zeros(0, 2), 0).tolist()).toEqual([-Infinity, -Infinity]);
    expect(logsumexp(tensor([1, 2]), 0).dtype).toBe('float32');
  });
});

describe('norm', () => {
  const x = tensor([[3, -4], [0, 1]], { dtype: 'float64' });

  it('computes the 2-norm of everything by default', () => expect(norm(x).item()).toBeCloseTo(Math.sqrt(26), 12));

  it('computes 1, inf, -inf, 0 and fractional norms along a dim', () => {
    expect(norm(x, 1, 1).tolist()).toEqual([7, 1]);
    expect(norm(x, Infinity, 1).tolist()).toEqual([4, 1]);
    expect(norm(x, -Infinity, 1).tolist()).toEqual([3, 0]);
    expect(norm(x, 0, 1).tolist()).toEqual([2, 1]);
    expect((norm(x, 3, 1, { keepdim: true }).tolist() as number[][])[0]).toEqual([Math.cbrt(91)]);
  });

  it("treats 'fro' as the 2-norm", () => expect(norm(x, 'fro', [0, 1]).item()).toBeCloseTo(Math.sqrt(26), 12));

  it('propagates NaN in the inf-norm', () => expect(norm(tensor([1, NaN, 2]), Infinity).item()).toBeNaN());

  it('refuses the inf-norm of an empty tensor and integer inputs', () => {
    expect(() => norm(zeros(0), Infinity)).toThrow(InvalidArgumentError);
    expect(norm(zeros(0)).item()).toBe(0);
    expect(() => norm(tensor([1, 2]))).toThrow(DTypeError);
  });
});

describe('all', () => {
  it('reduces to bool along a dim', () => {
    const out = all(tensor([[1, 0], [2, 3]]), 1);
    expect(out.dtype).toBe('bool');
    expect(out.tolist()).toEqual([false, true]);
  });

  it('gives true for an empty tensor and keeps uint8 for uint8', () => {
    expect(all(zeros(0)).item()).toBe(true);
    expect(all(tensor([1, 2], { dtype: 'uint8' })).dtype).toBe('uint8');
  });
});

describe('any', () => {
  it('counts NaN as true and gives false for an empty tensor', () => {
    expect(any(tensor([0, NaN])).item()).toBe(true);
    expect(any(zeros(0)).item()).toBe(false);
    expect(any(tensor([[0, 0], [0, 1]]), [0, 1], { keepdim: true }).tolist()).toEqual([[true]]);
  });
});
