import { manualSeed } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { fitLinear, makeData, TRUE_BIAS, TRUE_WEIGHTS } from './linear-regression.js';

describe('makeData', () => {
  it('draws the same points for the same seed', () => {
    const a = makeData(8, 0.1, 3);
    expect(a.x.shape).toEqual([8, 3]);
    expect(a.y.shape).toEqual([8, 1]);
    expect(makeData(8, 0.1, 3).y.tolist()).toEqual(a.y.tolist());
  });

  it('matches the formula exactly without noise', () => {
    const { x, y } = makeData(4, 0, 1);
    const rows = x.tolist() as number[][];
    (y.tolist() as number[][]).forEach(([value], i) => {
      const [x0, x1, x2] = rows[i]!;
      expect(value!).toBeCloseTo(2 * x0! - 3 * x1! + 0.5 * x2! + 1, 5);
    });
  });
});

describe('fitLinear', () => {
  it('recovers the weights and bias to within 0.05', () => {
    manualSeed(0);
    const { weights, bias, losses } = fitLinear();
    weights.forEach((w, i) => expect(Math.abs(w - TRUE_WEIGHTS[i]!)).toBeLessThan(0.05));
    expect(Math.abs(bias - TRUE_BIAS)).toBeLessThan(0.05);
    // The noise has variance 0.01, so that is where the error bottoms out.
    expect(losses[losses.length - 1]!).toBeLessThan(0.02);
    expect(losses[0]!).toBeGreaterThan(5);
  });
});
