import { describe, expect, it } from 'vitest';
import { maxDifference, randomData, stepMismatch } from './data.js';

describe('randomData', () => {
  it('gives the same values for the same seed, in [-1, 1)', () => {
    const values = randomData(1000, 7);
    expect(randomData(1000, 7)).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThan(1);
  });

  it('gives different values for different seeds', () => {
    expect(randomData(10, 1)).not.toEqual(randomData(10, 2));
  });
});

describe('maxDifference', () => {
  it('is the largest elementwise absolute difference', () => {
    expect(maxDifference([1, 2, 3], [1, 2.5, 2])).toBe(1);
  });
});

describe('stepMismatch', () => {
  const start = [1, 1, 1, 1];
  const gradient = [0.5, -0.5, 0.2, 0.01];

  it('is 0 when both steps are equal', () => {
    expect(stepMismatch(start, gradient, [0.9, 1.1, 0.95, 0.99], [0.9, 1.1, 0.95, 0.99])).toBe(0);
  });

  it('divides the largest difference of the steps by the largest step', () => {
    // Steps -0.1, 0.1, -0.05 against -0.1, 0.1, -0.04: off by 0.01 of a largest step of 0.1.
    expect(stepMismatch(start, gradient, [0.9, 1.1, 0.95, 1], [0.9, 1.1, 0.96, 1])).toBeCloseTo(0.1, 12);
  });

  it('ignores elements whose gradient is smaller than minGradient', () => {
    expect(stepMismatch(start, gradient, [0.9, 1.1, 0.95, 0.5], [0.9, 1.1, 0.95, 2])).toBe(0);
    expect(stepMismatch(start, gradient, [0.9, 1.1, 0.95, 0.5], [0.9, 1.1, 0.95, 2], 0)).toBeGreaterThan(1);
  });

  it('is Infinity when the first side did not move and NaN when a value is NaN', () => {
    expect(stepMismatch(start, gradient, start, [0.9, 1, 1, 1])).toBe(Infinity);
    expect(stepMismatch(start, gradient, [0.9, NaN, 1, 1], [0.9, 1, 1, 1])).toBeNaN();
  });

  it('is 1 against the start itself when the first side moved', () => {
    expect(stepMismatch(start, gradient, [0.9, 1, 1, 1], start)).toBe(1);
  });
});
