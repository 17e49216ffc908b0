import { afterEach, describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, optimizerStep, sgdOne, sgdTwoGroups } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { CosineAnnealingLR, type CosineAnnealingLROptions, CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from './cosine-lr.js';
import { setWarningHandler } from './warnings.js';

afterEach(() => {
  setWarningHandler(null);
});

const closedForm = (e: number, tMax: number, base: number, etaMin: number) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2;

describe('CosineAnnealingLR', () => {
  it('follows the closed-form cosine through two periods (down and back up)', () => {
    const optimizer = sgdOne(0.1);
    const lrs = lrSequence(optimizer, new CosineAnnealingLR(optimizer, { tMax: 5, etaMin: 0.01 }), 20);
    lrs.forEach((lr, e) => expect(Math.abs(lr - closedForm(e, 5, 0.1, 0.01))).toBeLessThan(1e-15));
    expect(lrs[5]).toBeCloseTo(0.01, 15);
    expect(lrs[10]).toBeCloseTo(0.1, 15);
  });

  it('defaults etaMin to 0', () => {
    expect(new CosineAnnealingLR(sgdOne(), { tMax: 3 }).etaMin).toBe(0);
  });

  it('requires tMax', () => {
    expect(() => new CosineAnnealingLR(sgdOne(), {} as CosineAnnealingLROptions)).toThrow(new OptimError("CosineAnnealingLR.__init__() missing 1 required positional argument: 'T_max'"));
  });

  it("saves PyTorch's names T_max and eta_min", () => {
    expect(Object.keys(new CosineAnnealingLR(sgdOne(), { tMax: 3 }).stateDict()).slice(0, 2)).toEqual(['T_max', 'eta_min']);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new CosineAnnealingLR(optimizer, { tMax: 4, etaMin: 0.001 }) };
    }, 3, 9);
  });
});

describe('CosineAnnealingWarmRestarts', () => {
  it('restarts after T_0 and multiplies the period by T_mult', () => {
    const optimizer = sgdOne(1);
    const lrs = lrSequence(optimizer, new CosineAnnealingWarmRestarts(optimizer, { t0: 2, tMult: 2 }), 6);
    const expected = [1, 0.5, 1, (1 + Math.cos(Math.PI / 4)) / 2, 0.5, (1 + Math.cos((3 * Math.PI) / 4)) / 2, 1];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i]!, 15));
  });

  it('takes fractional epochs', () => {
    const optimizer = sgdOne(1);
    const scheduler = new CosineAnnealingWarmRestarts(optimizer, { t0: 4, etaMin: 0.1 });
    optimizerStep(optimizer);
    scheduler.step(1.5);
    expect(scheduler.lastEpoch).toBe(1);
    expect(scheduler.tCur).toBe(1.5);
    expect(scheduler.getLastLr()[0]).toBeCloseTo(0.1 + (0.9 * (1 + Math.cos((1.5 * Math.PI) / 4))) / 2, 15);
    scheduler.step(9.25);
    expect(scheduler.tCur).toBe(1.25);
  });

  it('finds the period of a far epoch when T_mult > 1', () => {
    const optimizer = sgdOne(1);
    const scheduler = new CosineAnnealingWarmRestarts(optimizer, { t0: 2, tMult: 2 });
    scheduler.step(5);
    expect([scheduler.tCur, scheduler.tI, scheduler.lastEpoch]).toEqual([3, 4, 5]);
    scheduler.step();
    expect([scheduler.tCur, scheduler.tI]).toEqual([0, 8]);
  });

  it('rejects a negative epoch', () => {
    const scheduler = new CosineAnnealingWarmRestarts(sgdOne(), { t0: 2 });
    expect(() => scheduler.step(-1)).toThrow(new OptimError('Expected non-negative epoch, but got -1'));
  });

  it.each([0, -2, 1.5])('rejects t0 %s', (t0) => {
    expect(() => new CosineAnnealingWarmRestarts(sgdOne(), { t0 })).toThrow(new OptimError(`Expected positive integer T_0, but got ${t0}`));
  });

  it.each([0, 1.5])('rejects tMult %s', (tMult) => {
    expect(() => new CosineAnnealingWarmRestarts(sgdOne(), { t0: 2, tMult })).toThrow(new OptimError(`Expected integer T_mult >= 1, but got ${tMult}`));
  });

  it('rejects a non-numeric etaMin', () => {
    expect(() => new CosineAnnealingWarmRestarts(sgdOne(), { t0: 2, etaMin: 'a' as unknown as number })).toThrow(
      new OptimError("Expected float or int eta_min, but got a of type <class 'str'>"),
    );
  });

  it('requires t0', () => {
    expect(() => new CosineAnnealingWarmRestarts(sgdOne(), {} as CosineAnnealingWarmRestartsOptions)).toThrow(
      new OptimError("CosineAnnealingWarmRestarts.__init__() missing 1 required positional argument: 'T_0'"),
    );
  });

  it("never counts steps, so (like PyTorch's) it never emits the order warning", () => {
    const seen: string[] = [];
    setWarningHandler((_, code) => seen.push(code));
    const scheduler = new CosineAnnealingWarmRestarts(sgdOne(), { t0: 3 });
    scheduler.step();
    scheduler.step();
    expect(seen).toEqual([]);
    expect(scheduler.stepCount).toBe(0);
  });

  it("saves PyTorch's keys, in order", () => {
    expect(Object.keys(new CosineAnnealingWarmRestarts(sgdOne(), { t0: 3 }).stateDict())).toEqual([
      'T_0', 'T_i', 'T_mult', 'eta_min', 'T_cur', 'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr',
    ]);
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new CosineAnnealingWarmRestarts(optimizer, { t0: 2, tMult: 2, etaMin: 0.005 }) };
    }, 5, 9);
  });
});
