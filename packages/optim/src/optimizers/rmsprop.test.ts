import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { Parameter, RMSprop, SparseTensor, type Tensor, tensor } from '../index.js';

describe('RMSprop', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new RMSprop(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new RMSprop(p, { eps: -1 }), 'Invalid epsilon value: -1');
    expectOptimError(() => new RMSprop(p, { momentum: -0.9 }), 'Invalid momentum value: -0.9');
    expectOptimError(() => new RMSprop(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
    expectOptimError(() => new RMSprop(p, { alpha: -0.5 }), 'Invalid alpha value: -0.5');
  });

  it('keeps momentum_buffer only with momentum and grad_avg only when centered', () => {
    const p = new Parameter(floats([1, 2]));
    const plain = new RMSprop([p]);
    p.grad = floats([1, 1]);
    plain.step();
    expect(Object.keys(plain.state.get(p)!)).toEqual(['step', 'square_avg']);
    const full = new RMSprop([p], { momentum: 0.9, centered: true });
    full.step();
    expect(Object.keys(full.state.get(p)!)).toEqual(['step', 'square_avg', 'momentum_buffer', 'grad_avg']);
  });

  it('gives parameters without a gradient no state', () => {
    const [a, b] = [new Parameter(floats([1])), new Parameter(floats([2]))];
    const optimizer = new RMSprop([a, b]);
    a.grad = floats([1]);
    optimizer.step();
    expect([...optimizer.state.keys()]).toEqual([a]);
  });

  it('takes a hand-checked plain step', () => {
    const p = new Parameter(floats([1, -2]));
    const optimizer = new RMSprop([p], { lr: 0.01, alpha: 0.9 });
    p.grad = floats([0.5, -0.25]);
    optimizer.step();
    // v = 0.1·g², so g / (√v + ε) = sign(g)/√0.1 (ε = 1e-8 is below float32 resolution here).
    expectValues(p, [1 - 0.01 / Math.sqrt(0.1), -2 + 0.01 / Math.sqrt(0.1)]);
    expectValues(optimizer.state.get(p)!['square_avg'] as Tensor, [0.025, 0.00625]);
  });

  it('takes hand-checked centered steps with momentum', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new RMSprop([p], { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, eps: 0 });
    p.grad = floats([2]);
    optimizer.step();
    // v = 0.4, ḡ = 0.2: the variance 0.4 − 0.04 = 0.36; b = 2 / 0.6.
    const b1 = 2 / 0.6;
    expectValues(p, [1 - 0.01 * b1]);
    optimizer.step();
    // v = 0.36 + 0.4 = 0.76, ḡ = 0.18 + 0.2 = 0.38: variance 0.76 − 0.1444.
    const b2 = 0.5 * b1 + 2 / Math.sqrt(0.76 - 0.38 ** 2);
    expectValues(p, [1 - 0.01 * b1 - 0.01 * b2], 2e-6);
    expectValues(optimizer.state.get(p)!['momentum_buffer'] as Tensor, [b2], 2e-6);
    expectValues(optimizer.state.get(p)!['grad_avg'] as Tensor, [0.38]);
  });

  it('adds weight decay to the gradient and ascends with maximize', () => {
    const p = new Parameter(floats([2]));
    const optimizer = new RMSprop([p], { lr: 0.1, alpha: 0.75, weightDecay: 0.5, maximize: true });
    p.grad = floats([3]);
    optimizer.step();
    // g = −3 + 0.5·2 = −2: the step is γ·g/(√(0.25·4)) = −0.2, so θ rises.
    expectValues(p, [2.2]);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new RMSprop([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'RMSprop does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new RMSprop(params, { lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01 }));
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new RMSprop(params, { lr: 0.01 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
