import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type Unary = (x: A.Tensor) => A.Tensor;
type Domain = 'real' | 'awayFromZero' | 'positive' | 'small';

/** Each op and the inputs where it is smooth. */
const cases: [name: string, op: Unary, domain: Domain][] = [
  ['neg', A.neg, 'real'],
  ['abs', A.abs, 'awayFromZero'],
  ['exp', A.exp, 'real'],
  ['expm1', A.expm1, 'real'],
  ['log', A.log, 'positive'],
  ['log1p', A.log1p, 'positive'],
  ['sqrt', A.sqrt, 'positive'],
  ['rsqrt', A.rsqrt, 'positive'],
  ['square', A.square, 'real'],
  ['sin', A.sin, 'real'],
  ['cos', A.cos, 'real'],
  ['tan', A.tan, 'small'],
  ['tanh', A.tanh, 'real'],
  ['sigmoid', A.sigmoid, 'real'],
  ['relu', A.relu, 'awayFromZero'],
  ['leakyRelu', (x) => A.leakyRelu(x, 0.1), 'awayFromZero'],
  ['elu', (x) => A.elu(x, 1.5), 'awayFromZero'],
  ['gelu', (x) => A.gelu(x), 'real'],
  ['gelu (tanh)', (x) => A.gelu(x, { approximate: 'tanh' }), 'real'],
  ['silu', A.silu, 'real'],
  // threshold 1 with beta 2: the linear branch is taken above x = 0.5
  ['softplus', (x) => A.softplus(x, { beta: 2, threshold: 1 }), 'awayFromZero'],
  ['erf', A.erf, 'real'],
  ['reciprocal', A.reciprocal, 'positive'],
  ['clamp', (x) => A.clamp(x, -0.1, 0.1), 'awayFromZero'],
  ['nanToNum', (x) => A.nanToNum(x), 'real'],
];

describe.each(cases)('%s', (_name, op, domain) => {
  const make = (seed: number) => {
    const inputs = seededInputs(seed);
    if (domain === 'real') return inputs.transposed(3, 4);
    // |x| < 1, well inside tan's period
    if (domain === 'small') return inputs.randn(4, 3).detach().tanh().t().requiresGrad_();
    // A non-leaf view of a leaf, so the gradient also flows through TBackward.
    return inputs[domain](3, 4).t();
  };

  it('matches finite differences on a non-contiguous input', () => {
    expect(gradcheck(op, [make(1)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck(op, [make(2)])).toBe(true);
  });
});

describe.each([
  ['sign', A.sign],
  ['floor', A.floor],
  ['ceil', A.ceil],
  ['trunc', A.trunc],
  ['round', (x: A.Tensor) => A.round(x)],
] as [string, Unary][])('%s', (_name, op) => {
  it('has a zero gradient away from its jumps', () => {
    // 0.1 … 0.4 away from every integer and half-integer
    const x = A.tensor([[1.1, -2.3], [0.2, -0.4]], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck(op, [x.t()])).toBe(true);
    op(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0], [0, 0]]);
  });
});

describe('leakyRelu', () => {
  it('scales the gradient of negative inputs by the exact float64 slope', () => {
    const x = A.tensor([-1, 2], { dtype: 'float64', requiresGrad: true });
    A.leakyRelu(x, 0.01).sum().backward();
    expect(x.grad!.tolist()).toEqual([0.01, 1]);
  });
});

describe('clamp', () => {
  it('passes the gradient where min ≤ x ≤ max and blocks it outside', () => {
    const x = A.tensor([-2, -0.5, 0.5, 2], { dtype: 'float64', requiresGrad: true });
    A.clamp(x, -1, 1).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 1, 1, 0]);
  });

  it('accepts a one-sided bound', () => {
    const x = A.tensor([-2, 2], { dtype: 'float64', requiresGrad: true });
    A.clamp(x, null, 1).sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 0]);
  });
});

describe('abs', () => {
  it('has a zero gradient at 0, as in PyTorch', () => {
    const x = A.tensor([0, -3], { dtype: 'float64', requiresGrad: true });
    A.abs(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, -1]);
  });
});

describe('relu', () => {
  it('has a zero gradient at 0, as in PyTorch', () => {
    const x = A.tensor([0, 3], { dtype: 'float64', requiresGrad: true });
    A.relu(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 1]);
  });

  it('masks the upstream gradient by multiplying it with output > 0', () => {
    const x = A.tensor([-1, 2, -3, 4, 5], { dtype: 'float32', requiresGrad: true });
    // The product keeps an infinite gradient where masked out as NaN, and a negative one as −0.
    A.relu(x).backward(A.tensor([Infinity, Number.NaN, -2, -2, 0.5], { dtype: 'float32' }));
    const grad = Array.from(x.grad!.toTypedArray());
    expect(grad.map((v, i) => Object.is(v, [Number.NaN, Number.NaN, -0, -2, 0.5][i]))).toEqual([true, true, true, true, true]);
  });

  it('differentiates its gradient with respect to the upstream gradient (createGraph)', () => {
    const x = A.tensor([-1, 2, -3, 4], { dtype: 'float64', requiresGrad: true });
    const g = A.tensor([1, 2, 3, 4], { dtype: 'float64', requiresGrad: true });
    const [dx] = A.grad(A.relu(x), x, { gradOutputs: g, createGraph: true });
    expect(dx!.tolist()).toEqual([0, 2, 0, 4]);
    const [dg] = A.grad(A.mul(dx!, A.tensor([10, 20, 30, 40], { dtype: 'float64' })).sum(), g);
    expect(dg!.tolist()).toEqual([0, 20, 0, 40]);
  });
});

describe('nanToNum', () => {
  it('blocks the gradient of replaced NaN and infinities', () => {
    const x = A.tensor([Number.NaN, Infinity, 2], { dtype: 'float64', requiresGrad: true });
    A.nanToNum(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 1]);
  });
});

describe('isnan', () => {
  it('returns a bool tensor that records nothing', () => {
    const x = A.tensor([Number.NaN, 1], { dtype: 'float64', requiresGrad: true });
    for (const test of [A.isnan, A.isinf, A.isfinite, A.logicalNot]) {
      const out = test(x);
      expect(out.dtype).toBe('bool');
      expect(out.gradFn).toBeNull();
      expect(out.requiresGrad).toBe(false);
    }
  });
});
