import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

describe.each([
  ['softmax', A.softmax],
  ['logSoftmax', A.logSoftmax],
] as const)('%s', (_name, op) => {
  it('matches finite differences along the last dim of a non-contiguous input', () => {
    const inputs = seededInputs(1);
    expect(gradcheck((x) => op(x, -1), [inputs.transposed(3, 4)])).toBe(true);
  });

  it('matches finite differences along dim 0 of a 3-D input', () => {
    const inputs = seededInputs(2);
    expect(gradcheck((x) => op(x, 0), [inputs.randn(3, 2, 2)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(3);
    expect(gradgradcheck((x) => op(x, 1), [inputs.strided(2, 3)])).toBe(true);
  });

  it('gives the same gradient from the fused kernel as from the composed formula', () => {
    const inputs = seededInputs(4);
    const x = inputs.transposed(3, 4);
    const weights = inputs.randn(3, 4).detach();
    const [fused] = A.grad(op(x, 1).mul(weights).sum(), x);
    const [composed] = A.grad(op(x, 1).mul(weights).sum(), x, { createGraph: true });
    expect(A.allclose(fused!, composed!.detach(), { rtol: 1e-12, atol: 1e-12 })).toBe(true);
  });

  it('returns a float32 gradient for a float32 input computed in float64', () => {
    const x = A.tensor([[1, 2, 3]], { dtype: 'float32', requiresGrad: true });
    const y = op(x, 1, { dtype: 'float64' });
    expect(y.dtype).toBe('float64');
    y.select(1, 0).backward();
    expect(x.grad!.dtype).toBe('float32');
  });
});
