import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, sgdOne, sgdTwoGroups } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { ChainedScheduler, SequentialLR, type SequentialLROptions } from './composite-lr.js';
import { CosineAnnealingLR } from './cosine-lr.js';
import { ExponentialLR, StepLR } from './decay-lr.js';
import { ConstantLR, LinearLR } from './factor-lr.js';
import type { LRScheduler } from './lr-scheduler.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

describe('SequentialLR', () => {
  it('switches schedulers at the milestones, restarting the next one at its epoch 0', () => {
    const optimizer = sgdOne(1);
    const schedulers = [new ConstantLR(optimizer, { factor: 0.5, totalIters: 2 }), new ExponentialLR(optimizer, { gamma: 0.5 })];
    expect(lrSequence(optimizer, new SequentialLR(optimizer, { schedulers, milestones: [3] }), 5)).toEqual([0.5, 0.5, 1, 1, 0.5, 0.25]);
  });

  it('runs a linear warmup into a cosine that follows its closed form', () => {
    const optimizer = sgdOne(0.1);
    const schedulers = [new LinearLR(optimizer, { startFactor: 0.1, totalIters: 3 }), new CosineAnnealingLR(optimizer, { tMax: 5 })];
    const lrs = lrSequence(optimizer, new SequentialLR(optimizer, { schedulers, milestones: [3] }), 8);
    for (let e = 3; e <= 8; e++) expect(Math.abs(lrs[e]! - (0.1 * (1 + Math.cos((Math.PI * (e - 3)) / 5))) / 2)).toBeLessThan(1e-15);
  });

  it('needs at least one scheduler', () => {
    expect(() => new SequentialLR(sgdOne(), { schedulers: [], milestones: [] })).toThrow(new OptimError('SequentialLR expects at least one scheduler, but got no scheduler.'));
  });

  it('needs one milestone fewer than schedulers', () => {
    const optimizer = sgdOne();
    const schedulers = [new StepLR(optimizer, { stepSize: 2 }), new StepLR(optimizer, { stepSize: 3 })];
    expect(() => new SequentialLR(optimizer, { schedulers, milestones: [1, 2] })).toThrow(
      new OptimError(
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 2',
      ),
    );
  });

  it('refuses ReduceLROnPlateau', () => {
    const optimizer = sgdOne();
    const schedulers = [new ReduceLROnPlateau(optimizer) as LRScheduler];
    expect(() => new SequentialLR(optimizer, { schedulers, milestones: [] })).toThrow(
      new OptimError(
        'SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be specified when calling `step`, but got one at index 0 in the given schedulers sequence.',
      ),
    );
  });

  it('refuses a scheduler of another optimizer', () => {
    const optimizer = sgdOne();
    const schedulers = [new StepLR(optimizer, { stepSize: 2 }), new StepLR(sgdOne(), { stepSize: 2 })];
    expect(() => new SequentialLR(optimizer, { schedulers, milestones: [2] })).toThrow(
      new OptimError('SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler StepLR at index 1 has SGD, which is different from SGD.'),
    );
  });

  it('refuses something that is not a scheduler', () => {
    expect(() => new SequentialLR(sgdOne(), { schedulers: [{} as LRScheduler], milestones: [] })).toThrow(new OptimError('SequentialLR at index 0 should have `optimizer` as its attribute.'));
  });

  it('requires schedulers and milestones', () => {
    expect(() => new SequentialLR(sgdOne(), {} as SequentialLROptions)).toThrow(new OptimError("SequentialLR.__init__() missing 1 required positional argument: 'schedulers'"));
  });

  it("saves PyTorch's keys with the schedulers' state dicts", () => {
    const optimizer = sgdOne();
    const schedulers = [new StepLR(optimizer, { stepSize: 2 }), new ExponentialLR(optimizer, { gamma: 0.9 })];
    const state = new SequentialLR(optimizer, { schedulers, milestones: [2] }).stateDict();
    expect(Object.keys(state)).toEqual(['_milestones', 'last_epoch', '_last_lr', '_schedulers']);
    expect((state['_schedulers'] as Record<string, unknown>[]).map((s) => s['last_epoch'])).toEqual([0, -1]);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      const schedulers = [new LinearLR(optimizer, { startFactor: 0.2, totalIters: 3 }), new CosineAnnealingLR(optimizer, { tMax: 4 }), new StepLR(optimizer, { stepSize: 2, gamma: 0.5 })];
      return { optimizer, scheduler: new SequentialLR(optimizer, { schedulers, milestones: [3, 7] }) };
    }, 5, 7);
  });
});

describe('ChainedScheduler', () => {
  it('steps every scheduler, so their factors multiply', () => {
    const optimizer = sgdOne(1);
    const scheduler = new ChainedScheduler([new ConstantLR(optimizer, { factor: 0.5, totalIters: 2 }), new ExponentialLR(optimizer, { gamma: 0.5 })]);
    expect(lrSequence(optimizer, scheduler, 3)).toEqual([0.5, 0.25, 0.25, 0.125]);
    expect(scheduler.getLastLr()).toEqual([0.125]);
  });

  it('needs at least one scheduler', () => {
    expect(() => new ChainedScheduler([])).toThrow(new OptimError('ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.'));
  });

  it('refuses schedulers of another optimizer', () => {
    const optimizer = sgdOne();
    expect(() => new ChainedScheduler([new StepLR(optimizer, { stepSize: 2 })], sgdOne())).toThrow(
      new OptimError('ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler StepLR at index 0 has SGD, which is different from SGD.'),
    );
  });

  it('refuses ReduceLROnPlateau', () => {
    const optimizer = sgdOne();
    expect(() => new ChainedScheduler([new StepLR(optimizer, { stepSize: 2 }), new ReduceLROnPlateau(optimizer)])).toThrow(
      new OptimError(
        'ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be specified when calling `step`, but got one at index 1 in the given schedulers sequence.',
      ),
    );
  });

  it("saves PyTorch's keys", () => {
    const optimizer = sgdOne();
    expect(Object.keys(new ChainedScheduler([new StepLR(optimizer, { stepSize: 2 })], optimizer).stateDict())).toEqual(['_last_lr', '_schedulers']);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      const schedulers = [new ConstantLR(optimizer, { factor: 0.5, totalIters: 3 }), new ExponentialLR(optimizer, { gamma: 0.9 }), new StepLR(optimizer, { stepSize: 4, gamma: 0.5 })];
      return { optimizer, scheduler: new ChainedScheduler(schedulers, optimizer) };
    }, 4, 6);
  });
});
