import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { Parameter, RAdam, SparseTensor, tensor } from '../index.js';

describe('RAdam', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new RAdam(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new RAdam(p, { eps: -1 }), 'Invalid epsilon value: -1');
    expectOptimError(() => new RAdam(p, { betas: [1.5, 0.999] }), 'Invalid beta parameter at index 0: 1.5');
    expectOptimError(() => new RAdam(p, { betas: [0.9, 1] }), 'Invalid beta parameter at index 1: 1');
    expectOptimError(() => new RAdam(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
  });

  it('keeps step, exp_avg and exp_avg_sq', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new RAdam([p]);
    p.grad = floats([1]);
    optimizer.step();
    expect(Object.keys(optimizer.state.get(p)!)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
  });

  it('moves by γ·m̂ until ρₜ > 5, then by the rectified adaptive step', () => {
    // β₂ = 0.99: ρ∞ = 199, ρ₅ ≈ 4.96, ρ₆ ≈ 5.94. A constant gradient g makes m̂ = g and
    // √(1 − β₂ᵗ)/√v = 1/|g|, so the steps are γg, then γ·r₆·sign g.
    const p = new Parameter(floats([0]));
    const optimizer = new RAdam([p], { lr: 0.1, betas: [0.9, 0.99], eps: 0 });
    for (let t = 1; t <= 5; t++) {
      p.grad = floats([2]);
      optimizer.step();
      expectValues(p, [-0.2 * t], 2e-6);
    }
    const rhoInf = 199;
    const rho6 = rhoInf - (12 * 0.99 ** 6) / (1 - 0.99 ** 6);
    const r6 = Math.sqrt(((rho6 - 4) * (rho6 - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho6));
    p.grad = floats([2]);
    optimizer.step();
    expectValues(p, [-1 - 0.1 * r6], 2e-6);
  });

  it('decays weights directly when decoupled, through the gradient otherwise', () => {
    const p = new Parameter(floats([2]));
    const decoupled = new RAdam([p], { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true });
    p.grad = floats([0]);
    decoupled.step();
    expectValues(p, [2 * (1 - 0.05)]);
    const q = new Parameter(floats([2]));
    const coupled = new RAdam([q], { lr: 0.1, weightDecay: 0.5 });
    q.grad = floats([0]);
    coupled.step();
    // g = λθ = 1 and the first step is γ·m̂ = γg.
    expectValues(q, [1.9]);
  });

  it('ascends with maximize', () => {
    const p = new Parameter(floats([0]));
    const optimizer = new RAdam([p], { lr: 0.1, maximize: true });
    p.grad = floats([1]);
    optimizer.step();
    expectValues(p, [0.1]);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new RAdam([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'RAdam does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new RAdam(params, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.01 }), 4, 6);
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new RAdam(params, { lr: 0.02 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
