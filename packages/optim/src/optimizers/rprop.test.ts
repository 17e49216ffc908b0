import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { Parameter, Rprop, SparseTensor, type Tensor, tensor } from '../index.js';

const f32 = Math.fround;

describe('Rprop', () => {
  it('validates lr and etas with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new Rprop(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new Rprop(p, { etas: [0, 1.2] }), 'Invalid eta values: 0, 1.2');
    expectOptimError(() => new Rprop(p, { etas: [0.5, 1] }), 'Invalid eta values: 0.5, 1');
    expectOptimError(() => new Rprop(p, { etas: [1.2, 0.5] }), 'Invalid eta values: 1.2, 0.5');
  });

  it('keeps step, prev and step_size, which starts at lr', () => {
    const p = new Parameter(floats([1, 2]));
    const optimizer = new Rprop([p], { lr: 0.3 });
    p.grad = floats([0, 0]);
    optimizer.step();
    const state = optimizer.state.get(p)!;
    expect(Object.keys(state)).toEqual(['step', 'prev', 'step_size']);
    expect([...(state['step_size'] as Tensor).toTypedArray()]).toEqual([f32(0.3), f32(0.3)]);
  });

  it('grows, shrinks and clamps step sizes by the sign of g·g_prev', () => {
    const p = new Parameter(floats([0, 0, 0]));
    const optimizer = new Rprop([p], { lr: 0.1, etas: [0.5, 1.2], stepSizes: [0.06, 0.15] });
    const sizes = () => optimizer.state.get(p)!['step_size'] as Tensor;
    p.grad = floats([1, -1, 0]);
    optimizer.step();
    // No previous gradient: sizes stay at lr and each element moves against its sign.
    expectValues(p, [-0.1, 0.1, 0]);
    p.grad = floats([2, 1, 3]);
    optimizer.step();
    // Same sign: ×1.2. Flipped: ×0.5, clamped up to 0.06, and no move. After a zero: ×1.
    expectValues(sizes(), [0.12, 0.06, 0.1]);
    expectValues(p, [-0.22, 0.1, -0.1]);
    expectValues(optimizer.state.get(p)!['prev'] as Tensor, [2, 0, 3]);
    p.grad = floats([1, 1, 1]);
    optimizer.step();
    // The flipped element forgot its gradient, so it neither grows nor shrinks now.
    expectValues(sizes(), [0.144, 0.06, 0.12]);
    expectValues(p, [-0.364, 0.04, -0.22]);
    p.grad = floats([1, 1, 1]);
    optimizer.step();
    // 0.144·1.2 = 0.1728 is clamped down to 0.15.
    expectValues(sizes(), [0.15, 0.072, 0.144]);
    expectValues(p, [-0.514, -0.032, -0.364]);
  });

  it('ascends with maximize', () => {
    const p = new Parameter(floats([0]));
    const optimizer = new Rprop([p], { lr: 0.1, maximize: true });
    p.grad = floats([3]);
    optimizer.step();
    expectValues(p, [0.1]);
  });

  it('refuses sparse gradients', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new Rprop([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'Rprop does not support sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new Rprop(params, { lr: 0.05, etas: [0.3, 1.5], stepSizes: [1e-3, 0.2] }));
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new Rprop(params), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
