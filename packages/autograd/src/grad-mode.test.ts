import { afterEach, describe, expect, it } from 'vitest';
import * as A from './index.js';

const x = () => A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });

afterEach(() => A.setGradEnabled(true));

describe('noGrad', () => {
  it('records nothing: results have no gradFn and require no grad', () => {
    const y = A.noGrad(() => x().mul(2).sum());
    expect(y.gradFn).toBeNull();
    expect(y.requiresGrad).toBe(false);
  });

  it('returns what the function returns and restores grad mode', () => {
    expect(A.noGrad(() => 42)).toBe(42);
    expect(A.isGradEnabled()).toBe(true);
  });

  it('restores grad mode when the function throws', () => {
    expect(() =>
      A.noGrad(() => {
        throw new A.InvalidArgumentError('boom');
      }),
    ).toThrow('boom');
    expect(A.isGradEnabled()).toBe(true);
  });

  it('lets in-place ops update a leaf that requires grad', () => {
    const w = x();
    A.noGrad(() => w.sub_(w.mul(0.5)));
    expect(w.tolist()).toEqual([0.5, 1]);
    expect(w.isLeaf).toBe(true);
  });
});

describe('enableGrad', () => {
  it('records inside noGrad', () => {
    const y = A.noGrad(() => A.enableGrad(() => x().mul(2)));
    expect(y.gradFn!.name).toBe('MulBackward');
    expect(A.isGradEnabled()).toBe(true);
  });
});

describe('setGradEnabled', () => {
  it('turns recording off and on until changed again', () => {
    A.setGradEnabled(false);
    expect(A.isGradEnabled()).toBe(false);
    expect(x().mul(2).gradFn).toBeNull();
    A.setGradEnabled(true);
    expect(A.isGradEnabled()).toBe(true);
    expect(x().mul(2).gradFn).not.toBeNull();
  });
});

describe('isGradEnabled', () => {
  it('is true by default and false inside noGrad', () => {
    expect(A.isGradEnabled()).toBe(true);
    expect(A.noGrad(A.isGradEnabled)).toBe(false);
  });
});
