import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, trainMlp } from '../../test/optimizer-checks.js';
import { Adagrad, embedding, Parameter, SparseTensor, type Tensor, tensor } from '../index.js';

const f32 = Math.fround;

describe('Adagrad', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(floats([1]))];
    expectOptimError(() => new Adagrad(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new Adagrad(p, { lrDecay: -0.5 }), 'Invalid lr_decay value: -0.5');
    expectOptimError(() => new Adagrad(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1');
    expectOptimError(() => new Adagrad(p, { initialAccumulatorValue: -1 }), 'Invalid initial_accumulator_value value: -1');
    expectOptimError(() => new Adagrad(p, { eps: -1e-10 }), 'Invalid epsilon value: -1e-10');
  });

  it('creates step and sum for every parameter in the constructor', () => {
    const [a, b] = [new Parameter(floats([1, 2])), new Parameter(floats([[3]]))];
    const optimizer = new Adagrad([a, b], { initialAccumulatorValue: 0.3 });
    expect(optimizer.state.size).toBe(2);
    const state = optimizer.state.get(b)!;
    expect(Object.keys(state)).toEqual(['step', 'sum']);
    expect((state['step'] as Tensor).shape).toEqual([]);
    expect((state['step'] as Tensor).dtype).toBe('float32');
    expect((state['step'] as Tensor).item()).toBe(0);
    expect([...(state['sum'] as Tensor).toTypedArray()]).toEqual([f32(0.3)]);
    expect(Object.keys(optimizer.stateDict().state)).toEqual(['0', '1']);
  });

  it('fills every group sum with the constructor value, as PyTorch does', () => {
    const [a, b] = [new Parameter(floats([1])), new Parameter(floats([2]))];
    const optimizer = new Adagrad([{ params: [a] }, { params: [b], initialAccumulatorValue: 5 }], { initialAccumulatorValue: 0.5 });
    expect((optimizer.state.get(b)!['sum'] as Tensor).item()).toBe(0.5);
  });

  it('takes hand-checked steps with lr decay, weight decay and an initial accumulator', () => {
    const p = new Parameter(floats([1, -2, 0.5]));
    const optimizer = new Adagrad([p], { lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.2 });
    p.grad = floats([0.5, 0.25, -1]);
    optimizer.step();
    // g + 0.1θ = [0.6, 0.05, -0.95]; sum = 0.2 + g²; lr 0.1 at t = 1.
    const first = [1 - (0.1 * 0.6) / Math.sqrt(0.56), -2 - (0.1 * 0.05) / Math.sqrt(0.2025), 0.5 + (0.1 * 0.95) / Math.sqrt(1.1025)];
    expectValues(p, first);
    optimizer.step();
    // t = 2: lr 0.1 / (1 + 0.5).
    const g2 = [0.5 + 0.1 * first[0]!, 0.25 + 0.1 * first[1]!, -1 + 0.1 * first[2]!];
    const sums = [0.56 + g2[0]! ** 2, 0.2025 + g2[1]! ** 2, 1.1025 + g2[2]! ** 2];
    expectValues(p, first.map((v, i) => v - ((0.1 / 1.5) * g2[i]!) / Math.sqrt(sums[i]!)));
    expectValues(optimizer.state.get(p)!['sum'] as Tensor, sums);
    expect((optimizer.state.get(p)!['step'] as Tensor).item()).toBe(2);
  });

  it('ascends with maximize', () => {
    const p = new Parameter(floats([1]));
    const optimizer = new Adagrad([p], { lr: 0.5, maximize: true });
    p.grad = floats([2]);
    optimizer.step();
    expectValues(p, [1.5]);
  });

  it('updates only the rows a sparse gradient names', () => {
    // eps = 0 and empty accumulators: a dense update would make 0/0 = NaN in the other rows.
    const weight = new Parameter(floats([[1, 2], [3, 4], [5, 6], [7, 8]]));
    const optimizer = new Adagrad([weight], { lr: 0.5, eps: 0 });
    embedding(tensor([[2, 0]], { dtype: 'int64' }), weight, { sparse: true }).pow(2).sum().backward();
    expect(weight.grad!.isSparse).toBe(true);
    optimizer.step();
    // g = 2θ on rows 0 and 2, so each named element moves by 0.5·g/|g| = 0.5.
    expectValues(weight, [0.5, 1.5, 3, 4, 4.5, 5.5, 7, 8]);
    expectValues(optimizer.state.get(weight)!['sum'] as Tensor, [4, 16, 0, 0, 100, 144, 0, 0]);
  });

  it('coalesces a sparse gradient before the update', () => {
    const p = new Parameter(floats([[1, 1], [1, 1], [1, 1]]));
    const optimizer = new Adagrad([p], { lr: 1, initialAccumulatorValue: 1 });
    // Row 1 twice: its gradient is [3, 4] + [1, 0] = [4, 4], squared after summing.
    p.grad = new SparseTensor(tensor([[1, 2, 1]], { dtype: 'int64' }), floats([[3, 4], [2, 2], [1, 0]]), [3, 2]);
    optimizer.step();
    expectValues(p, [1, 1, 1 - 4 / Math.sqrt(17), 1 - 4 / Math.sqrt(17), 1 - 2 / Math.sqrt(5), 1 - 2 / Math.sqrt(5)]);
    expectValues(optimizer.state.get(p)!['sum'] as Tensor, [1, 1, 17, 17, 5, 5]);
  });

  it('negates a sparse gradient with maximize', () => {
    const p = new Parameter(floats([[0, 0], [0, 0]]));
    const optimizer = new Adagrad([p], { lr: 1, maximize: true });
    p.grad = new SparseTensor(tensor([[1]], { dtype: 'int64' }), floats([[2, -3]]), [2, 2]);
    optimizer.step();
    expectValues(p, [0, 0, 1, -1]);
  });

  it('refuses weight decay with a sparse gradient', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new Adagrad([p], { weightDecay: 0.1 });
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'weight_decay option is not compatible with sparse gradients');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new Adagrad(params, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 }));
  });

  it('trains a small MLP', () => {
    const { before, after } = trainMlp((params) => new Adagrad(params, { lr: 0.1 }), 300);
    expect(after).toBeLessThan(before / 20);
  });
});
