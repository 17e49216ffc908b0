import { describe, expect, it } from 'vitest';
import { expectExactResume, lrSequence, sgdOne, sgdTwoGroups } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import { ConstantLR, LinearLR } from './factor-lr.js';

describe('ConstantLR', () => {
  it('applies the factor until totalIters', () => {
    const optimizer = sgdOne(1);
    expect(lrSequence(optimizer, new ConstantLR(optimizer, { factor: 0.5, totalIters: 3 }), 5)).toEqual([0.5, 0.5, 0.5, 1, 1, 1]);
  });

  it('defaults to factor 1/3 over 5 epochs', () => {
    const scheduler = new ConstantLR(sgdOne());
    expect([scheduler.factor, scheduler.totalIters]).toEqual([1 / 3, 5]);
  });

  it.each([1.5, -0.1])('rejects factor %s', (factor) => {
    expect(() => new ConstantLR(sgdOne(), { factor })).toThrow(new OptimError('Constant multiplicative factor expected to be between 0 and 1.'));
  });

  it("fails like PyTorch's (ZeroDivisionError) when removing a factor of 0", () => {
    const optimizer = sgdOne(1);
    const scheduler = new ConstantLR(optimizer, { factor: 0, totalIters: 1 });
    expect(() => lrSequence(optimizer, scheduler, 1)).toThrow(new OptimError('float division by zero'));
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new ConstantLR(optimizer, { factor: 0.3, totalIters: 4 }) };
    }, 2, 5);
  });
});

describe('LinearLR', () => {
  it('moves the factor linearly from startFactor to endFactor', () => {
    const optimizer = sgdOne(1);
    const lrs = lrSequence(optimizer, new LinearLR(optimizer, { startFactor: 0.25, endFactor: 1, totalIters: 3 }), 5);
    [0.25, 0.5, 0.75, 1, 1, 1].forEach((expected, i) => expect(lrs[i]).toBeCloseTo(expected, 15));
  });

  it('decays when endFactor < startFactor', () => {
    const optimizer = sgdOne(1);
    const lrs = lrSequence(optimizer, new LinearLR(optimizer, { startFactor: 1, endFactor: 0.5, totalIters: 2 }), 3);
    [1, 0.75, 0.5, 0.5].forEach((expected, i) => expect(lrs[i]).toBeCloseTo(expected, 15));
  });

  it.each([0, 1.5, -1])('rejects startFactor %s', (startFactor) => {
    expect(() => new LinearLR(sgdOne(), { startFactor })).toThrow(new OptimError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.'));
  });

  it.each([1.5, -0.5])('rejects endFactor %s', (endFactor) => {
    expect(() => new LinearLR(sgdOne(), { endFactor })).toThrow(new OptimError('Ending multiplicative factor expected to be between 0 and 1.'));
  });

  it('resumes exactly', () => {
    expectExactResume((params) => {
      const optimizer = sgdTwoGroups(params);
      return { optimizer, scheduler: new LinearLR(optimizer, { startFactor: 0.1, totalIters: 6 }) };
    }, 3, 6);
  });
});
