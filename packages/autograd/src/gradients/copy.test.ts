import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

describe('clone', () => {
  it('matches finite differences on a non-contiguous input', () => {
    const inputs = seededInputs(1);
    expect(gradcheck(A.clone, [inputs.transposed(3, 4)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(2);
    expect(gradgradcheck((x) => A.clone(x).mul(x), [inputs.strided(2, 3)])).toBe(true);
  });

  it('copies into new storage with a CloneBackward node', () => {
    const x = A.ones(2, { dtype: 'float64', requiresGrad: true });
    const y = A.clone(x);
    expect(y.storage).not.toBe(x.storage);
    expect(y.gradFn!.name).toBe('CloneBackward');
  });
});

describe('contiguous', () => {
  it('matches finite differences on a transposed input', () => {
    const inputs = seededInputs(3);
    expect(gradcheck((x) => x.contiguous(), [inputs.transposed(3, 4)])).toBe(true);
  });

  it('returns a contiguous input itself', () => {
    const x = A.ones(2, { dtype: 'float64', requiresGrad: true });
    expect(x.contiguous()).toBe(x);
  });
});

describe('toDType', () => {
  it('matches finite differences through a float64 → float64 round trip with float32 on the way', () => {
    // Values exactly representable in float32, and a step (2⁻¹⁰) that float32 resolves.
    const x = A.tensor([[0.5, -1.25], [2, 3.75]], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => A.toDType(x, 'float32').mul(2).to('float64'), [x.t()], { eps: 2 ** -10 })).toBe(true);
  });

  it('converts the gradient back to the input dtype', () => {
    const x = A.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = A.toDType(x, 'float64');
    expect(y.gradFn!.name).toBe('ToCopyBackward');
    y.mul(A.tensor([0.1, 0.2], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.toTypedArray())).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });

  it('returns the input itself for its own dtype', () => {
    const x = A.ones(2, { dtype: 'float64', requiresGrad: true });
    expect(A.toDType(x, 'float64')).toBe(x);
  });

  it('records nothing for an integer result', () => {
    const x = A.tensor([1.5, 2.5], { dtype: 'float64', requiresGrad: true });
    const y = A.toDType(x, 'int32');
    expect(y.gradFn).toBeNull();
    expect(y.requiresGrad).toBe(false);
  });
});
