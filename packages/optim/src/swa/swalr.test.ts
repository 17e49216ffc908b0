import { describe, expect, it } from 'vitest';
import { expectOptimError } from '../../test/optimizer-checks.js';
import { expectExactResume, lrSequence, sgdOne, sgdTwoGroups, twoParams } from '../../test/scheduler-harness.js';
import { CosineAnnealingLR, SWALR } from '../index.js';

describe('SWALR', () => {
  it('anneals linearly to swaLr over annealEpochs, then holds it', () => {
    const optimizer = sgdOne(0.1);
    const scheduler = new SWALR(optimizer, { swaLr: 0.02, annealEpochs: 4, annealStrategy: 'linear' });
    const lrs = lrSequence(optimizer, scheduler, 6);
    [0.1, 0.08, 0.06, 0.04, 0.02, 0.02, 0.02].forEach((want, i) => expect(lrs[i]).toBeCloseTo(want, 12));
  });

  it('anneals along (1 − cos πt)/2 by default', () => {
    const optimizer = sgdOne(1);
    const scheduler = new SWALR(optimizer, { swaLr: 0 });
    const lrs = lrSequence(optimizer, scheduler, 12);
    for (let e = 0; e <= 12; e++) expect(lrs[e]).toBeCloseTo(1 - (1 - Math.cos(Math.PI * Math.min(1, e / 10))) / 2, 12);
  });

  it('jumps to swaLr at the first step when annealEpochs is 0', () => {
    const optimizer = sgdOne(0.1);
    const scheduler = new SWALR(optimizer, { swaLr: 0.05, annealEpochs: 0 });
    expect(lrSequence(optimizer, scheduler, 2)).toEqual([0.05, 0.05, 0.05]);
  });

  it('takes one swaLr per group and records it in the groups', () => {
    const optimizer = sgdTwoGroups(twoParams());
    new SWALR(optimizer, { swaLr: [0.01, 0.02], annealEpochs: 2 });
    expect(optimizer.paramGroups.map((g) => g['swaLr'])).toEqual([0.01, 0.02]);
    expect(optimizer.stateDict().param_groups.map((g) => g['swa_lr'])).toEqual([0.01, 0.02]);
  });

  it('follows a rate another scheduler set before it took over', () => {
    const optimizer = sgdOne(0.1);
    const cosine = new CosineAnnealingLR(optimizer, { tMax: 10 });
    lrSequence(optimizer, cosine, 3);
    const start = optimizer.paramGroups[0]!.lr as number;
    const scheduler = new SWALR(optimizer, { swaLr: 0.01, annealEpochs: 2, annealStrategy: 'linear' });
    const lrs = lrSequence(optimizer, scheduler, 3);
    expect(lrs[0]).toBeCloseTo(start, 12);
    expect(lrs[1]).toBeCloseTo((start + 0.01) / 2, 12);
    expect(lrs[2]).toBeCloseTo(0.01, 12);
  });

  it('validates its options with PyTorch messages', () => {
    const optimizer = sgdOne();
    expectOptimError(() => new SWALR(optimizer, { swaLr: 0.1, annealStrategy: 'exp' as never }), "anneal_strategy must by one of 'cos' or 'linear', instead got exp");
    expectOptimError(() => new SWALR(optimizer, { swaLr: 0.1, annealEpochs: -1 }), 'anneal_epochs must be equal or greater than 0, got -1');
    expectOptimError(() => new SWALR(optimizer, { swaLr: 0.1, annealEpochs: 2.5 }), 'anneal_epochs must be equal or greater than 0, got 2.5');
    expectOptimError(() => new SWALR(optimizer, { swaLr: [0.1, 0.2] }), 'swa_lr must have the same length as optimizer.param_groups. swa_lr has 2 values, param_groups has 1.');
    expectOptimError(() => new SWALR(optimizer, {} as never), "SWALR.__init__() missing 1 required positional argument: 'swa_lr'");
    expectOptimError(() => new SWALR({} as never, { swaLr: 0.1 }), 'dict is not an Optimizer');
  });

  it("has PyTorch's state-dict keys", () => {
    const scheduler = new SWALR(sgdOne(), { swaLr: 0.05, annealEpochs: 3 });
    expect(Object.keys(scheduler.stateDict())).toEqual(['_anneal_strategy', 'anneal_epochs', 'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr']);
    expect(scheduler.stateDict()['_anneal_strategy']).toBe('cos');
  });

  it('restores its strategy from a state dict', () => {
    const saved = new SWALR(sgdOne(), { swaLr: 0.05, annealStrategy: 'linear' }).stateDict();
    const scheduler = new SWALR(sgdOne(), { swaLr: 0.05 });
    scheduler.loadStateDict(JSON.parse(JSON.stringify(saved)) as Record<string, unknown>);
    expect(scheduler.annealStrategy).toBe('linear');
  });

  it('resumes from state dicts exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new SWALR(optimizer, { swaLr: [0.01, 0.03], annealEpochs: 5, annealStrategy: 'cos' }) };
    }, 3, 6);
  });
});
