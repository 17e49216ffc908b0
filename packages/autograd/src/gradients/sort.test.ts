import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

describe('sort', () => {
  it('matches finite differences along the last dim of a non-contiguous input', () => {
    const inputs = seededInputs(1);
    expect(gradcheck((x) => A.sort(x).values, [inputs.transposed(3, 4)])).toBe(true);
  });

  it('matches finite differences descending along dim 0', () => {
    const inputs = seededInputs(2);
    expect(gradcheck((x) => A.sort(x, 0, { descending: true }).values, [inputs.strided(3, 2)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(3);
    expect(gradgradcheck((x) => A.sort(x, 1).values, [inputs.randn(2, 3)])).toBe(true);
  });

  it('sends each sorted value’s gradient back to where it came from', () => {
    const x = A.tensor([3, 1, 2], { dtype: 'float64', requiresGrad: true });
    A.sort(x).values.mul(A.tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.tolist()).toEqual([100, 1, 10]);
  });
});

describe('topk', () => {
  it('matches finite differences for the largest k on a non-contiguous input', () => {
    const inputs = seededInputs(4);
    expect(gradcheck((x) => A.topk(x, 2).values, [inputs.transposed(3, 4)])).toBe(true);
  });

  it('matches finite differences for the smallest k along dim 0', () => {
    const inputs = seededInputs(5);
    expect(gradcheck((x) => A.topk(x, 2, 0, { largest: false }).values, [inputs.randn(4, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(6);
    expect(gradgradcheck((x) => A.topk(x, 1).values, [inputs.randn(2, 3)])).toBe(true);
  });
});

describe('argsort', () => {
  it('returns indices that record nothing', () => {
    const x = A.tensor([3, 1, 2], { dtype: 'float64', requiresGrad: true });
    expect(A.argsort(x).gradFn).toBeNull();
    expect(A.sort(x).indices.requiresGrad).toBe(false);
  });
});
