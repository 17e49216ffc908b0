import { manualSeed } from '@torchlet/nn';
import { describe, expect, it } from 'vitest';
import { makeMoons, train } from './two-moons.js';

describe('two-moons example', () => {
  it('draws balanced, reproducible data', () => {
    const a = makeMoons(10, 0.1, 3);
    expect(a.x.shape).toEqual([10, 2]);
    expect(a.y.sum().item()).toBe(5);
    expect(makeMoons(10, 0.1, 3).x.tolist()).toEqual(a.x.tolist());
  });

  it('reaches at least 97% held-out accuracy with hand-written gradient descent', () => {
    manualSeed(0);
    const { testAccuracy, losses } = train({ epochs: 300 });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 5);
    expect(testAccuracy).toBeGreaterThanOrEqual(0.97);
  });
});
