import { afterEach, describe, expect, it, vi } from 'vitest';
import { optimizerStep, sgdOne } from '../../test/scheduler-harness.js';
import { OptimError } from '../optim-error.js';
import type { Optimizer } from '../optimizer.js';
import { StepLR } from './decay-lr.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';
import { setWarningHandler, type WarningHandler } from './warnings.js';

/** The example from LRScheduler's TSDoc: a user-written scheduler. */
class HalvingLR extends LRScheduler {
  declare every: number;
  constructor(optimizer: Optimizer, options: { every: number } & LRSchedulerOptions) {
    super(optimizer, options, { every: options.every });
  }
  override getLr(): number[] {
    const halve = !this.isInitial && this.lastEpoch % this.every === 0;
    return this.optimizer.paramGroups.map((g) => (g.lr as number) * (halve ? 0.5 : 1));
  }
}

/** Collects warnings while a test runs. */
function captureWarnings(): { message: string; code: string }[] {
  const seen: { message: string; code: string }[] = [];
  setWarningHandler((message, code) => seen.push({ message, code }));
  return seen;
}

afterEach(() => {
  setWarningHandler(null);
});

describe('LRScheduler', () => {
  it('records initialLr in every group and runs the initial step', () => {
    const optimizer = sgdOne(0.2);
    const scheduler = new HalvingLR(optimizer, { every: 2 });
    expect(optimizer.paramGroups[0]!['initialLr']).toBe(0.2);
    expect(scheduler.baseLrs).toEqual([0.2]);
    expect(scheduler.lastEpoch).toBe(0);
    expect(scheduler.stepCount).toBe(1);
    expect(scheduler.getLastLr()).toEqual([0.2]);
  });

  it('runs a user-written subclass (the TSDoc example)', () => {
    const optimizer = sgdOne(0.2);
    const scheduler = new HalvingLR(optimizer, { every: 2 });
    const lrs = [];
    for (let i = 0; i < 4; i++) {
      optimizerStep(optimizer);
      scheduler.step();
      lrs.push(scheduler.getLastLr()[0]);
    }
    expect(lrs).toEqual([0.2, 0.1, 0.1, 0.05]);
    expect(scheduler.stateDict()['every']).toBe(2);
  });

  it('keeps an initialLr that is already there (setdefault)', () => {
    const optimizer = sgdOne(0.2);
    optimizer.paramGroups[0]!['initialLr'] = 0.5;
    expect(new StepLR(optimizer, { stepSize: 2 }).baseLrs).toEqual([0.5]);
  });

  it("puts initial_lr into the optimizer's state dict", () => {
    const optimizer = sgdOne(0.2);
    new StepLR(optimizer, { stepSize: 2 });
    expect(optimizer.stateDict().param_groups[0]!['initial_lr']).toBe(0.2);
  });

  it("throws PyTorch's KeyError message when resuming without initialLr", () => {
    expect(() => new StepLR(sgdOne(), { stepSize: 2, lastEpoch: 3 })).toThrow(
      new OptimError("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer"),
    );
  });

  it('resumes from lastEpoch when initialLr is present', () => {
    const optimizer = sgdOne(0.1);
    optimizer.paramGroups[0]!['initialLr'] = 0.1;
    const scheduler = new StepLR(optimizer, { stepSize: 5, lastEpoch: 3 });
    expect(scheduler.lastEpoch).toBe(4);
    expect(scheduler.getLastLr()).toEqual([0.1]);
  });

  it('rejects something that is not an optimizer', () => {
    expect(() => new StepLR({} as Optimizer, { stepSize: 2 })).toThrow(new OptimError('dict is not an Optimizer'));
    expect(() => new StepLR([] as unknown as Optimizer, { stepSize: 2 })).toThrow(new OptimError('list is not an Optimizer'));
  });

  it('has no getLr of its own', () => {
    expect(() => new LRScheduler(sgdOne())).toThrow(new OptimError('LRScheduler does not implement getLr()'));
  });

  it("saves PyTorch 2.x's StepLR state dict keys, in order", () => {
    const scheduler = new StepLR(sgdOne(0.1), { stepSize: 3, gamma: 0.5 });
    expect(scheduler.stateDict()).toEqual({
      step_size: 3,
      gamma: 0.5,
      base_lrs: [0.1],
      last_epoch: 0,
      _step_count: 1,
      _is_initial: false,
      _get_lr_called_within_step: false,
      _last_lr: [0.1],
    });
    expect(Object.keys(scheduler.stateDict())).toEqual(['step_size', 'gamma', 'base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr']);
  });

  it('getLastLr returns a copy', () => {
    const scheduler = new StepLR(sgdOne(0.1), { stepSize: 3 });
    scheduler.getLastLr()[0] = 7;
    expect(scheduler.getLastLr()).toEqual([0.1]);
  });
});

describe('LRScheduler order warning', () => {
  it('warns once when scheduler.step() comes before optimizer.step()', () => {
    const seen = captureWarnings();
    const optimizer = sgdOne();
    const scheduler = new StepLR(optimizer, { stepSize: 2 });
    scheduler.step();
    scheduler.step();
    optimizerStep(optimizer);
    scheduler.step();
    expect(seen.map((w) => w.code)).toEqual(['TORCHLET_LR_SCHEDULER_ORDER']);
    expect(seen[0]!.message).toMatch(/^Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`/);
  });

  it('does not warn when optimizer.step() comes first', () => {
    const seen = captureWarnings();
    const optimizer = sgdOne();
    const scheduler = new StepLR(optimizer, { stepSize: 2 });
    for (let i = 0; i < 5; i++) {
      optimizerStep(optimizer);
      scheduler.step();
    }
    expect(seen).toEqual([]);
  });

  it('warns when the optimizer only stepped before the scheduler was created', () => {
    const seen = captureWarnings();
    const optimizer = sgdOne();
    optimizerStep(optimizer);
    new StepLR(optimizer, { stepSize: 2 }).step();
    expect(seen.map((w) => w.code)).toEqual(['TORCHLET_LR_SCHEDULER_ORDER']);
  });

  it('goes to process.emitWarning with its code by default', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      new StepLR(sgdOne(), { stepSize: 2 }).step();
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]![1]).toEqual({ code: 'TORCHLET_LR_SCHEDULER_ORDER' });
    } finally {
      emit.mockRestore();
    }
  });

  it('setWarningHandler returns the previous handler', () => {
    const first: WarningHandler = () => {};
    setWarningHandler(first);
    expect(setWarningHandler(null)).toBe(first);
  });
});

describe('LRScheduler.step(epoch)', () => {
  it('jumps to the epoch through the closed form and warns that epoch is deprecated', () => {
    const seen = captureWarnings();
    const optimizer = sgdOne(1);
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    optimizerStep(optimizer);
    scheduler.step(7);
    expect(scheduler.lastEpoch).toBe(7);
    expect(scheduler.getLastLr()).toEqual([0.125]);
    expect(seen.map((w) => w.code)).toEqual(['TORCHLET_LR_SCHEDULER_EPOCH']);
  });

  it('warns when getLr() is called outside step()', () => {
    const seen = captureWarnings();
    new StepLR(sgdOne(), { stepSize: 2 }).getLr();
    expect(seen.map((w) => w.code)).toEqual(['TORCHLET_LR_SCHEDULER_GET_LR']);
  });
});
