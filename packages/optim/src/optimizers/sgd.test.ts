import { describe, expect, it } from 'vitest';
import { Parameter, tensor, zeros } from '../index.js';
import { expectOptimError, expectResumeExact, expectValues, trainMlp } from '../../test/optimizer-checks.js';
import { SGD } from './sgd.js';

describe('SGD', () => {
  it('subtracts lr·g without momentum and keeps no state', () => {
    const w = new Parameter(tensor([1, 2], { dtype: 'float32' }));
    w.grad = tensor([0.5, -1], { dtype: 'float32' });
    const optimizer = new SGD([w], { lr: 0.1 });
    optimizer.step();
    expectValues(w, [0.95, 2.1]);
    expect(optimizer.state.size).toBe(0);
  });

  it('keeps a momentum buffer v = m·v + (1 − dampening)·g, starting at g', () => {
    const w = new Parameter(zeros(1));
    const optimizer = new SGD([w], { lr: 1, momentum: 0.9, dampening: 0.5 });
    for (const expected of [1, 1.4, 1.76]) {
      w.grad = tensor([1], { dtype: 'float32' });
      optimizer.step();
      expectValues(optimizer.state.get(w)!['momentum_buffer'] as Parameter, [expected], 1e-6);
    }
    expectValues(w, [-(1 + 1.4 + 1.76)], 1e-5);
  });

  it('uses g + m·v with Nesterov momentum and adds the L2 term', () => {
    const w = new Parameter(tensor([2], { dtype: 'float32' }));
    w.grad = tensor([1], { dtype: 'float32' });
    new SGD([w], { lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.5 }).step();
    // g = 1 + 0.5·2 = 2; v = 2; update = g + 0.5·v = 3
    expectValues(w, [2 - 0.3]);
  });

  it('ascends with maximize', () => {
    const w = new Parameter(tensor([0], { dtype: 'float32' }));
    w.grad = tensor([1], { dtype: 'float32' });
    new SGD([w], { lr: 0.5, maximize: true }).step();
    expectValues(w, [0.5]);
  });

  it('rejects bad options with PyTorch messages', () => {
    const ps = () => [new Parameter(zeros(1))];
    expectOptimError(() => new SGD(ps(), { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new SGD(ps(), { momentum: -0.1 }), 'Invalid momentum value: -0.1');
    expectOptimError(() => new SGD(ps(), { weightDecay: -1 }), 'Invalid weight_decay value: -1');
    expectOptimError(() => new SGD(ps(), { nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening');
    expectOptimError(() => new SGD(ps(), { nesterov: true, momentum: 0.9, dampening: 0.1 }), 'Nesterov momentum requires a momentum and zero dampening');
  });

  it('resumes bit for bit from a state dict', () => {
    expectResumeExact((params) => new SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true }));
  });

  it('trains a small MLP, cutting the loss at least 10×', () => {
    const { before, after } = trainMlp((params) => new SGD(params, { lr: 0.2, momentum: 0.9 }), 300);
    expect(after).toBeLessThan(before / 10);
  });
});
