import { describe, expect, it } from 'vitest';
import { cubicInterpolate, type Num, Scalar0d, ScalarMath, strongWolfe } from '../index.js';
import type { FloatArray } from './common.js';

const exact = new ScalarMath((v) => v);
const float32 = new ScalarMath(Math.fround);

describe('ScalarMath', () => {
  it('keeps number ∘ number in double', () => {
    expect(float32.add(0.1, 0.2)).toBe(0.1 + 0.2);
  });

  it('casts a number meeting a 0-d tensor to the dtype, and rounds the result', () => {
    const result = float32.sub(new Scalar0d(1), 0.1);
    expect(result).toBeInstanceOf(Scalar0d);
    expect((result as Scalar0d).value).toBe(Math.fround(1 - Math.fround(0.1)));
  });

  it('divides a number by a tensor as reciprocal-then-multiply (Python’s __rtruediv__)', () => {
    const result = float32.div(3, new Scalar0d(Math.fround(0.7))) as Scalar0d;
    expect(result.value).toBe(Math.fround(Math.fround(1 / Math.fround(0.7)) * 3));
  });

  it('compares in the dtype when a tensor takes part', () => {
    expect(float32.gt(new Scalar0d(Math.fround(0.1)), 0.1)).toBe(false);
    expect(exact.gt(Math.fround(0.1), 0.1)).toBe(true);
  });

  it('keeps Python’s min/max tie-breaking: the first argument wins ties', () => {
    const t = new Scalar0d(1);
    expect(float32.max(t, 1)).toBe(t);
    expect(float32.min(1, t)).toBe(1);
  });
});

describe('cubicInterpolate', () => {
  // f(x) = x³ − 3x: f(0) = 0, f′(0) = −3, f(2) = 2, f′(2) = 9; the local minimum is at x = 1.
  it('finds the minimiser of the cubic through two points and slopes', () => {
    expect(cubicInterpolate(exact, 0, 0, -3, 2, 2, 9)).toBe(1);
  });

  it('gives the same point with the ends swapped', () => {
    expect(cubicInterpolate(exact, 2, 2, 9, 0, 0, -3)).toBe(1);
  });

  it('clamps to the bounds', () => {
    expect(cubicInterpolate(exact, 0, 0, -3, 2, 2, 9, [1.5, 3])).toBe(1.5);
    expect(cubicInterpolate(exact, 0, 0, -3, 2, 2, 9, [-1, 0.25])).toBe(0.25);
  });

  it('takes the middle of the bounds when the cubic has no minimum', () => {
    // d₁ = 1 + 1 − 3(0 − 2/3)/(0 − 1) = 0, so d₁² − g₁g₂ = −1 < 0.
    expect(cubicInterpolate(exact, 0, 0, 1, 1, 2 / 3, 1)).toBe(0.5);
  });
});

describe('strongWolfe', () => {
  /** f(x) = (x − 2)², searched along d = [1] from x = [0]: f = 4, g = −4. */
  function search(t: Num) {
    const evaluated: number[] = [];
    const objective = (x: FloatArray, step: Num, d: FloatArray): [number, FloatArray] => {
      const at = x[0]! + exact.value(step) * d[0]!;
      evaluated.push(at);
      return [(at - 2) ** 2, new Float64Array([2 * (at - 2)])];
    };
    const result = strongWolfe(exact, objective, new Float64Array([0]), t, new Float64Array([1]), 4, new Float64Array([-4]), -4);
    return { ...result, evaluated };
  }

  it('accepts the first step when it satisfies both conditions', () => {
    const { t, loss, evals } = search(1);
    expect([t, loss, evals]).toEqual([1, 1, 1]);
  });

  it('zooms into the bracket after an overlong step, to the exact minimiser of a quadratic', () => {
    const { t, loss, grad, evals, evaluated } = search(10);
    expect(evaluated).toEqual([10, 2]);
    expect([exact.value(t), loss, grad[0], evals]).toEqual([2, 0, 0, 2]);
  });

  it('extrapolates after a short step, within [t + 0.01(t − t_prev), 10t]', () => {
    // At t = 0.1 the slope −3.8 still breaks |g·d| ≤ 0.9·4: the cubic's minimiser (2) is clamped to 10t = 1.
    const { t, evaluated, evals } = search(0.1);
    expect(evaluated).toEqual([0.1, 1]);
    expect([exact.value(t), evals]).toEqual([1, 2]);
  });

  it('stops after maxLs evaluations with the better end of [0, t]', () => {
    const objective = (x: FloatArray, step: Num): [number, FloatArray] => {
      const at = x[0]! + exact.value(step);
      return [(at - 2) ** 2, new Float64Array([2 * (at - 2)])];
    };
    const result = strongWolfe(exact, objective, new Float64Array([0]), 0.1, new Float64Array([1]), 4, new Float64Array([-4]), -4, { maxLs: 0 });
    expect([result.t, result.evals]).toEqual([0.1, 1]);
  });
});
