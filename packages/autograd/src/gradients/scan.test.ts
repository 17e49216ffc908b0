import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

describe('cumsum', () => {
  it('matches finite differences along each dim of a non-contiguous input', () => {
    const inputs = seededInputs(1);
    const x = inputs.transposed(3, 4);
    expect(gradcheck((x) => A.cumsum(x, 0), [x])).toBe(true);
    expect(gradcheck((x) => A.cumsum(x, -1), [x])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(2);
    expect(gradgradcheck((x) => A.cumsum(x, 1), [inputs.strided(2, 3)])).toBe(true);
  });

  it('gives each element the sum of the gradients at and after it', () => {
    const x = A.zeros(3, { dtype: 'float64', requiresGrad: true });
    A.cumsum(x, 0).mul(A.tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.tolist()).toEqual([111, 110, 100]);
  });
});

describe('cumprod', () => {
  it('matches finite differences along each dim of a non-contiguous input', () => {
    const inputs = seededInputs(3);
    const x = inputs.transposed(3, 4);
    expect(gradcheck((x) => A.cumprod(x, 0), [x])).toBe(true);
    expect(gradcheck((x) => A.cumprod(x, 1), [x])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(4);
    expect(gradgradcheck((x) => A.cumprod(x, -1), [inputs.transposed(2, 3)])).toBe(true);
  });

  it('matches finite differences with zeros in the input', () => {
    const x = A.tensor([[2, 0, 3, 0.5], [0, 1.5, 0, -2]], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => A.cumprod(x, 1), [x])).toBe(true);
    expect(gradcheck((x) => A.cumprod(x, 0), [x.t()])).toBe(true);
  });

  it('has second derivatives that match finite differences with zeros in the input', () => {
    const x = A.tensor([[2, 0, 3, 0.5], [0, 1.5, 0, -2]], { dtype: 'float64', requiresGrad: true });
    expect(gradgradcheck((x) => A.cumprod(x, 1), [x])).toBe(true);
  });
});
