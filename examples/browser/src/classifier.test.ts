import { manualSeed } from '@torchlet/serialize';
import { describe, expect, it } from 'vitest';
import { ClassifierRun, DEFAULT_CONFIG, OPTIMIZERS, type OptimizerName, SCHEDULERS, type SchedulerName } from './classifier.js';

describe('ClassifierRun', () => {
  for (const optimizer of Object.keys(OPTIMIZERS) as OptimizerName[]) {
    it(`learns the two moons to 95% held-out accuracy with ${optimizer} at its default rate`, () => {
      manualSeed(0);
      const run = new ClassifierRun({ ...DEFAULT_CONFIG, optimizer, lr: OPTIMIZERS[optimizer].defaultLr, scheduler: 'none', steps: 300 });
      while (!run.done) run.trainStep();
      expect(run.losses[run.losses.length - 1]!).toBeLessThan(run.losses[0]! / 4);
      expect(run.accuracy('test')).toBeGreaterThanOrEqual(0.95);
    });
  }

  for (const scheduler of Object.keys(SCHEDULERS) as SchedulerName[]) {
    it(`steps ${scheduler} through a whole run with a finite, positive rate`, () => {
      for (const optimizer of ['Adam', 'SGD', 'Adagrad'] as const) {
        const run = new ClassifierRun({ ...DEFAULT_CONFIG, optimizer, scheduler, hidden: 4, steps: 40 });
        const rates: number[] = [];
        while (!run.done) {
          rates.push(run.lr);
          run.trainStep();
        }
        expect(rates.every((lr) => Number.isFinite(lr) && lr > 0), `${optimizer}: ${rates.join(', ')}`).toBe(true);
      }
    });
  }

  it('evaluates the probability grid row by row from the top', () => {
    const run = new ClassifierRun({ ...DEFAULT_CONFIG, dataset: 'xor', steps: 200 });
    while (!run.done) run.trainStep();
    const grid = run.probabilityGrid(8);
    expect(grid.length).toBe(64);
    expect(grid.every((p) => p >= 0 && p <= 1)).toBe(true);
    // XOR's class 1 holds the quadrants where x · y < 0: top left and bottom right.
    expect(grid[0]!).toBeGreaterThan(0.5);
    expect(grid[63]!).toBeGreaterThan(0.5);
    expect(grid[7]!).toBeLessThan(0.5);
    expect(grid[56]!).toBeLessThan(0.5);
  });
});
