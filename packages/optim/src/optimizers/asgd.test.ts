import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { ASGD, Parameter, SparseTensor, type Tensor, tensor } from '../index.js';

const f32 = Math.fround;

describe('ASGD', () => {
  it('validates lr and weight decay with PyTorch messages, and nothing else', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new ASGD(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new ASGD(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
    expect(() => new ASGD(p, { lambd: -1, alpha: -1, t0: -1 })).not.toThrow();
  });

  it('keeps step, eta and mu as 0-d float32 tensors, and ax', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new ASGD([p], { lr: 0.1 });
    p.grad = floats([0]);
    optimizer.step();
    const state = optimizer.state.get(p)!;
    expect(Object.keys(state)).toEqual(['step', 'eta', 'mu', 'ax']);
    for (const key of ['step', 'eta', 'mu']) expect([(state[key] as Tensor).shape, (state[key] as Tensor).dtype]).toEqual([[], 'float32']);
    expect((state['eta'] as Tensor).item()).toBe(f32(0.1 / (1 + 1e-4 * 0.1) ** 0.75));
    expect((state['mu'] as Tensor).item()).toBe(1);
  });

  it('takes hand-checked steps and averages from t0 on', () => {
    const p = new Parameter(floats([1, -1]));
    const [lr, lambd, alpha] = [0.1, 0.5, 0.5];
    const optimizer = new ASGD([p], { lr, lambd, alpha, t0: 0 });
    const grads = [
      [1, 2],
      [-1, 0.5],
      [0.5, 0.5],
    ];
    let theta = [1, -1];
    let ax = [0, 0];
    let [eta, mu] = [f32(lr), 1];
    grads.forEach((g, k) => {
      const t = k + 1;
      p.grad = floats(g);
      optimizer.step();
      // θ ← θ(1 − λη) − ηg, with the η of the previous step (lr at first).
      theta = theta.map((v, i) => v * (1 - lambd * eta) - eta * g[i]!);
      ax = mu === 1 ? theta : ax.map((a, i) => a + mu * (theta[i]! - a));
      eta = f32(lr / (1 + lambd * lr * t) ** alpha);
      mu = f32(1 / Math.max(1, t));
      expectValues(p, theta);
      expectValues(optimizer.state.get(p)!['ax'] as Tensor, ax);
    });
    // Step 3 averaged with μ = 1/2 (set by step 2); now μ = 1/3.
    expect(ax).not.toEqual(theta);
    expect((optimizer.state.get(p)!['mu'] as Tensor).item()).toBe(f32(1 / 3));
    expect((optimizer.state.get(p)!['eta'] as Tensor).item()).toBe(eta);
  });

  it('adds weight decay to the gradient and ascends with maximize', () => {
    const p = new Parameter(floats([2]));
    const optimizer = new ASGD([p], { lr: 0.1, lambd: 0, weightDecay: 0.5, maximize: true });
    p.grad = floats([3]);
    optimizer.step();
    // g = −3 + 1 = −2: θ rises by ηg.
    expectValues(p, [2 + f32(0.1) * 2]);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new ASGD([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'ASGD does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new ASGD(params, { lr: 0.05, lambd: 0.01, t0: 2, weightDecay: 0.01 }));
  });

  it('upgrades plain-number eta and mu from an old checkpoint', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new ASGD([p]);
    p.grad = floats([1]);
    optimizer.step();
    const saved = optimizer.stateDict();
    const fresh = new ASGD([p]);
    fresh.loadStateDict({ ...saved, state: { 0: { ...saved.state[0], step: 1, eta: 0.25, mu: 1 } } });
    const state = fresh.state.get(p)!;
    expect([(state['eta'] as Tensor).dtype, (state['eta'] as Tensor).item(), (state['mu'] as Tensor).item()]).toEqual(['float32', 0.25, 1]);
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new ASGD(params, { lr: 0.2 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
