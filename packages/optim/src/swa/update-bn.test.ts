import { describe, expect, it } from 'vitest';
import { AveragedModel, BatchNorm1d, Linear, manualSeed, noGrad, randn, Sequential, type Tensor, updateBn } from '../index.js';

function values(t: Tensor): number[] {
  return [...t.toTypedArray()].map(Number);
}

function model(): { net: Sequential; bn: BatchNorm1d } {
  manualSeed(0);
  const net = new Sequential(new Linear(2, 3), new BatchNorm1d(3, { momentum: 0.3 }));
  return { net, bn: net.at(1) as BatchNorm1d };
}

describe('updateBn', () => {
  it('recomputes running stats as the plain average over the batches, then restores momentum and mode', () => {
    const { net, bn } = model();
    manualSeed(1);
    const batches = [randn(4, 2), randn(5, 2), randn(3, 2)];
    noGrad(() => {
      bn.running_mean!.fill_(7);
      bn.running_var!.fill_(9);
    });
    net.eval();
    updateBn([batches[0]!, [batches[1]!, 'label'], [batches[2]!]], net);
    const linear = net.at(0) as Linear;
    const outputs = noGrad(() => batches.map((x) => linear.call(x)));
    const mean = outputs.map((y) => y.mean(0)).reduce((a, b) => a.add(b)).div(3);
    const variance = outputs.map((y) => y.var(0)).reduce((a, b) => a.add(b)).div(3);
    values(bn.running_mean!).forEach((v, i) => expect(v).toBeCloseTo(values(mean)[i]!, 5));
    values(bn.running_var!).forEach((v, i) => expect(v).toBeCloseTo(values(variance)[i]!, 5));
    expect(Number(bn.num_batches_tracked!.item())).toBe(3);
    expect(bn.momentum).toBe(0.3);
    expect(net.training).toBe(false);
    expect(bn.training).toBe(false);
  });

  it('leaves a model without batch norms alone and does not read the loader', () => {
    const net = new Sequential(new Linear(2, 1));
    function* loader(): Generator<Tensor> {
      throw new Error('read');
    }
    expect(() => updateBn(loader(), net)).not.toThrow();
  });

  it('updates the statistics of an AveragedModel', () => {
    const { net } = model();
    const averaged = new AveragedModel(net);
    averaged.updateParameters(net);
    manualSeed(2);
    updateBn([randn(8, 2)], averaged);
    const bn = averaged.module.at(1) as BatchNorm1d;
    expect(Number(bn.num_batches_tracked!.item())).toBe(1);
    expect(values(bn.running_mean!)).not.toEqual([0, 0, 0]);
    expect(averaged.training).toBe(true);
  });
});
