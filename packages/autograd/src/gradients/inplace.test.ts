import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type InPlace = (y: A.Tensor, other: A.Tensor) => unknown;

const long = (data: A.NestedArray) => A.tensor(data, { dtype: 'int64' });

/**
 * Each in-place op applied to a non-leaf copy of x, with `other` a second input that requires
 * grad (unused by the unary ops). x and other are [2, 3], x transposed from [3, 2].
 */
const cases: [name: string, op: InPlace, domain?: 'positive' | 'awayFromZero'][] = [
  ['add_', (y, o) => y.add_(o, { alpha: 2 })],
  ['sub_', (y, o) => y.sub_(o, { alpha: 0.5 })],
  ['mul_', (y, o) => y.mul_(o)],
  ['div_', (y, o) => y.div_(o.abs().add(0.5))],
  ['pow_', (y, o) => y.pow_(o), 'positive'],
  ['maximum_', (y, o) => y.maximum_(o)],
  ['addcmul_', (y, o) => y.addcmul_(o, o.sin(), { value: 0.5 })],
  ['addcdiv_', (y, o) => y.addcdiv_(o, o.square().add(1), { value: 2 })],
  ['lerp_', (y, o) => y.lerp_(o, 0.25)],
  ['copy_', (y, o) => y.copy_(o.mul(3))],
  ['fill_', (y) => y.fill_(2)],
  ['zero_', (y) => y.zero_()],
  ['clamp_', (y) => y.clamp_(-0.1, 0.1), 'awayFromZero'],
  ['neg_', (y) => y.neg_()],
  ['abs_', (y) => y.abs_(), 'awayFromZero'],
  ['exp_', (y) => y.exp_()],
  ['log_', (y) => y.log_(), 'positive'],
  ['sqrt_', (y) => y.sqrt_(), 'positive'],
  ['sign_', (y) => y.sign_(), 'awayFromZero'],
  ['sigmoid_', (y) => y.sigmoid_()],
  ['tanh_', (y) => y.tanh_()],
  ['relu_', (y) => y.relu_(), 'awayFromZero'],
  ['reciprocal_', (y) => y.reciprocal_(), 'positive'],
  ['square_', (y) => y.square_()],
  ['scatter_', (y, o) => y.scatter_(1, long([[2, 0, 1], [1, 2, 0]]), o)],
  ['scatterAdd_', (y, o) => y.scatterAdd_(1, long([[2, 2, 1], [0, 0, 0]]), o)],
  ['indexAdd_', (y, o) => y.indexAdd_(1, long([2, 0]), o.narrow(1, 0, 2), { alpha: 3 })],
  ['maskedFill_', (y, o) => y.maskedFill_(A.tensor([[true, false, false], [false, false, true]]), o.sum())],
  ['uniform_', (y) => y.uniform_(0, 1, { generator: new A.Generator(0) })],
  ['normal_', (y) => y.normal_(0, 1, { generator: new A.Generator(0) })],
  ['bernoulli_', (y) => y.bernoulli_(0.5, { generator: new A.Generator(0) })],
];

describe.each(cases)('%s', (_name, op, domain) => {
  const make = (seed: number) => {
    const inputs = seededInputs(seed);
    const x = domain === undefined ? inputs.transposed(2, 3) : inputs[domain](3, 2).t();
    return [x, inputs.randn(2, 3)];
  };
  // The result goes through one more op so that the tape continues after the in-place node.
  const weights = A.tensor([[1.5, -2, 0.5], [3, 1, -1]], { dtype: 'float64' });
  const fn = (x: A.Tensor, other: A.Tensor) => {
    const y = x.mul(1);
    op(y, other);
    return y.mul(weights);
  };

  it('matches finite differences on a non-leaf, for itself and for its operands', () => {
    expect(gradcheck(fn, make(1))).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck(fn, make(2))).toBe(true);
  });

  it('bumps the version and records a node', () => {
    const [x, other] = make(3);
    const y = x!.mul(1);
    const version = y.version;
    op(y, other!);
    expect(y.version).toBeGreaterThan(version);
    expect(y.gradFn!.name).toMatch(/Backward$/);
  });
});

describe('add_', () => {
  it('makes a leaf that requires no grad part of the graph when the operand requires grad', () => {
    const w = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const z = A.zeros(2, { dtype: 'float64' });
    z.add_(w.mul(w));
    expect(z.isLeaf).toBe(false);
    z.sum().backward();
    expect(w.grad!.tolist()).toEqual([2, 4]);
  });

  it('matches finite differences when the operand is the tensor itself', () => {
    const inputs = seededInputs(4);
    expect(gradcheck((x) => { const y = x.mul(1); y.add_(y); return y; }, [inputs.randn(3)])).toBe(true);
  });

  it('runs directly on storage under noGrad, recording nothing', () => {
    const w = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    A.noGrad(() => w.add_(1));
    expect(w.isLeaf).toBe(true);
    expect(w.tolist()).toEqual([2, 3]);
  });
});

describe('mul_', () => {
  it('refuses backward when the operand is the tensor itself, as PyTorch does', () => {
    const x = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(1);
    y.mul_(y);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('matches finite differences through a chain of in-place ops', () => {
    const inputs = seededInputs(5);
    const fn = (x: A.Tensor, w: A.Tensor) => {
      const y = x.mul(1);
      y.mul_(w).exp_().add_(x, { alpha: 2 }).tanh_();
      return y.sum(0);
    };
    expect(gradcheck(fn, [inputs.transposed(2, 3), inputs.randn(3)])).toBe(true);
    expect(gradgradcheck(fn, [inputs.randn(2, 3), inputs.randn(3)])).toBe(true);
  });

  it('refuses a leaf that requires grad', () => {
    const x = A.ones(2, { dtype: 'float64', requiresGrad: true });
    expect(() => x.mul_(2)).toThrow('a leaf Variable that requires grad is being used in an in-place operation');
  });
});

describe('copy_', () => {
  it('copies into a view of a tensor that requires no grad only when no gradient is asked for', () => {
    const w = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const out = A.zeros([2, 2], { dtype: 'float64' });
    // The gradient would reach the view but not `out`, so the copy must be refused…
    expect(() => out.select(0, 1).copy_(w)).toThrow(A.AutogradError);
    // …while the same copy of a constant is a plain write.
    out.select(0, 1).copy_(w.detach());
    expect(out.tolist()).toEqual([[0, 0], [1, 2]]);
  });
});

describe('inPlace', () => {
  it('refuses a view taken before an in-place op on its non-leaf base', () => {
    const x = A.tensor([1, 2, 3, 4], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(1);
    const view = y.narrow(0, 0, 2);
    y.mul_(2);
    expect(() => view.sum()).toThrow('sum: an input is a view taken before an in-place op on its base');
  });

  it('refuses a view of a constant base that an in-place op made part of the graph', () => {
    const w = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const out = A.zeros([2, 2], { dtype: 'float64' });
    const row = out.select(0, 0);
    out.add_(w);
    expect(() => row.mul(2)).toThrow(A.AutogradError);
  });

  it('gives correct gradients through a view taken after the in-place op', () => {
    const inputs = seededInputs(6);
    const fn = (x: A.Tensor) => {
      const y = x.mul(1);
      y.mul_(x);
      return y.t().narrow(0, 1, 2);
    };
    expect(gradcheck(fn, [inputs.randn(3, 3)])).toBe(true);
  });

  it('lets a view taken before an in-place op under noGrad be used', () => {
    const x = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(1);
    const view = y.view(2, 1);
    A.noGrad(() => y.add_(1));
    view.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1]);
  });
});
