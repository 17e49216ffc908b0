import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { NAdam, Parameter, SparseTensor, type Tensor, tensor } from '../index.js';

/** The momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)). */
const mu = (t: number, beta1 = 0.9, psi = 4e-3) => beta1 * (1 - 0.5 * 0.96 ** (t * psi));

describe('NAdam', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new NAdam(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new NAdam(p, { eps: -1 }), 'Invalid epsilon value: -1');
    expectOptimError(() => new NAdam(p, { betas: [-0.1, 0.999] }), 'Invalid beta parameter at index 0: -0.1');
    expectOptimError(() => new NAdam(p, { betas: [0.9, 1] }), 'Invalid beta parameter at index 1: 1');
    expectOptimError(() => new NAdam(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
    expectOptimError(() => new NAdam(p, { momentumDecay: -1 }), 'Invalid momentum_decay value: -1');
  });

  it('keeps mu_product as a 0-d float32 tensor, rounded like PyTorch', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new NAdam([p]);
    p.grad = floats([1]);
    optimizer.step();
    const state = optimizer.state.get(p)!;
    expect(Object.keys(state)).toEqual(['step', 'mu_product', 'exp_avg', 'exp_avg_sq']);
    const product = state['mu_product'] as Tensor;
    expect(product.shape).toEqual([]);
    expect(product.dtype).toBe('float32');
    expect(product.item()).toBe(Math.fround(mu(1)));
    optimizer.step();
    expect(product.item()).toBe(Math.fround(Math.fround(mu(1)) * mu(2)));
  });

  it('takes a hand-checked first step', () => {
    const p = new Parameter(floats([1, -1]));
    const optimizer = new NAdam([p], { lr: 0.1, eps: 0 });
    p.grad = floats([2, -0.5]);
    optimizer.step();
    // t = 1: m = 0.1g and √(v / (1 − β₂)) = |g|, so θ −= γ(1 − μ₁)/(1 − μ₁)·sign g + γμ₂/(1 − μ₁μ₂)·0.1·sign g.
    const [mu1, mu2] = [Math.fround(mu(1)), mu(2)];
    const move = 0.1 + (0.1 * mu2 * 0.1) / (1 - mu1 * mu2);
    expectValues(p, [1 - move, -1 + move]);
  });

  it('decays weights directly when decoupled, through the gradient otherwise', () => {
    const p = new Parameter(floats([2]));
    const decoupled = new NAdam([p], { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true });
    p.grad = floats([0]);
    decoupled.step();
    // A zero gradient leaves only θ ← θ(1 − γλ).
    expectValues(p, [2 * (1 - 0.05)]);
    const q = new Parameter(floats([2]));
    const coupled = new NAdam([q], { lr: 0.1, weightDecay: 0.5, eps: 0 });
    q.grad = floats([0]);
    coupled.step();
    // g = λθ = 1 > 0: the same move as a unit gradient.
    const [mu1, mu2] = [Math.fround(mu(1)), mu(2)];
    expectValues(q, [2 - 0.1 - (0.1 * mu2 * 0.1) / (1 - mu1 * mu2)]);
  });

  it('ascends with maximize', () => {
    const p = new Parameter(floats([0]));
    const optimizer = new NAdam([p], { lr: 0.1, maximize: true });
    p.grad = floats([1]);
    optimizer.step();
    expect(Number(p.item())).toBeGreaterThan(0.1);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new NAdam([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'NAdam does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new NAdam(params, { lr: 0.01, weightDecay: 0.01, decoupledWeightDecay: true }));
  });

  it('upgrades a plain-number mu_product from an old checkpoint', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new NAdam([p]);
    p.grad = floats([1]);
    optimizer.step();
    const saved = optimizer.stateDict();
    const old = { ...saved, state: { 0: { ...saved.state[0], step: 1, mu_product: 0.5 } } };
    const fresh = new NAdam([p]);
    fresh.loadStateDict(old);
    const product = fresh.state.get(p)!['mu_product'] as Tensor;
    expect([product.dtype, product.item()]).toEqual(['float32', 0.5]);
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new NAdam(params, { lr: 0.02 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
