import type { Tensor } from '@torchlet/nn';
import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, sgdOne, sgdTwoGroups, twoParams } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { Optimizer } from '../optimizer.js';
import { Adam } from '../optimizers/adam.js';
import { CyclicLR, type CyclicLROptions } from './cyclic-lr.js';

/** An optimizer with neither `momentum` nor `betas`. */
class PlainOptimizer extends Optimizer<{ lr: number }> {
  constructor(params: Tensor[]) {
    super(params, { lr: 0.1 });
  }
  protected updateGroup(): void {}
}

const close = (actual: number[], expected: number[]) => expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 14));

function momenta(optimizer: Optimizer, scheduler: CyclicLR, steps: number): number[] {
  const out = [optimizer.paramGroups[0]!['momentum'] as number];
  for (let i = 0; i < steps; i++) {
    lrSequence(optimizer, scheduler, 1);
    out.push(optimizer.paramGroups[0]!['momentum'] as number);
  }
  return out;
}

describe('CyclicLR', () => {
  it("goes up and down between baseLr and maxLr ('triangular')", () => {
    const optimizer = sgdOne();
    close(lrSequence(optimizer, new CyclicLR(optimizer, { baseLr: 0.1, maxLr: 1, stepSizeUp: 2 }), 6), [0.1, 0.55, 1, 0.55, 0.1, 0.55, 1]);
  });

  it('cycles momentum inversely, from maxMomentum to baseMomentum', () => {
    const optimizer = sgdOne();
    const scheduler = new CyclicLR(optimizer, { baseLr: 0.1, maxLr: 1, stepSizeUp: 2 });
    close(momenta(optimizer, scheduler, 4), [0.9, 0.85, 0.8, 0.85, 0.9]);
    expect(optimizer.paramGroups[0]).toMatchObject({ maxMomentum: 0.9, baseMomentum: 0.8 });
  });

  it("halves the amplitude every cycle ('triangular2') with asymmetric halves", () => {
    const optimizer = sgdOne();
    const lrs = lrSequence(optimizer, new CyclicLR(optimizer, { baseLr: 0, maxLr: 1, stepSizeUp: 1, stepSizeDown: 3, mode: 'triangular2' }), 8);
    close(lrs, [0, 1, 2 / 3, 1 / 3, 0, 0.5, 1 / 3, 1 / 6, 0]);
  });

  it("scales by gamma^iteration ('exp_range')", () => {
    const optimizer = sgdOne();
    const lrs = lrSequence(optimizer, new CyclicLR(optimizer, { baseLr: 0, maxLr: 1, stepSizeUp: 2, mode: 'exp_range', gamma: 0.5 }), 4);
    close(lrs, [0, 0.5 * 0.5, 1 * 0.25, 0.5 * 0.125, 0]);
  });

  it('takes a custom scale function and scale mode', () => {
    const optimizer = sgdOne();
    const scheduler = new CyclicLR(optimizer, { baseLr: 0, maxLr: 1, stepSizeUp: 1, scaleFn: (x) => 1 / x, scaleMode: 'cycle' });
    close(lrSequence(optimizer, scheduler, 4), [0, 1, 0, 0.5, 0]);
    expect(scheduler.stateDict()['_scale_fn_custom']).toBeNull();
    scheduler.loadStateDict(JSON.parse(JSON.stringify(scheduler.stateDict())) as Record<string, unknown>);
    expect(typeof scheduler.scaleFnCustom).toBe('function');
  });

  it("cycles Adam's beta1 and keeps beta2", () => {
    const optimizer = new Adam(twoParams(), { betas: [0.5, 0.99] });
    const scheduler = new CyclicLR(optimizer, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
    expect(optimizer.paramGroups[0]!.betas).toEqual([0.9, 0.99]);
    lrSequence(optimizer, scheduler, 2);
    expect(optimizer.paramGroups[0]!.betas[0]).toBeCloseTo(0.8, 15);
    expect(optimizer.paramGroups[0]!.betas[1]).toBe(0.99);
    expect(scheduler.useBeta1).toBe(true);
  });

  it('needs momentum or betas when cycling momentum', () => {
    expect(() => new CyclicLR(new PlainOptimizer(twoParams()), { baseLr: 0.1, maxLr: 1 })).toThrow(
      new OptimError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled'),
    );
    expect(new CyclicLR(new PlainOptimizer(twoParams()), { baseLr: 0.1, maxLr: 1, cycleMomentum: false }).getLastLr()).toEqual([0.1]);
  });

  it('rejects an unknown mode without a scale function', () => {
    expect(() => new CyclicLR(sgdOne(), { baseLr: 0.1, maxLr: 1, mode: 'sine' as 'triangular' })).toThrow(new OptimError('mode is invalid and scale_fn is None'));
  });

  it.each([
    ['base_lr', { baseLr: [0.1], maxLr: 1 }],
    ['max_lr', { baseLr: 0.1, maxLr: [1, 1, 1] }],
    ['base_momentum', { baseLr: 0.1, maxLr: 1, baseMomentum: [0.8] }],
    ['max_momentum', { baseLr: 0.1, maxLr: 1, maxMomentum: [0.9] }],
  ] as const)('checks the length of a per-group %s', (name, options) => {
    const count = (Object.values(options).find(Array.isArray) as number[]).length;
    expect(() => new CyclicLR(sgdTwoGroups(twoParams()), options as CyclicLROptions)).toThrow(
      new OptimError(`${name} must have the same length as optimizer.param_groups. ${name} has ${count} values, param_groups has 2.`),
    );
  });

  it('requires baseLr and maxLr', () => {
    expect(() => new CyclicLR(sgdOne(), { maxLr: 1 } as CyclicLROptions)).toThrow(new OptimError("CyclicLR.__init__() missing 1 required positional argument: 'base_lr'"));
    expect(() => new CyclicLR(sgdOne(), { baseLr: 1 } as CyclicLROptions)).toThrow(new OptimError("CyclicLR.__init__() missing 1 required positional argument: 'max_lr'"));
  });

  it("saves PyTorch's keys, in order", () => {
    expect(Object.keys(new CyclicLR(sgdOne(), { baseLr: 0.1, maxLr: 1 }).stateDict())).toEqual([
      'max_lrs', 'total_size', 'step_ratio', 'mode', 'gamma', 'scale_mode', 'cycle_momentum', 'use_beta1', 'base_momentums', 'max_momentums',
      'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr', '_scale_fn_custom',
    ]);
  });

  it('resumes exactly with SGD momentum', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new CyclicLR(optimizer, { baseLr: [0.01, 0.02], maxLr: 0.1, stepSizeUp: 2, stepSizeDown: 3, mode: 'triangular2' }) };
    }, 4, 9);
  });

  it("resumes exactly with Adam's beta1", () => {
    expectExactResume((params) => {
      const optimizer = new Adam([{ params: [params[0]!] }, { params: [params[1]!] }]);
      return { optimizer, scheduler: new CyclicLR(optimizer, { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 3, mode: 'exp_range', gamma: 0.95 }) };
    }, 5, 6);
  });
});
