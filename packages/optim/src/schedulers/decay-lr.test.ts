import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, optimizerStep, sgdOne, sgdTwoGroups } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { ExponentialLR, MultiStepLR, type MultiStepLROptions, PolynomialLR, StepLR, type StepLROptions, type ExponentialLROptions } from './decay-lr.js';
import { setWarningHandler } from './warnings.js';

describe('StepLR', () => {
  it('multiplies by gamma every stepSize epochs', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }), 5)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('defaults gamma to 0.1', () => {
    expect(new StepLR(sgdOne(), { stepSize: 1 }).gamma).toBe(0.1);
  });

  it('requires stepSize', () => {
    expect(() => new StepLR(sgdOne(), {} as StepLROptions)).toThrow(new OptimError("StepLR.__init__() missing 1 required positional argument: 'step_size'"));
  });

  it("fails like PyTorch's (ZeroDivisionError) at the first step with stepSize 0", () => {
    const optimizer = sgdOne(1);
    const scheduler = new StepLR(optimizer, { stepSize: 0 });
    expect(() => lrSequence(optimizer, scheduler, 1)).toThrow(new OptimError('integer modulo by zero'));
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new StepLR(optimizer, { stepSize: 3, gamma: 0.7 }) };
    }, 4, 6);
  });
});

describe('MultiStepLR', () => {
  it('multiplies by gamma at each milestone, once per repetition', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new MultiStepLR(optimizer, { milestones: [2, 2, 4], gamma: 0.5 }), 5)).toEqual([1, 1, 0.25, 0.25, 0.125, 0.125]);
  });

  it('saves the milestones as a Counter and jumps with the closed form', () => {
    const optimizer = sgdOne(1);
    const scheduler = new MultiStepLR(optimizer, { milestones: [4, 2, 2], gamma: 0.5 });
    expect(scheduler.stateDict()['milestones']).toEqual({ 2: 2, 4: 1 });
    optimizerStep(optimizer);
    const restore = setWarningHandler(() => {});
    scheduler.step(3);
    setWarningHandler(restore);
    expect(scheduler.getLastLr()).toEqual([0.25]);
  });

  it('requires milestones', () => {
    expect(() => new MultiStepLR(sgdOne(), {} as MultiStepLROptions)).toThrow(new OptimError("MultiStepLR.__init__() missing 1 required positional argument: 'milestones'"));
  });

  it('resumes exactly (milestones through JSON)', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new MultiStepLR(optimizer, { milestones: [2, 5, 5, 7], gamma: 0.6 }) };
    }, 3, 6);
  });
});

describe('ExponentialLR', () => {
  it('multiplies by gamma every epoch', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new ExponentialLR(optimizer, { gamma: 0.5 }), 3)).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('does not move ahead when constructed to resume', () => {
    const optimizer = sgdOne(0.25);
    optimizer.paramGroups[0]!['initialLr'] = 1;
    const scheduler = new ExponentialLR(optimizer, { gamma: 0.5, lastEpoch: 2 });
    expect(scheduler.getLastLr()).toEqual([0.25]);
    expect(scheduler.lastEpoch).toBe(3);
  });

  it('requires gamma', () => {
    expect(() => new ExponentialLR(sgdOne(), {} as ExponentialLROptions)).toThrow(new OptimError("ExponentialLR.__init__() missing 1 required positional argument: 'gamma'"));
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new ExponentialLR(optimizer, { gamma: 0.9 }) };
    }, 5, 5);
  });
});

describe('PolynomialLR', () => {
  it('decays linearly to 0 with power 1 and then stays', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new PolynomialLR(optimizer, { totalIters: 4 }), 6)).toEqual([1, 0.75, 0.5, 0.25, 0, 0, 0]);
  });

  it('follows the closed form (1 - e/T)^power', () => {
    const optimizer = sgdOne(1);
    const lrs = lrSequence(optimizer, new PolynomialLR(optimizer, { totalIters: 10, power: 2 }), 10);
    lrs.forEach((lr, e) => expect(lr).toBeCloseTo((1 - e / 10) ** 2, 15));
  });

  it('defaults to totalIters 5 and power 1', () => {
    const scheduler = new PolynomialLR(sgdOne());
    expect([scheduler.totalIters, scheduler.power]).toEqual([5, 1]);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new PolynomialLR(optimizer, { totalIters: 8, power: 1.5 }) };
    }, 3, 8);
  });
});
