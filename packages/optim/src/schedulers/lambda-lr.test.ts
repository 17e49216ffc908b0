import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, sgdOne, sgdTwoGroups, optimizerStep, twoParams } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { LambdaLR, type LrLambda, MultiplicativeLR } from './lambda-lr.js';

describe('LambdaLR', () => {
  it('sets lr to initial lr times lrLambda(epoch)', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new LambdaLR(optimizer, { lrLambda: (e) => 0.5 ** e }), 3)).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('takes one function per group', () => {
    const optimizer = sgdTwoGroups(twoParams());
    const scheduler = new LambdaLR(optimizer, { lrLambda: [(e) => e + 1, () => 2] });
    lrSequence(optimizer, scheduler, 2);
    expect(scheduler.getLastLr()).toEqual([0.1 * 3, 0.05 * 2]);
  });

  it('checks the number of functions', () => {
    expect(() => new LambdaLR(sgdTwoGroups(twoParams()), { lrLambda: [() => 1] })).toThrow(new OptimError('Expected 2 lr_lambdas, but got 1'));
  });

  it('requires lrLambda', () => {
    expect(() => new LambdaLR(sgdOne(), {} as { lrLambda: LrLambda })).toThrow(new OptimError("LambdaLR.__init__() missing 1 required positional argument: 'lr_lambda'"));
  });

  it('saves functions as null and keeps its own on load', () => {
    const optimizer = sgdOne(1);
    const scheduler = new LambdaLR(optimizer, { lrLambda: (e) => 0.5 ** e });
    const state = scheduler.stateDict();
    expect(state['lr_lambdas']).toEqual([null]);
    expect(Object.keys(state)).toEqual(['lr_lambdas', 'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr']);
    scheduler.loadStateDict(JSON.parse(JSON.stringify({ ...state, last_epoch: 2 })) as Record<string, unknown>);
    expect(typeof scheduler.lrLambdas[0]).toBe('function');
    optimizerStep(optimizer);
    scheduler.step();
    expect(scheduler.getLastLr()).toEqual([0.125]);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new LambdaLR(optimizer, { lrLambda: [(e) => 0.9 ** e, (e) => 1 / (e + 1)] }) };
    }, 4, 5);
  });
});

describe('MultiplicativeLR', () => {
  it('multiplies lr by lrLambda(epoch) at every step after the first', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new MultiplicativeLR(optimizer, { lrLambda: () => 0.5 }), 3)).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('requires functions', () => {
    expect(() => new MultiplicativeLR(sgdOne(), { lrLambda: [3 as unknown as LrLambda] })).toThrow(new OptimError('lr_lambda should be a function, but got int'));
  });

  it('checks the number of functions', () => {
    expect(() => new MultiplicativeLR(sgdTwoGroups(twoParams()), { lrLambda: [() => 1, () => 1, () => 1] })).toThrow(new OptimError('Expected 2 lr_lambdas, but got 3'));
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new MultiplicativeLR(optimizer, { lrLambda: (e) => 0.97 - 0.01 * e }) };
    }, 3, 6);
  });
});

