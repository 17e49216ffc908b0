import { Adam, CosineAnnealingLR, functional as F, Linear, LRScheduler, manualSeed, Module, type Optimizer, RawTensor, ReLU, type SchedulerStateDict, Sequential, SGD, StepLR, Tensor, randn } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { checkpointOf, restoreCheckpoint } from './checkpoint-state.js';

/** A model, an Adam optimizer and a StepLR scheduler, trained `steps` steps on fixed data. */
function training(seed: number, steps = 0, layers: [number, number] = [3, 4]) {
  manualSeed(seed);
  const model = new Sequential(new Linear(layers[0], layers[1]), new ReLU(), new Linear(layers[1], 1));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  const x = randn([8, layers[0]]);
  const y = randn([8, 1]);
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    F.mseLoss(model.call(x) as Tensor, y).backward();
    optimizer.step();
    scheduler.step();
  }
  return { model, optimizer, scheduler };
}

/** Stand-in for `load(save(value))`: containers and tensors copied, the optimizer's int-keyed state as a Map. */
function throughFile(value: unknown, key = ''): unknown {
  if (value instanceof RawTensor) return Tensor.wrap(value.clone());
  if (Array.isArray(value)) return value.map((v) => throughFile(v));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, throughFile(v, k)] as const);
    return key === 'state' ? new Map(entries.map(([k, v]) => [Number(k), v])) : Object.fromEntries(entries);
  }
  return value;
}

/** Everything a restore could change, as plain values. */
function observe(parts: { model: Module; optimizer: Optimizer; scheduler: LRScheduler }): unknown {
  const plain = (value: unknown): unknown => {
    if (value instanceof RawTensor) return [...value.toTypedArray()];
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
  };
  return plain({ model: parts.model.stateDict(), optimizer: parts.optimizer.stateDict(), scheduler: parts.scheduler.stateDict() });
}

describe('checkpointOf', () => {
  it('lays out epoch, the three state dicts, then the extras', () => {
    const { model, optimizer, scheduler } = training(0, 1);
    const checkpoint = checkpointOf({ best: 0.5, model, optimizer, scheduler, epoch: 4 });
    expect(Object.keys(checkpoint)).toEqual(['epoch', 'model', 'optimizer', 'scheduler', 'best']);
    expect(Object.keys(checkpoint['model'] as object)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect((checkpoint['optimizer'] as { param_groups: unknown[] }).param_groups).toHaveLength(1);
    expect((checkpoint['scheduler'] as SchedulerStateDict)['last_epoch']).toBe(1);
    expect(checkpoint['epoch']).toBe(4);
  });

  it('leaves out the parts not given', () => {
    const { model } = training(0);
    expect(Object.keys(checkpointOf({ model }))).toEqual(['model']);
    expect(checkpointOf({ note: 'x' })).toEqual({ note: 'x' });
  });

  it('rejects a part without stateDict()', () => {
    expect(() => checkpointOf({ model: 3 as unknown as Module })).toThrow(new CheckpointError("saveCheckpoint: 'model' must be a Module with stateDict(), got number 3"));
    expect(() => checkpointOf({ scheduler: null as unknown as LRScheduler })).toThrow("saveCheckpoint: 'scheduler' must be an LRScheduler with stateDict(), got null");
  });
});

describe('restoreCheckpoint', () => {
  it('restores model, optimizer and scheduler and returns epoch and extras', () => {
    const source = training(0, 3);
    const checkpoint = throughFile(checkpointOf({ ...source, epoch: 3, note: 'hi' }));
    const target = training(1);
    const rest = restoreCheckpoint(checkpoint, target);
    expect(rest).toEqual({ epoch: 3, note: 'hi' });
    expect(observe(target)).toEqual(observe(source));
    expect(target.scheduler.getLastLr()).toEqual(source.scheduler.getLastLr());
  });

  it('accepts the optimizer state keyed by strings as well as by a Map of indices', () => {
    const source = training(0, 2);
    const checkpoint = checkpointOf({ optimizer: source.optimizer });
    const target = training(1);
    restoreCheckpoint(checkpoint, { optimizer: target.optimizer });
    expect(observe(target)).toMatchObject({ optimizer: (observe(source) as { optimizer: object }).optimizer });
  });

  it('returns the entries of parts it was not asked to restore', () => {
    const source = training(0, 1);
    const target = training(1);
    const rest = restoreCheckpoint(throughFile(checkpointOf({ ...source, epoch: 1 })), { model: target.model });
    expect(Object.keys(rest)).toEqual(['epoch', 'optimizer', 'scheduler']);
    expect(observe(target)).toMatchObject({ model: (observe(source) as { model: object }).model });
  });

  it('leaves all three untouched when the optimizer part has another group size', () => {
    const source = training(0, 2);
    const wrongOptimizer = new SGD([...source.model.parameters()].slice(0, 2), { lr: 0.1 });
    const checkpoint = throughFile(checkpointOf({ model: source.model, optimizer: wrongOptimizer, scheduler: source.scheduler }));
    const target = training(1, 1);
    const before = observe(target);
    expect(() => restoreCheckpoint(checkpoint, target)).toThrow(
      new CheckpointError("loadCheckpoint: the checkpoint's 'optimizer' entry's param_groups[0] has 2 parameter(s), the optimizer's group 0 has 4"),
    );
    expect(observe(target)).toEqual(before);
  });

  it('leaves all three untouched when the model part has another shape', () => {
    const checkpoint = throughFile(checkpointOf(training(0, 2, [3, 5])));
    const target = training(1, 1);
    const before = observe(target);
    expect(() => restoreCheckpoint(checkpoint, target)).toThrow(/^loadCheckpoint: the checkpoint's 'model' entry does not fit the model: .*size mismatch for 0\.weight/s);
    expect(observe(target)).toEqual(before);
  });

  it('names the missing and unexpected keys of a scheduler of another class', () => {
    const source = training(0, 1);
    const target = training(1);
    const cosine = new CosineAnnealingLR(target.optimizer, { tMax: 10 });
    expect(() => restoreCheckpoint(checkpointOf(source), { ...target, scheduler: cosine })).toThrow(
      new CheckpointError("loadCheckpoint: the checkpoint's 'scheduler' entry does not fit CosineAnnealingLR: missing key(s) 'T_max', 'eta_min'; unexpected key(s) 'step_size', 'gamma'"),
    );
  });

  it("loads PyTorch 1.13's scheduler keys: verbose dropped, missing bookkeeping kept", () => {
    const target = training(1);
    const saved = { step_size: 3, gamma: 0.25, base_lrs: [0.02], last_epoch: 4, verbose: false, _step_count: 5, _get_lr_called_within_step: false, _last_lr: [0.005] };
    restoreCheckpoint({ scheduler: saved }, { scheduler: target.scheduler });
    const { _is_initial: isInitial, ...rest } = target.scheduler.stateDict();
    expect(rest).toEqual({ step_size: 3, gamma: 0.25, base_lrs: [0.02], last_epoch: 4, _step_count: 5, _get_lr_called_within_step: false, _last_lr: [0.005] });
    expect(isInitial).toBe(false);
    expect(target.scheduler.getLastLr()).toEqual([0.005]);
  });

  it('puts the model and optimizer back when the scheduler fails while loading', () => {
    class BrittleLR extends StepLR {
      override loadStateDict(): void {
        throw new TypeError('cannot load');
      }
    }
    const checkpoint = throughFile(checkpointOf(training(0, 3)));
    const target = training(1, 1);
    const scheduler = new BrittleLR(target.optimizer, { stepSize: 2, gamma: 0.5 });
    const before = observe({ ...target, scheduler });
    expect(() => restoreCheckpoint(checkpoint, { ...target, scheduler })).toThrow(new CheckpointError('loadCheckpoint: cannot load'));
    expect(observe({ ...target, scheduler })).toEqual(before);
  });

  it('needs an entry for every object to restore', () => {
    const { model, optimizer } = training(0);
    expect(() => restoreCheckpoint({ epoch: 1, model: model.stateDict() }, { model, optimizer })).toThrow(
      new CheckpointError("loadCheckpoint: the checkpoint has no 'optimizer' entry to restore the optimizer from (it holds 'epoch', 'model')"),
    );
    expect(() => restoreCheckpoint({}, { model })).toThrow("the checkpoint has no 'model' entry to restore the model from (it holds nothing)");
  });

  it('rejects a checkpoint or a part that is not a dict', () => {
    const { model, optimizer } = training(0);
    expect(() => restoreCheckpoint([1, 2], {})).toThrow(new CheckpointError('loadCheckpoint: the checkpoint should be a dict, got a list of 2'));
    expect(() => restoreCheckpoint(randn([2]), {})).toThrow('loadCheckpoint: the checkpoint should be a dict, got a Tensor');
    expect(() => restoreCheckpoint(new Set([1]), {})).toThrow('loadCheckpoint: the checkpoint should be a dict, got a Set');
    expect(() => restoreCheckpoint({ model: 'weights' }, { model })).toThrow("loadCheckpoint: the checkpoint's 'model' entry should be a dict, got the string 'weights'");
    expect(() => restoreCheckpoint({ optimizer: null }, { optimizer })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry should be a dict, got null");
  });

  it('rejects a malformed optimizer entry, naming the part', () => {
    const { optimizer } = training(0);
    const group = { lr: 0.1, params: [0, 1, 2, 3] };
    const load = (entry: unknown) => () => restoreCheckpoint({ optimizer: entry }, { optimizer });
    expect(load({ state: {} })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry should hold a 'param_groups' list, got undefined undefined");
    expect(load({ state: {}, param_groups: [group, group] })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry has 2 parameter group(s), the optimizer has 1");
    expect(load({ state: {}, param_groups: [{ params: [0, 'a', 2, 3] }] })).toThrow("param_groups[0].params should be a list of parameter indices, got a list of 4");
    expect(load({ state: {}, param_groups: [7] })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry's param_groups[0] should be a dict, got number 7");
    expect(load({ state: { x: {} }, param_groups: [group] })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry's state has the key 'x'; its keys are parameter indices");
    expect(load({ state: new Map([[0, 5]]), param_groups: [group] })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry's state[0] should be a dict, got number 5");
    expect(load({ state: [], param_groups: [group] })).toThrow("loadCheckpoint: the checkpoint's 'optimizer' entry's state should be a dict, got a list of 0");
  });
});
