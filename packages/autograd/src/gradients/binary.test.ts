import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type Binary = (a: A.Tensor, b: A.Tensor) => A.Tensor;

/** Ops smooth everywhere on the given inputs: a broadcasts [3, 1] against a transposed [4]… */
const smooth: [name: string, op: Binary][] = [
  ['add', (a, b) => A.add(a, b)],
  ['add (alpha)', (a, b) => A.add(a, b, { alpha: -2.5 })],
  ['sub', (a, b) => A.sub(a, b)],
  ['sub (alpha)', (a, b) => A.sub(a, b, { alpha: 0.5 })],
  ['mul', A.mul],
  ['atan2', A.atan2],
  ['lerp', (a, b) => A.lerp(a, b, 0.3)],
];

describe.each(smooth)('%s', (_name, op) => {
  it('matches finite differences when [3, 1] broadcasts with [4]', () => {
    const inputs = seededInputs(1);
    expect(gradcheck(op, [inputs.randn(3, 1), inputs.randn(4)])).toBe(true);
  });

  it('matches finite differences on non-contiguous inputs', () => {
    const inputs = seededInputs(2);
    expect(gradcheck(op, [inputs.transposed(3, 4), inputs.strided(3, 4)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(3);
    expect(gradgradcheck(op, [inputs.randn(3, 1), inputs.transposed(3, 4)])).toBe(true);
  });
});

describe('div', () => {
  const div = (a: A.Tensor, b: A.Tensor) => A.div(a, b);

  it('matches finite differences when [3, 1] broadcasts with [4]', () => {
    const inputs = seededInputs(4);
    expect(gradcheck(div, [inputs.randn(3, 1), inputs.positive(4)])).toBe(true);
  });

  it('matches finite differences on non-contiguous inputs', () => {
    const inputs = seededInputs(5);
    expect(gradcheck(div, [inputs.strided(3, 4), inputs.positive(4, 3).t()])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(6);
    expect(gradgradcheck(div, [inputs.transposed(2, 3), inputs.positive(3)])).toBe(true);
  });

  it('divides a scalar by a tensor', () => {
    const inputs = seededInputs(7);
    expect(gradcheck((b) => A.div(2, b), [inputs.positive(3)])).toBe(true);
  });

  it('has a zero gradient with a rounding mode', () => {
    const a = A.tensor([2.5, -3.5], { dtype: 'float64', requiresGrad: true });
    const b = A.tensor([2, 2], { dtype: 'float64', requiresGrad: true });
    A.div(a, b, { roundingMode: 'floor' }).sum().backward();
    expect(a.grad!.tolist()).toEqual([0, 0]);
    expect(b.grad!.tolist()).toEqual([0, 0]);
  });
});

describe('pow', () => {
  it('matches finite differences for a tensor base and exponent, broadcast', () => {
    const inputs = seededInputs(8);
    expect(gradcheck(A.pow, [inputs.positive(3, 1), inputs.randn(4)])).toBe(true);
  });

  it('matches finite differences for a scalar exponent', () => {
    const inputs = seededInputs(9);
    expect(gradcheck((a) => A.pow(a, 3), [inputs.transposed(3, 2)])).toBe(true);
  });

  it('matches finite differences for a scalar base', () => {
    const inputs = seededInputs(10);
    expect(gradcheck((b) => A.pow(1.7, b), [inputs.strided(2, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(11);
    expect(gradgradcheck(A.pow, [inputs.positive(3, 1), inputs.randn(2)])).toBe(true);
  });

  it('gives the base a zero gradient where the exponent is 0, even at a base of 0', () => {
    const a = A.tensor([0, 2], { dtype: 'float64', requiresGrad: true });
    A.pow(a, A.tensor([0, 0], { dtype: 'float64' })).sum().backward();
    A.pow(a, 0).sum().backward();
    expect(a.grad!.tolist()).toEqual([0, 0]);
  });

  it('gives the exponent a zero gradient where the base is 0, as PyTorch does', () => {
    const a = A.tensor([0, 2], { dtype: 'float64' });
    const b = A.tensor([2, 3], { dtype: 'float64', requiresGrad: true });
    A.pow(a, b).sum().backward();
    expect(b.grad!.tolist()).toEqual([0, 8 * Math.log(2)]);
  });
});

describe.each([
  ['maximum', A.maximum],
  ['minimum', A.minimum],
] as [string, Binary][])('%s', (_name, op) => {
  it('matches finite differences when [3, 1] broadcasts with [4]', () => {
    const inputs = seededInputs(12);
    expect(gradcheck(op, [inputs.randn(3, 1), inputs.randn(4)])).toBe(true);
  });

  it('matches finite differences on non-contiguous inputs', () => {
    const inputs = seededInputs(13);
    expect(gradcheck(op, [inputs.transposed(3, 4), inputs.strided(3, 4)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(14);
    expect(gradgradcheck(op, [inputs.randn(3, 1), inputs.randn(4)])).toBe(true);
  });

  it('splits the gradient evenly at ties', () => {
    const a = A.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const b = A.tensor([1, 5, 0], { dtype: 'float64', requiresGrad: true });
    op(a, b).sum().backward();
    const aWins = op === A.maximum ? [0.5, 0, 1] : [0.5, 1, 0];
    expect(a.grad!.tolist()).toEqual(aWins);
    expect(b.grad!.tolist()).toEqual(aWins.map((w) => 1 - w));
  });
});

describe('remainder', () => {
  it('matches finite differences away from its jumps', () => {
    const a = A.tensor([[5.3, -2.2], [7.9, 1.4]], { dtype: 'float64', requiresGrad: true });
    const b = A.tensor([2, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck(A.remainder, [a.t(), b])).toBe(true);
  });
});

describe('where', () => {
  it('matches finite differences with a broadcast condition', () => {
    const inputs = seededInputs(15);
    const condition = A.tensor([true, false, true, true]);
    expect(gradcheck((a, b) => A.where(condition, a, b), [inputs.randn(3, 1), inputs.transposed(3, 4)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(16);
    const condition = A.tensor([[true], [false]]);
    expect(gradgradcheck((a, b) => A.where(condition, a, b), [inputs.randn(3), inputs.randn(2, 3)])).toBe(true);
  });

  it('accepts a scalar for one branch', () => {
    const inputs = seededInputs(17);
    const condition = A.tensor([true, false, true]);
    expect(gradcheck((a) => A.where(condition, a, 0), [inputs.randn(2, 3)])).toBe(true);
  });
});

describe('lerp', () => {
  it('matches finite differences for a tensor weight', () => {
    const inputs = seededInputs(18);
    expect(gradcheck(A.lerp, [inputs.randn(3, 1), inputs.randn(4), inputs.transposed(3, 4)])).toBe(true);
  });
});

describe('addcmul', () => {
  it('matches finite differences with broadcasting', () => {
    const inputs = seededInputs(19);
    expect(gradcheck((x, a, b) => A.addcmul(x, a, b, { value: 0.5 }), [inputs.randn(4), inputs.randn(3, 1), inputs.transposed(3, 4)])).toBe(true);
  });
});

describe('addcdiv', () => {
  it('matches finite differences with broadcasting', () => {
    const inputs = seededInputs(20);
    expect(gradcheck((x, a, b) => A.addcdiv(x, a, b, { value: 2 }), [inputs.randn(4), inputs.randn(3, 1), inputs.positive(4)])).toBe(true);
  });
});

describe('mul', () => {
  it('returns float32 gradients for a float32 input multiplied by a float64 one', () => {
    const a = A.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const b = A.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    A.mul(a, b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(a.grad!.tolist()).toEqual([3, 4]);
    expect(b.grad!.dtype).toBe('float64');
  });

  it('gives raw tensors and scalars no gradient', () => {
    const a = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = A.mul(A.mul(a, A.RawTensor.fromData(new Float64Array([3, 4]), [2], 'float64')), 2);
    y.sum().backward();
    expect(a.grad!.tolist()).toEqual([6, 8]);
  });
});

describe('eq', () => {
  it('returns bool tensors that record nothing', () => {
    const a = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    for (const compare of [A.eq, A.ne, A.lt, A.le, A.gt, A.ge, A.logicalAnd, A.logicalOr, A.logicalXor, A.isclose]) {
      const out = compare(a, 1);
      expect(out.dtype).toBe('bool');
      expect(out.gradFn).toBeNull();
    }
  });
});
