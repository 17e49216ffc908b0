import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { Adadelta, Parameter, SparseTensor, type Tensor, tensor } from '../index.js';

describe('Adadelta', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new Adadelta(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new Adadelta(p, { rho: -0.1 }), 'Invalid rho value: -0.1');
    expectOptimError(() => new Adadelta(p, { rho: 1.5 }), 'Invalid rho value: 1.5');
    expectOptimError(() => new Adadelta(p, { eps: -1 }), 'Invalid epsilon value: -1');
    expectOptimError(() => new Adadelta(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
    expect(() => new Adadelta(p, { rho: 1 })).not.toThrow();
  });

  it('keeps step, square_avg and acc_delta', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new Adadelta([p]);
    p.grad = floats([1]);
    optimizer.step();
    expect(Object.keys(optimizer.state.get(p)!)).toEqual(['step', 'square_avg', 'acc_delta']);
  });

  it('takes hand-checked steps', () => {
    const p = new Parameter(floats([1, -1]));
    const optimizer = new Adadelta([p], { lr: 0.5, rho: 0.9, eps: 1e-2 });
    p.grad = floats([2, -0.5]);
    optimizer.step();
    // v = 0.1g²;  Δ = √(0 + ε)/√(v + ε) · g;  u = 0.1Δ².
    const v1 = [0.4, 0.025];
    const d1 = [(0.1 / Math.sqrt(0.41)) * 2, (0.1 / Math.sqrt(0.035)) * -0.5];
    expectValues(p, [1 - 0.5 * d1[0]!, -1 - 0.5 * d1[1]!]);
    optimizer.step();
    const u1 = d1.map((d) => 0.1 * d * d);
    const v2 = [0.9 * v1[0]! + 0.4, 0.9 * v1[1]! + 0.025];
    const d2 = [(Math.sqrt(u1[0]! + 0.01) / Math.sqrt(v2[0]! + 0.01)) * 2, (Math.sqrt(u1[1]! + 0.01) / Math.sqrt(v2[1]! + 0.01)) * -0.5];
    expectValues(p, [1 - 0.5 * (d1[0]! + d2[0]!), -1 - 0.5 * (d1[1]! + d2[1]!)]);
    expectValues(optimizer.state.get(p)!['acc_delta'] as Tensor, u1.map((u, i) => 0.9 * u + 0.1 * d2[i]! ** 2));
  });

  it('adds weight decay to the gradient and ascends with maximize', () => {
    const p = new Parameter(floats([2]));
    const optimizer = new Adadelta([p], { rho: 0, eps: 1, weightDecay: 1, maximize: true });
    p.grad = floats([1]);
    optimizer.step();
    // g = −1 + 2 = 1, v = 1: Δ = √1/√2 · 1; maximize flipped the gradient, not the decay.
    expectValues(p, [2 - 1 / Math.SQRT2]);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new Adadelta([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'Adadelta does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new Adadelta(params, { rho: 0.8, weightDecay: 0.01 }));
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new Adadelta(params), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
