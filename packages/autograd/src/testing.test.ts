import { describe, expect, it } from 'vitest';
import { AutogradError } from './autograd-error.js';
import { record, raw } from './record.js';
import { randn, tensor } from './creation.js';
import { gradcheck, gradgradcheck } from './testing.js';
import type { Tensor } from './tensor.js';

describe('gradcheck', () => {
  it('passes a correct gradient and its second derivative', () => {
    const x = randn(3, 4, { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => x.tanh().mul(x).sum(1), [x])).toBe(true);
    expect(gradgradcheck((x) => x.tanh().mul(x), [x])).toBe(true);
  });

  it('catches a wrong gradient and names the element', () => {
    // A deliberately wrong backward: d(x²)/dx reported as x instead of 2x.
    const wrongSquare = (x: Tensor) => record('WrongSquareBackward', raw(x).mul(raw(x)), [x], (g) => [g.mul(x)]);
    const x = tensor([1.5, -2], { dtype: 'float64', requiresGrad: true });
    expect(() => gradcheck(wrongSquare, [x])).toThrow(AutogradError);
    expect(() => gradcheck(wrongSquare, [x])).toThrow(/output 0 element 0 with respect to input 0 element 0: analytical 1.5, numerical 2.99999/);
  });

  it('requires float64 inputs', () => {
    const x = randn(2, { requiresGrad: true });
    expect(() => gradcheck((x) => x.sum(), [x])).toThrow(/should be float64/);
  });
});
