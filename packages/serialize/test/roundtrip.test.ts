// save → load returns what was saved, for every dtype and structure, and a model and optimizer
// resumed from a saved checkpoint continue exactly (bit for bit) where the originals go.
import { readdirSync, readFileSync } from 'node:fs';
import {
  ASGD,
  Adadelta,
  Adafactor,
  Adagrad,
  Adam,
  AdamW,
  Adamax,
  LBFGS,
  Muon,
  Linear,
  NAdam,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
  Sequential,
  StepLR,
  Tensor,
  functional,
  type Optimizer,
  tensor,
} from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { load, loadSafetensors, save, saveSafetensors } from '../src/index.js';

/** The bytes of a tensor's elements in logical order: equal bytes means equal bit for bit. */
function bits(t: Tensor): Uint8Array {
  const data = t.toTypedArray();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function expectSameTensor(actual: unknown, expected: Tensor): void {
  expect(actual).toBeInstanceOf(Tensor);
  const t = actual as Tensor;
  expect([t.dtype, t.shape, t.strides, t.offset]).toEqual([expected.dtype, expected.shape, expected.strides, expected.offset]);
  expect(bits(t)).toEqual(bits(expected));
}

describe('save and load', () => {
  it('round-trip a tensor of every dtype, with extreme values', () => {
    const tensors = {
      float32: tensor([0, -0, 1.5, -3.4028234663852886e38, 1e-45, NaN, Infinity, -Infinity], { dtype: 'float32' }),
      float64: tensor([0.1, -0, 5e-324, Number.MAX_VALUE, NaN, -Infinity], { dtype: 'float64' }),
      int32: tensor([0, -1, 2147483647, -2147483648], { dtype: 'int32' }),
      int64: tensor([0, -1, 2 ** 53, -(2 ** 53), 3e12], { dtype: 'int64' }),
      bool: tensor([true, false, true], { dtype: 'bool' }),
      uint8: tensor([0, 1, 127, 128, 255], { dtype: 'uint8' }),
    };
    const loaded = load(save(tensors)) as Record<string, Tensor>;
    expect(Object.keys(loaded)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) expectSameTensor(loaded[name], t);
  });

  it('round-trip shapes and views: scalars, empty tensors, transposes, slices, expanded strides', () => {
    const base = tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], { dtype: 'float32' });
    const values = {
      base,
      scalar: tensor(7, { dtype: 'int64' }),
      empty: tensor([], { dtype: 'float64' }).reshape(0, 4),
      permuted: base.permute(2, 0, 1),
      slice: base.narrow(2, 1, 2),
      expanded: tensor([1, 2], { dtype: 'int32' }).reshape(2, 1).expand(2, 3),
    };
    const loaded = load(save(values)) as Record<string, Tensor>;
    for (const [name, t] of Object.entries(values)) expectSameTensor(loaded[name], t);
    expect(loaded['permuted']!.storage).toBe(loaded['base']!.storage);
    expect(loaded['slice']!.storage).toBe(loaded['base']!.storage);
  });

  it('round-trip nested objects, arrays, Maps, numbers, bigints, strings, booleans and null', () => {
    const value = {
      numbers: [0, 1, -1, 255, 65536, -(2 ** 31), 2 ** 40, 2 ** 53 - 1, 0.5, -0, 1e-300, NaN, Infinity],
      bigints: [2n ** 64n, -(2n ** 100n)],
      strings: ['', 'a', 'héllo ☃ 😀', 'x'.repeat(1000)],
      flags: [true, false, null],
      nested: { a: { b: { c: [[[]], {}] } } },
      maps: new Map<unknown, unknown>([[0, 'zero'], ['k', new Map([[2n ** 70n, [1]]])], [true, null], [null, { x: 1 }]]),
      empty: [{}, []],
    };
    expect(load(save(value))).toEqual(value);
  });

  it('load Maps whose keys are all strings (or that are empty) as plain objects: both are a Python dict', () => {
    expect(load(save([new Map(), new Map([['a', 1]])]))).toEqual([{}, { a: 1 }]);
  });

  it('keep shared references shared', () => {
    const shared = { w: tensor([1], { dtype: 'float32' }) };
    const loaded = load(save({ a: shared, b: [shared] })) as { a: unknown; b: unknown[] };
    expect(loaded.b[0]).toBe(loaded.a);
  });

  it.each(['checkpoints', 'checkpoints-torch1.13'])('round-trip every fixture of %s byte for byte', (directory) => {
    const dir = new URL(`fixtures/${directory}/`, import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.pt'))) {
      const first = load(new Uint8Array(readFileSync(new URL(file, dir))));
      const bytes = save(first);
      const again = load(bytes);
      expect(again, file).toEqual(first);
      expect(save(again), file).toEqual(bytes);
      const metadata = (first as { _metadata?: unknown })._metadata;
      expect((again as { _metadata?: unknown })._metadata, file).toEqual(metadata);
    }
  });
});

const x = tensor([[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.5], [0.1, 0.2, 0.3]], { dtype: 'float32' });
const y = tensor([[1, 0], [0, 1], [0.5, -0.5], [2, -1]], { dtype: 'float32' });

type Factory = (model: Sequential) => Optimizer;
const OPTIMIZERS: [string, Factory][] = [
  ['Adam (amsgrad)', (m) => new Adam(m.parameters(), { lr: 0.01, amsgrad: true })],
  ['AdamW', (m) => new AdamW(m.parameters(), { lr: 0.02, weightDecay: 0.1 })],
  ['SGD (nesterov)', (m) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true })],
  ['RMSprop (centered)', (m) => new RMSprop(m.parameters(), { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adagrad', (m) => new Adagrad(m.parameters(), { lr: 0.1 })],
  ['Adadelta', (m) => new Adadelta(m.parameters(), {})],
  ['Adamax', (m) => new Adamax(m.parameters(), {})],
  ['NAdam', (m) => new NAdam(m.parameters(), {})],
  ['RAdam', (m) => new RAdam(m.parameters(), {})],
  ['ASGD', (m) => new ASGD(m.parameters(), { lr: 0.05, t0: 1 })],
  ['Rprop', (m) => new Rprop(m.parameters(), { etas: [0.4, 1.3], stepSizes: [1e-5, 10] })],
  ['LBFGS', (m) => new LBFGS(m.parameters(), { lr: 0.5, maxIter: 3, historySize: 4 })],
  ['Adafactor', (m) => new Adafactor(m.parameters(), { lr: 0.05 })],
  // Muon takes matrices only: the bias stays untrained.
  ['Muon', (m) => new Muon([...m.parameters()].filter((p) => p.ndim === 2), { lr: 0.05 })],
];

function train(model: Sequential, optimizer: Optimizer, steps: number): void {
  for (let i = 0; i < steps; i++) {
    optimizer.step(() => {
      optimizer.zeroGrad();
      const loss = functional.mseLoss(model.call(x) as Tensor, y);
      loss.backward();
      return loss;
    });
  }
}

describe('a checkpoint saved with save', () => {
  it.each(OPTIMIZERS)('resumes %s training bit for bit', (_name, makeOptimizer) => {
    const model = new Sequential(new Linear(3, 2));
    const optimizer = makeOptimizer(model);
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    train(model, optimizer, 3);
    scheduler.step();
    const bytes = save({ epoch: 3, model: model.stateDict(), optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict() });

    const resumedModel = new Sequential(new Linear(3, 2));
    const resumed = makeOptimizer(resumedModel);
    const resumedScheduler = new StepLR(resumed, { stepSize: 2, gamma: 0.5 });
    const checkpoint = load(bytes) as { epoch: number; model: Record<string, Tensor>; optimizer: Parameters<Optimizer['loadStateDict']>[0]; scheduler: Parameters<StepLR['loadStateDict']>[0] };
    expect(checkpoint.epoch).toBe(3);
    resumedModel.loadStateDict(checkpoint.model);
    resumed.loadStateDict(checkpoint.optimizer);
    resumedScheduler.loadStateDict(checkpoint.scheduler);
    expect(save(resumed.stateDict())).toEqual(save(optimizer.stateDict()));

    for (const [m, o, s] of [[model, optimizer, scheduler], [resumedModel, resumed, resumedScheduler]] as const) {
      for (let epoch = 0; epoch < 3; epoch++) {
        train(m, o, 1);
        s.step();
      }
    }
    const expected = model.stateDict();
    const actual = resumedModel.stateDict();
    for (const key of Object.keys(expected)) expect(bits(actual[key]!), key).toEqual(bits(expected[key]!));
    expect(resumed.paramGroups[0]!['lr']).toBe(optimizer.paramGroups[0]!['lr']);
  });

  it('loads a module state dict into a fresh module, and through safetensors too', () => {
    const model = new Sequential(new Linear(3, 2));
    const copy = new Sequential(new Linear(3, 2));
    copy.loadStateDict(load(save(model.stateDict())) as Record<string, Tensor>);
    const viaSafetensors = new Sequential(new Linear(3, 2));
    viaSafetensors.loadStateDict(loadSafetensors(saveSafetensors(model.stateDict())).tensors);
    for (const [key, value] of Object.entries(model.stateDict())) {
      expect(bits(copy.stateDict()[key]!)).toEqual(bits(value));
      expect(bits(viaSafetensors.stateDict()[key]!)).toEqual(bits(value));
    }
  });
});
