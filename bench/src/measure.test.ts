import { describe, expect, it } from 'vitest';
import { matmulGflops, median, timeMedian } from './measure.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores one outlier', () => {
    expect(median([10, 11, 1000, 12, 10])).toBe(11);
  });
});

describe('timeMedian', () => {
  it('runs the warm-up plus between minRuns and maxRuns timed runs', () => {
    let calls = 0;
    const timing = timeMedian(() => calls++, { warmup: 2, minRuns: 3, maxRuns: 3, budgetMs: 60_000 });
    expect(timing.runs).toBe(3);
    expect(calls).toBe(5);
    expect(timing.ms).toBeGreaterThanOrEqual(0);
  });

  it('cuts the warm-up to one run once the budget is spent, and then runs minRuns', () => {
    let calls = 0;
    const timing = timeMedian(() => calls++, { warmup: 5, minRuns: 3, maxRuns: 5, budgetMs: 0 });
    expect(timing.runs).toBe(3);
    expect(calls).toBe(4);
  });

  it('keeps warming up until warmupMs has passed, then runs the timed runs', () => {
    let calls = 0;
    const start = performance.now();
    const timing = timeMedian(() => calls++, { warmup: 1, warmupMs: 20, minRuns: 2, maxRuns: 2, budgetMs: 60_000 });
    expect(performance.now() - start).toBeGreaterThanOrEqual(20);
    expect(timing.runs).toBe(2);
    expect(calls).toBeGreaterThan(3);
  });

  it('stops at maxRuns even when the budget is not spent', () => {
    const timing = timeMedian(() => undefined, { warmup: 0, minRuns: 1, maxRuns: 4, budgetMs: 60_000 });
    expect(timing.runs).toBe(4);
  });
});

describe('matmulGflops', () => {
  it('counts 2n³ operations', () => {
    expect(matmulGflops(1000, 1000)).toBeCloseTo(2, 12);
  });
});
