import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type Unary = (x: A.Tensor) => A.Tensor;

/** Each reduction on a non-contiguous [4, 3] input (random values: no ties, no zeros). */
const cases: [name: string, op: Unary][] = [
  ['sum', (x) => A.sum(x)],
  ['sum (dim, keepdim)', (x) => A.sum(x, 1, { keepdim: true })],
  ['mean', (x) => A.mean(x)],
  ['mean (dims)', (x) => A.mean(x, [0, -1])],
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
  it('has a zero gradient at the zero vector for p = 2', () => {
    const x = A.zeros(3, { dtype: 'float64', requiresGrad: true });
    A.norm(x).backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
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
