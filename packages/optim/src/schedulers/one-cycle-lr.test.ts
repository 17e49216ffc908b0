import type { Tensor } from '@torchlet/nn';
import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, optimizerStep, sgdOne, sgdTwoGroups, twoParams } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { Optimizer } from '../optimizer.js';
import { Adam } from '../optimizers/adam.js';
import { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';

/** An optimizer with neither `momentum` nor `betas`. */
class PlainOptimizer extends Optimizer<{ lr: number }> {
  constructor(params: Tensor[]) {
    super(params, { lr: 0.1 });
  }
  protected updateGroup(): void {}
}

const cos = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);

describe('OneCycleLR', () => {
  it('anneals up to maxLr and down to initialLr / finalDivFactor with cosines', () => {
    const optimizer = sgdOne();
    const lrs = lrSequence(optimizer, new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 10 }), 9);
    const peak = 0.3 * 10 - 1;
    const expected = lrs.map((_, e) => (e <= peak ? cos(0.04, 1, e / peak) : cos(1, 0.04 / 1e4, (e - peak) / (9 - peak))));
    lrs.forEach((lr, e) => expect(lr).toBeCloseTo(expected[e]!, 15));
    expect(lrs[9]).toBeCloseTo(4e-6, 15);
  });

  it('records initialLr, maxLr, minLr and the momentum bounds in each group', () => {
    const optimizer = sgdOne();
    new OneCycleLR(optimizer, { maxLr: 0.5, totalSteps: 10, divFactor: 10, finalDivFactor: 100 });
    expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(0.05, 16);
    expect(optimizer.paramGroups[0]).toMatchObject({ initialLr: 0.05, maxLr: 0.5, minLr: 0.0005, momentum: 0.95, maxMomentum: 0.95, baseMomentum: 0.85 });
    expect(Object.keys(optimizer.stateDict().param_groups[0]!)).toEqual(expect.arrayContaining(['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum']));
  });

  it('moves momentum inversely to the rate', () => {
    const optimizer = sgdOne();
    const scheduler = new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 12, pctStart: 0.5, annealStrategy: 'linear' });
    const momenta = [optimizer.paramGroups[0]!['momentum']];
    for (let i = 0; i < 11; i++) {
      lrSequence(optimizer, scheduler, 1);
      momenta.push(optimizer.paramGroups[0]!['momentum']);
    }
    [0.95, 0.93, 0.91, 0.89, 0.87, 0.85].forEach((m, i) => expect(momenta[i]).toBeCloseTo(m, 14));
    expect(momenta[11]).toBeCloseTo(0.95, 14);
  });

  it('runs three linear phases', () => {
    const optimizer = sgdOne();
    const lrs = lrSequence(optimizer, new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 10, threePhase: true, annealStrategy: 'linear', pctStart: 0.3, divFactor: 10 }), 9);
    const [end1, end2] = [0.3 * 10 - 1, 2 * 0.3 * 10 - 2];
    lrs.forEach((lr, e) => {
      const expected = e <= end1 ? 0.1 + 0.9 * (e / end1) : e <= end2 ? 1 - 0.9 * ((e - end1) / (end2 - end1)) : 0.1 + (1e-5 - 0.1) * ((e - end2) / (9 - end2));
      expect(lr).toBeCloseTo(expected, 15);
    });
  });

  it('takes epochs and stepsPerEpoch instead of totalSteps', () => {
    expect(new OneCycleLR(sgdOne(), { maxLr: 1, epochs: 3, stepsPerEpoch: 4 }).totalSteps).toBe(12);
  });

  it('throws past totalSteps', () => {
    const optimizer = sgdOne();
    const scheduler = new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 3 });
    lrSequence(optimizer, scheduler, 3);
    optimizerStep(optimizer);
    expect(() => scheduler.step()).toThrow(new OptimError('Tried to step 4 times. The specified number of total steps is 3'));
  });

  it("cycles Adam's beta1", () => {
    const optimizer = new Adam(twoParams(), { betas: [0.5, 0.99] });
    new OneCycleLR(optimizer, { maxLr: 0.01, totalSteps: 5 });
    expect(optimizer.paramGroups[0]!.betas).toEqual([0.95, 0.99]);
  });

  it('needs momentum or betas when cycling momentum', () => {
    expect(() => new OneCycleLR(new PlainOptimizer(twoParams()), { maxLr: 1, totalSteps: 5 })).toThrow(
      new OptimError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled'),
    );
  });

  it.each([
    [{ maxLr: 1 }, 'You must define either total_steps OR (epochs AND steps_per_epoch)'],
    [{ maxLr: 1, epochs: 2 }, 'You must define either total_steps OR (epochs AND steps_per_epoch)'],
    [{ maxLr: 1, totalSteps: 0 }, 'Expected positive integer total_steps, but got 0'],
    [{ maxLr: 1, totalSteps: 2.5 }, 'Expected positive integer total_steps, but got 2.5'],
    [{ maxLr: 1, epochs: -1, stepsPerEpoch: 2 }, 'Expected positive integer epochs, but got -1'],
    [{ maxLr: 1, epochs: 2, stepsPerEpoch: 0 }, 'Expected positive integer steps_per_epoch, but got 0'],
    [{ maxLr: 1, totalSteps: 5, pctStart: 1.5 }, 'Expected float between 0 and 1 pct_start, but got 1.5'],
    [{ maxLr: 1, totalSteps: 5, pctStart: -0.1 }, 'Expected float between 0 and 1 pct_start, but got -0.1'],
    [{ maxLr: 1, totalSteps: 5, annealStrategy: 'exp' }, "anneal_strategy must be one of 'cos' or 'linear', instead got exp"],
    [{ maxLr: [1, 2, 3], totalSteps: 5 }, 'max_lr must have the same length as optimizer.param_groups. max_lr has 3 values, param_groups has 2.'],
    [{ maxLr: 1, totalSteps: 5, maxMomentum: [0.9] }, 'max_momentum must have the same length as optimizer.param_groups. max_momentum has 1 values, param_groups has 2.'],
    [{ maxLr: 1, totalSteps: 5, baseMomentum: [0.9] }, 'base_momentum must have the same length as optimizer.param_groups. base_momentum has 1 values, param_groups has 2.'],
    [{ totalSteps: 5 }, "OneCycleLR.__init__() missing 1 required positional argument: 'max_lr'"],
  ])('rejects %j', (options, message) => {
    expect(() => new OneCycleLR(sgdTwoGroups(twoParams()), options as OneCycleLROptions)).toThrow(new OptimError(message));
  });

  it("saves PyTorch's keys and phase descriptions", () => {
    const state = new OneCycleLR(sgdOne(), { maxLr: 1, totalSteps: 10 }).stateDict();
    expect(Object.keys(state)).toEqual([
      'total_steps', '_schedule_phases', '_anneal_func_type', 'cycle_momentum', 'use_beta1', 'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr',
    ]);
    expect(state['_schedule_phases']).toEqual([
      { end_step: 0.3 * 10 - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
      { end_step: 9, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
    ]);
  });

  it('resumes exactly with SGD momentum', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new OneCycleLR(optimizer, { maxLr: [0.5, 0.2], totalSteps: 16 }) };
    }, 6, 9);
  });

  it("resumes exactly with Adam's beta1 and three phases", () => {
    expectExactResume((params) => {
      const optimizer = new Adam([{ params: [params[0]!] }, { params: [params[1]!] }]);
      return { optimizer, scheduler: new OneCycleLR(optimizer, { maxLr: 0.05, totalSteps: 14, threePhase: true, annealStrategy: 'linear' }) };
    }, 5, 8);
  });
});
