import { describe, expect, it } from 'vitest';
import { Parameter, tensor, zeros } from '../index.js';
import { expectOptimError, expectResumeExact, expectValues, trainMlp } from '../../test/optimizer-checks.js';
import { Adam, AdamW } from './adam.js';

describe('Adam', () => {
  it('moves every coordinate by about lr on the first step', () => {
    // m̂ = g and v̂ = g² after bias correction, so the step is lr·g/(|g| + ε).
    const w = new Parameter(tensor([1, 1], { dtype: 'float64' }));
    w.grad = tensor([0.3, -5], { dtype: 'float64' });
    new Adam([w], { lr: 0.1 }).step();
    expectValues(w, [1 - 0.1 * (0.3 / (0.3 + 1e-8)), 1 + 0.1 * (5 / (5 + 1e-8))], 1e-12);
  });

  it('creates step, exp_avg, exp_avg_sq (and max_exp_avg_sq with AMSGrad) on the first step', () => {
    const w = new Parameter(zeros(2));
    const optimizer = new Adam([w], { amsgrad: true });
    expect(optimizer.state.has(w)).toBe(false);
    w.grad = tensor([1, 2], { dtype: 'float32' });
    optimizer.step();
    const state = optimizer.state.get(w)!;
    expect(Object.keys(state)).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(Number((state['step'] as Parameter).item())).toBe(1);
    expect((state['step'] as Parameter).dtype).toBe('float32');
  });

  it('refuses sparse-style misuse and bad options with PyTorch messages', () => {
    const ps = () => [new Parameter(zeros(1))];
    expectOptimError(() => new Adam(ps(), { lr: -0.1 }), 'Invalid learning rate: -0.1');
    expectOptimError(() => new Adam(ps(), { eps: -1 }), 'Invalid epsilon value: -1');
    expectOptimError(() => new Adam(ps(), { betas: [1, 0.999] }), 'Invalid beta parameter at index 0: 1');
    expectOptimError(() => new Adam(ps(), { betas: [0.9, -0.1] }), 'Invalid beta parameter at index 1: -0.1');
    expectOptimError(() => new Adam(ps(), { weightDecay: -1 }), 'Invalid weight_decay value: -1');
  });

  it('resumes bit for bit from a state dict, with and without AMSGrad', () => {
    expectResumeExact((params) => new Adam(params, { lr: 0.05 }));
    expectResumeExact((params) => new Adam(params, { lr: 0.05, amsgrad: true, weightDecay: 0.1 }));
  });

  it('trains a small MLP, cutting the loss at least 20×', () => {
    const { before, after } = trainMlp((params) => new Adam(params, { lr: 0.05 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});

describe('AdamW', () => {
  it('decays the weights directly, θ ← θ(1 − lr·λ), with λ = 0.01 by default', () => {
    const w = new Parameter(tensor([2], { dtype: 'float64' }));
    const optimizer = new AdamW([w], { lr: 0.1 });
    expect(optimizer.defaults.weightDecay).toBe(0.01);
    expect(optimizer.defaults.decoupledWeightDecay).toBe(true);
    w.grad = tensor([0], { dtype: 'float64' });
    optimizer.step();
    expectValues(w, [2 * (1 - 0.1 * 0.01)], 1e-12);
  });

  it('trains a small MLP, cutting the loss at least 20×', () => {
    const { before, after } = trainMlp((params) => new AdamW(params, { lr: 0.05 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
