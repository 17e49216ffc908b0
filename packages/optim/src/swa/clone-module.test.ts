import { describe, expect, it } from 'vitest';
import { BatchNorm1d, cloneModule, Linear, manualSeed, Module, Parameter, ReLU, Sequential, type Tensor } from '../index.js';
import { floats } from '../../test/optimizer-checks.js';

function values(t: Tensor): number[] {
  return [...t.toTypedArray()].map(Number);
}

class Tied extends Module {
  encoder: Linear;
  decoder: Linear;
  scale: number[] = [1, 2];
  constructor() {
    super();
    this.encoder = new Linear(2, 2, { bias: false });
    this.decoder = new Linear(2, 2, { bias: false });
    this.decoder.weight = this.encoder.weight;
  }
  override forward(x: Tensor): Tensor {
    return this.decoder.call(this.encoder.call(x));
  }
}

describe('cloneModule', () => {
  it('copies the class, the state-dict keys and values, into new tensors', () => {
    manualSeed(0);
    const model = new Sequential(new Linear(3, 4), new ReLU(), new BatchNorm1d(4));
    const copy = cloneModule(model);
    expect(copy).toBeInstanceOf(Sequential);
    expect(copy.at(0)).toBeInstanceOf(Linear);
    expect(copy.at(0)).not.toBe(model.at(0));
    const [original, cloned] = [model.stateDict(), copy.stateDict()];
    expect(Object.keys(cloned)).toEqual(Object.keys(original));
    for (const key of Object.keys(original)) {
      expect(values(cloned[key]!), key).toEqual(values(original[key]!));
      expect(cloned[key]!.dtype).toBe(original[key]!.dtype);
      expect(cloned[key]!.storage).not.toBe(original[key]!.storage);
    }
    expect(copy.toString()).toBe(model.toString());
  });

  it('keeps parameters as trainable leaf Parameters and buffers as buffers', () => {
    const model = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    const copy = cloneModule(model);
    for (const p of copy.parameters()) {
      expect(p).toBeInstanceOf(Parameter);
      expect(p.requiresGrad).toBe(true);
      expect(p.isLeaf).toBe(true);
    }
    expect([...copy.namedBuffers()].map(([name]) => name)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
  });

  it('is independent of the original afterwards', () => {
    const model = new Linear(2, 1);
    const copy = cloneModule(model);
    model.weight.detach().fill_(5);
    model.eval();
    expect(values(copy.weight)).not.toEqual([5, 5]);
    expect(copy.training).toBe(true);
  });

  it('keeps tied weights tied and copies plain arrays', () => {
    const model = new Tied();
    const copy = cloneModule(model);
    expect(copy.decoder.weight).toBe(copy.encoder.weight);
    expect(copy.encoder.weight).not.toBe(model.encoder.weight);
    expect([...copy.parameters()].length).toBe(1);
    expect(copy.scale).toEqual([1, 2]);
    expect(copy.scale).not.toBe(model.scale);
  });

  it('runs forward like the original', () => {
    manualSeed(3);
    const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    const x = floats([
      [1, -2],
      [0.5, 0.25],
    ]);
    expect(values(cloneModule(model).call(x))).toEqual(values(model.call(x)));
  });

  it('gives the copy its own buffer registry', () => {
    const model = new BatchNorm1d(2);
    const copy = cloneModule(model);
    copy.registerBuffer('extra', floats([1]));
    expect(Object.keys(copy.stateDict())).toContain('extra');
    expect(Object.keys(model.stateDict())).not.toContain('extra');
  });
});
