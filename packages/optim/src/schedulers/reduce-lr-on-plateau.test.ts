import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, sgdOne, sgdTwoGroups, twoParams } from '../../test/scheduler-harness.js';
import { Parameter, tensor, zeros } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

const metrics = (values: number[]) => (step: number) => values[step]!;

describe('ReduceLROnPlateau', () => {
  it('reduces the rate after more than `patience` epochs without improvement', () => {
    const optimizer = sgdOne(1);
    const scheduler = new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 1 });
    expect(lrSequence(optimizer, scheduler, 7, metrics([1, 1, 1, 1, 0.5, 0.5, 0.5]))).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });

  it("in 'max' mode with an absolute threshold, waits out the cooldown and stops at minLr", () => {
    const optimizer = sgdOne(1);
    const scheduler = new ReduceLROnPlateau(optimizer, { mode: 'max', factor: 0.1, patience: 0, threshold: 0.5, thresholdMode: 'abs', cooldown: 1, minLr: 0.05 });
    // 1.4 is not better than 1 + 0.5: a bad epoch, reduce; then one cooldown epoch; then reduce to the floor.
    expect(lrSequence(optimizer, scheduler, 5, metrics([1, 1.4, 1.4, 1.4, 1.4]))).toEqual([1, 1, 0.1, 0.1, 0.05, 0.05]);
  });

  it('skips reductions smaller than eps', () => {
    const optimizer = sgdOne(1e-9);
    const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0 });
    expect(lrSequence(optimizer, scheduler, 2, metrics([1, 1]))).toEqual([1e-9, 1e-9, 1e-9]);
  });

  it('takes one minLr per group', () => {
    const optimizer = sgdTwoGroups(twoParams());
    const scheduler = new ReduceLROnPlateau(optimizer, { factor: 0.1, patience: 0, minLr: [0.05, 0] });
    lrSequence(optimizer, scheduler, 2, metrics([1, 1]));
    expect(scheduler.getLastLr()).toEqual([0.05, 0.05 * 0.1]);
  });

  it('accepts a 0-d tensor metric', () => {
    const optimizer = sgdOne(1);
    const scheduler = new ReduceLROnPlateau(optimizer);
    scheduler.step(tensor(0.25));
    expect(scheduler.best).toBe(0.25);
  });

  it('does not touch initialLr and has a last lr from the start', () => {
    const optimizer = sgdOne(0.3);
    const scheduler = new ReduceLROnPlateau(optimizer);
    expect('initialLr' in optimizer.paramGroups[0]!).toBe(false);
    expect(scheduler.getLastLr()).toEqual([0.3]);
  });

  it('rejects factor >= 1', () => {
    expect(() => new ReduceLROnPlateau(sgdOne(), { factor: 1 })).toThrow(new OptimError('Factor should be < 1.0.'));
  });

  it('rejects an unknown mode and threshold mode', () => {
    expect(() => new ReduceLROnPlateau(sgdOne(), { mode: 'up' as 'min' })).toThrow(new OptimError('mode up is unknown!'));
    expect(() => new ReduceLROnPlateau(sgdOne(), { thresholdMode: 'pct' as 'rel' })).toThrow(new OptimError('threshold mode pct is unknown!'));
  });

  it('checks the number of min_lrs', () => {
    expect(() => new ReduceLROnPlateau(sgdTwoGroups(twoParams()), { minLr: [0.1] })).toThrow(new OptimError('expected 2 min_lrs, got 1'));
  });

  it('requires a metric', () => {
    expect(() => new ReduceLROnPlateau(sgdOne()).step()).toThrow(new OptimError("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'"));
  });

  it('refuses to reduce when a group was added after a per-group minLr', () => {
    const optimizer = sgdOne(1);
    const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0, minLr: [0] });
    optimizer.addParamGroup({ params: [new Parameter(zeros([1]))] });
    scheduler.step(1);
    expect(() => scheduler.step(1)).toThrow(/^The number of param groups in the `optimizer` \(2\) differs from when `ReduceLROnPlateau` was initialized \(1\)/);
  });

  it("saves PyTorch's keys, and restores an infinite best through JSON", () => {
    const optimizer = sgdOne(1);
    const state = new ReduceLROnPlateau(optimizer, { mode: 'max' }).stateDict();
    expect(Object.keys(state)).toEqual([
      'factor', 'default_min_lr', 'min_lrs', 'patience', 'cooldown', 'eps', 'last_epoch', '_last_lr', 'mode_worse', 'mode', 'threshold', 'threshold_mode', 'best', 'cooldown_counter', 'num_bad_epochs',
    ]);
    const restored = new ReduceLROnPlateau(optimizer);
    restored.loadStateDict(JSON.parse(JSON.stringify(state)) as Record<string, unknown>);
    expect([restored.mode, restored.best, restored.modeWorse]).toEqual(['max', -Infinity, -Infinity]);
    restored.loadStateDict({ ...state, mode: 'min', best: 'inf' });
    expect(restored.best).toBe(Infinity);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 1, cooldown: 1, minLr: [0.01, 0.002] }) };
    }, 6, 12);
  });
});
