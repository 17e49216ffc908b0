import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

describe('cat', () => {
  it('matches finite differences along dim 1 with non-contiguous pieces', () => {
    const inputs = seededInputs(1);
    expect(gradcheck((a, b, c) => A.cat([a, b, c], 1), [inputs.transposed(3, 2), inputs.strided(3, 1), inputs.randn(3, 2)])).toBe(true);
  });

  it('matches finite differences along dim 0', () => {
    const inputs = seededInputs(2);
    expect(gradcheck((a, b) => A.cat([a, b]), [inputs.randn(1, 3), inputs.randn(2, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(3);
    expect(gradgradcheck((a, b) => A.cat([a, b], -1), [inputs.randn(2, 2), inputs.randn(2, 1)])).toBe(true);
  });

  it('gives constants among the pieces no gradient', () => {
    const a = A.ones([2], { dtype: 'float64', requiresGrad: true });
    const constant = A.zeros(3, { dtype: 'float64' });
    A.cat([constant, a]).mul(A.arange(5, { dtype: 'float64' })).sum().backward();
    expect(a.grad!.tolist()).toEqual([3, 4]);
    expect(constant.grad).toBeNull();
  });

  it('skips legacy empty 1-D pieces', () => {
    const a = A.ones([2, 2], { dtype: 'float64', requiresGrad: true });
    const empty = A.zeros(0, { dtype: 'float64', requiresGrad: true });
    A.cat([empty, a], 1).sum().backward();
    expect(a.grad!.tolist()).toEqual([[1, 1], [1, 1]]);
  });
});

describe('stack', () => {
  it('matches finite differences along a new middle dim', () => {
    const inputs = seededInputs(4);
    expect(gradcheck((a, b) => A.stack([a, b], 1), [inputs.transposed(3, 2), inputs.strided(3, 2)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(5);
    expect(gradgradcheck((a, b) => A.stack([a, b], -1), [inputs.randn(2), inputs.randn(2)])).toBe(true);
  });
});
