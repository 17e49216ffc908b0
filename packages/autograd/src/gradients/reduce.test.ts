import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type Unary = (x: A.Tensor) => A.Tensor;

/** Each reduction on a non-contiguous [4, 3] input (random values: no ties, no zeros). */
const cases: [name: string, op: Unary][] = [
  ['sum', (x) => A.sum(x)],
  ['sum (dim, keepdim)', (x) => A.sum(x, 1, { keepdim: true })],
  ['sum (dims [], meaning all)', (x) => A.sum(x, [])],
  ['mean', (x) => A.mean(x)],
  ['mean (dims)', (x) => A.mean(x, [0, -1])],
  ['mean (dims [], meaning all)', (x) => A.mean(x, [], { keepdim: true })],
  ['prod', (x) => A.prod(x)],
  ['prod (dim)', (x) => A.prod(x, 0)],
  ['max', (x) => A.max(x)],
  ['max (dim)', (x) => A.max(x, 1).values],
  ['min', (x) => A.min(x)],
  ['min (dim, keepdim)', (x) => A.min(x, 0, { keepdim: true }).values],
  ['amax', (x) => A.amax(x, [0, 1])],
  ['amin', (x) => A.amin(x, 1, { keepdim: true })],
  ['variance', (x) => A.variance(x, 1)],
  ['variance (correction 0, keepdim)', (x) => A.variance(x, 0, { correction: 0, keepdim: true })],
  ['std', (x) => A.std(x)],
  ['std (dim, unbiased false)', (x) => A.std(x, 1, { unbiased: false })],
  ['logsumexp', (x) => A.logsumexp(x, -1)],
  ['logsumexp (dims, keepdim)', (x) => A.logsumexp(x, [0, 1], { keepdim: true })],
  ['norm', (x) => A.norm(x)],
  ['norm (p = 1, dim)', (x) => A.norm(x, 1, 1)],
  ['norm (p = 3, dim)', (x) => A.norm(x, 3, 0)],
  ['norm (p = 1.5)', (x) => A.norm(x, 1.5)],
  ['norm (p = ∞, dim)', (x) => A.norm(x, Infinity, 1)],
  ['norm (p = −∞)', (x) => A.norm(x, -Infinity)],
  ['norm (fro, keepdim)', (x) => A.norm(x, 'fro', [0, 1], { keepdim: true })],
];

describe.each(cases)('%s', (_name, op) => {
  it('matches finite differences on a non-contiguous input', () => {
    const inputs = seededInputs(1);
    expect(gradcheck(op, [inputs.awayFromZero(3, 4).t()])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(2);
    expect(gradgradcheck(op, [inputs.awayFromZero(3, 4).t()])).toBe(true);
  });
});

describe('prod', () => {
  it('gives the product of the others to a single zero, without dividing by it', () => {
    const x = A.tensor([2, 0, 3], { dtype: 'float64', requiresGrad: true });
    A.prod(x).backward();
    expect(x.grad!.tolist()).toEqual([0, 6, 0]);
  });

  it('gives zero gradients when two elements are zero', () => {
    const x = A.tensor([[0, 0, 3], [1, 2, 4]], { dtype: 'float64', requiresGrad: true });
    A.prod(x, 1).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0, 0], [8, 4, 2]]);
  });

  it('matches finite differences next to a zero', () => {
    const x = A.tensor([[2, 0, 3], [1, -2, 0.5]], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => A.prod(x, 1), [x])).toBe(true);
  });

  it('has second derivatives that match finite differences next to zeros', () => {
    const x = A.tensor([[2, 0, 3, 0.5], [0, 1.5, 0, -2]], { dtype: 'float64', requiresGrad: true });
    expect(gradgradcheck((x) => A.prod(x, 1), [x])).toBe(true);
    expect(gradgradcheck((x) => A.prod(x, [0, 1], { keepdim: true }), [x.t()])).toBe(true);
    expect(gradgradcheck((x) => A.prod(x), [A.tensor(0, { dtype: 'float64', requiresGrad: true })])).toBe(true);
  });
});

describe('max', () => {
  it('shares the gradient evenly between tied maxima of a full reduction', () => {
    const x = A.tensor([1, 3, 3], { dtype: 'float64', requiresGrad: true });
    A.max(x).backward();
    expect(x.grad!.tolist()).toEqual([0, 0.5, 0.5]);
  });

  it('returns int64 indices that record nothing', () => {
    const x = A.tensor([[1, 3], [4, 2]], { dtype: 'float64', requiresGrad: true });
    const { indices } = A.max(x, 1);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(indices.requiresGrad).toBe(false);
  });
});

describe('amax', () => {
  it('shares the gradient evenly between tied maxima', () => {
    const x = A.tensor([[1, 5, 5, 5], [2, 1, 0, 0]], { dtype: 'float64', requiresGrad: true });
    A.amax(x, 1).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 1 / 3, 1 / 3, 1 / 3], [1, 0, 0, 0]]);
  });
});

describe('norm', () => {
  it.each([2, 3, 1.5, 0.5])('has a zero gradient at the zero vector for p = %s, as PyTorch', (p) => {
    const x = A.zeros(3, { dtype: 'float64', requiresGrad: true });
    A.norm(x, p).backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
  });

  it.each([1.5, 0.5])('has a zero gradient at zero elements for p = %s', (p) => {
    const x = A.tensor([0, 3, -4], { dtype: 'float64', requiresGrad: true });
    A.norm(x, p).backward();
    expect((x.grad!.tolist() as number[])[0]).toBe(0);
    expect(gradcheck((x) => A.norm(x, p), [A.tensor([0.5, 3, -4], { dtype: 'float64', requiresGrad: true })])).toBe(true);
  });

  it('has a zero gradient for p = 0, which counts nonzero elements', () => {
    const x = A.tensor([0, 3, -4], { dtype: 'float64', requiresGrad: true });
    const y = A.norm(x, 0);
    y.backward();
    expect(y.item()).toBe(2);
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
  });
});

describe('std', () => {
  it('has a zero gradient for a constant lane, as PyTorch masks it', () => {
    const x = A.tensor([[2, 2, 2], [1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    A.std(x, 1).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0, 0], [-0.5, 0, 0.5]]);
  });
});

describe('argmax', () => {
  it('returns indices that record nothing', () => {
    const x = A.tensor([[1, 3], [4, 2]], { dtype: 'float64', requiresGrad: true });
    for (const out of [A.argmax(x, 1), A.argmin(x), A.all(x), A.any(x, 0)]) {
      expect(out.gradFn).toBeNull();
      expect(out.requiresGrad).toBe(false);
    }
  });
});
