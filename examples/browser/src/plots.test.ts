import { describe, expect, it } from 'vitest';
import { contour } from './plots.js';

describe('contour', () => {
  it('finds a vertical line where values rising left to right cross the level', () => {
    const resolution = 4;
    // Values 0, 1, 2, 3 across each row, sampled at cell centres 0.5, 1.5, 2.5, 3.5.
    const grid = Float32Array.from({ length: 16 }, (_, i) => i % resolution);
    const segments = contour(grid, resolution, 1.25);
    expect(segments).toHaveLength(3);
    for (const [x0, , x1] of segments) {
      expect(x0).toBeCloseTo(1.75);
      expect(x1).toBeCloseTo(1.75);
    }
  });

  it('draws nothing when the level is never crossed', () => {
    expect(contour(new Float32Array(9).fill(0.9), 3, 0.5)).toEqual([]);
  });
});
