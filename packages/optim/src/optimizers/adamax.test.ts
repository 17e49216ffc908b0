import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { Adamax, Parameter, SparseTensor, type Tensor, tensor } from '../index.js';

describe('Adamax', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new Adamax(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new Adamax(p, { eps: -1 }), 'Invalid epsilon value: -1');
    expectOptimError(() => new Adamax(p, { betas: [1, 0.999] }), 'Invalid beta parameter at index 0: 1');
    expectOptimError(() => new Adamax(p, { betas: [0.9, -0.1] }), 'Invalid beta parameter at index 1: -0.1');
    expectOptimError(() => new Adamax(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
  });

  it('keeps step, exp_avg and exp_inf', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new Adamax([p]);
    p.grad = floats([1]);
    optimizer.step();
    expect(Object.keys(optimizer.state.get(p)!)).toEqual(['step', 'exp_avg', 'exp_inf']);
  });

  it('takes hand-checked steps, with eps inside the max', () => {
    const p = new Parameter(floats([1, 1]));
    const optimizer = new Adamax([p], { lr: 0.1, betas: [0.5, 0.5], eps: 0.01 });
    p.grad = floats([2, -0.5]);
    optimizer.step();
    // m = 0.5g, u = |g| + ε, step γ/(1 − 0.5) · m/u.
    const first = [1 - (0.2 * 1) / 2.01, 1 - (0.2 * -0.25) / 0.51];
    expectValues(p, first);
    p.grad = floats([0, 0]);
    optimizer.step();
    // u = max(0.5u, 0 + ε); m halves; γ/(1 − 0.25).
    const u = [Math.max(1.005, 0.01), Math.max(0.255, 0.01)];
    expectValues(p, [first[0]! - ((0.1 / 0.75) * 0.5) / u[0]!, first[1]! - ((0.1 / 0.75) * -0.125) / u[1]!]);
    expectValues(optimizer.state.get(p)!['exp_inf'] as Tensor, u);
    // With a zero gradient and a zero average, u is ε exactly: it is never 0.
    const q = new Parameter(floats([1]));
    const fresh = new Adamax([q], { eps: 0.25 });
    q.grad = floats([0]);
    fresh.step();
    expectValues(fresh.state.get(q)!['exp_inf'] as Tensor, [0.25]);
    expectValues(q, [1]);
  });

  it('adds weight decay to the gradient and ascends with maximize', () => {
    const p = new Parameter(floats([2]));
    const optimizer = new Adamax([p], { lr: 0.1, betas: [0, 0.9], eps: 0, weightDecay: 1, maximize: true });
    p.grad = floats([3]);
    optimizer.step();
    // g = −3 + 2 = −1: m = −1, u = 1, so θ rises by γ.
    expectValues(p, [2.1]);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new Adamax([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'Adamax does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new Adamax(params, { lr: 0.01, weightDecay: 0.01 }));
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new Adamax(params, { lr: 0.02 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
