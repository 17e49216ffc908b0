import { describe, expect, it } from 'vitest';
import { expectOptimError, expectValues, floats, plainCopy } from '../../test/optimizer-checks.js';
import { embedding, manualSeed, Parameter, randn, scalarTensor, SparseAdam, SparseTensor, type Tensor, tensor, zeros } from '../index.js';

/** A sparse gradient of a [rows, columns] table: entry k is row `rows[k]` with `values[k]`. */
function sparseRows(rows: number[], values: number[][], shape: [number, number]): SparseTensor {
  return new SparseTensor(tensor([rows], { dtype: 'int64' }), values.length === 0 ? zeros([0, shape[1]]) : floats(values), shape);
}

function numbers(t: Tensor): number[] {
  return [...t.toTypedArray()].map(Number);
}

/** Rows of a [rows, 2] tensor. */
function row(t: Tensor, i: number): number[] {
  return numbers(t).slice(2 * i, 2 * i + 2);
}

/** The sparse-embedding problem sum((embedding(idx, weight) − target)²), as in optim.json. */
function embeddingProblem(seed = 3): { weight: Parameter; loss: () => Tensor } {
  manualSeed(seed);
  const weight = new Parameter(randn(6, 3));
  const idx = tensor([[0, 2], [2, 5]], { dtype: 'int64' });
  const target = randn(2, 2, 3);
  return { weight, loss: () => embedding(idx, weight, { sparse: true }).sub(target).pow(2).sum() };
}

function train(optimizer: SparseAdam, loss: () => Tensor, steps: number): number[] {
  const losses: number[] = [];
  for (let k = 0; k < steps; k++) {
    optimizer.zeroGrad();
    const value = loss();
    value.backward();
    optimizer.step();
    losses.push(Number(value.item()));
  }
  return losses;
}

describe('SparseAdam', () => {
  it('validates every option with PyTorch messages (lr and eps strictly positive)', () => {
    const p = [new Parameter(floats([[1, 2]]))];
    expectOptimError(() => new SparseAdam(p, { lr: 0 }), 'Invalid learning rate: 0');
    expectOptimError(() => new SparseAdam(p, { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new SparseAdam(p, { eps: 0 }), 'Invalid epsilon value: 0');
    expectOptimError(() => new SparseAdam(p, { betas: [1, 0.9] }), 'Invalid beta parameter at index 0: 1');
    expectOptimError(() => new SparseAdam(p, { betas: [0.9, -0.1] }), 'Invalid beta parameter at index 1: -0.1');
    expect(new SparseAdam(p).defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, maximize: false });
  });

  it('rejects sparse parameters, naming their [group, index]', () => {
    const dense = new Parameter(floats([[1, 2]]));
    const sparse = sparseRows([0], [[1, 2]], [1, 2]);
    expectOptimError(() => new SparseAdam([sparse]), 'Sparse params at indices [[0, 0]]: SparseAdam requires dense parameter tensors');
    expectOptimError(
      () => new SparseAdam([{ params: [dense] }, { params: [new Parameter(floats([[3, 4]])), sparse] }]),
      'Sparse params at indices [[1, 1]]: SparseAdam requires dense parameter tensors',
    );
  });

  it('refuses dense gradients and creates no state for them', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new SparseAdam([p]);
    p.grad = floats([[1, 1]]);
    expectOptimError(() => optimizer.step(), 'SparseAdam does not support dense gradients, please consider Adam instead');
    expect(optimizer.state.size).toBe(0);
  });

  it('keeps an integer step and dense exp_avg, exp_avg_sq', () => {
    const p = new Parameter(floats([[1, 2], [3, 4]]));
    const optimizer = new SparseAdam([p]);
    p.grad = sparseRows([1], [[1, 1]], [2, 2]);
    optimizer.step();
    optimizer.step();
    const state = optimizer.state.get(p)!;
    expect(Object.keys(state)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(state['step']).toBe(2);
    expect((state['exp_avg'] as Tensor).shape).toEqual([2, 2]);
    expect((state['exp_avg_sq'] as Tensor).shape).toEqual([2, 2]);
    expect(optimizer.stateDict().state[0]!['step']).toBe(2);
  });

  it('takes a hand-checked step, summing duplicate indices first', () => {
    const p = new Parameter(floats([[0, 0], [1, 1], [2, 2], [3, 3]]));
    const optimizer = new SparseAdam([p], { lr: 0.1, betas: [0.5, 0.75], eps: 0.1 });
    // Row 1 appears twice: coalesced, its gradient is [1.5, 1].
    p.grad = sparseRows([1, 3, 1], [[1, 2], [3, 4], [0.5, -1]], [4, 2]);
    optimizer.step();
    // t = 1: m = 0.5g, v = 0.25g², θ −= 0.1·√0.25/0.5 · m/(√v + 0.1).
    const update = (g: number) => ((0.1 * Math.sqrt(0.25)) / 0.5) * ((0.5 * g) / (Math.sqrt(0.25 * g * g) + 0.1));
    expectValues(p, [0, 0, 1 - update(1.5), 1 - update(1), 2, 2, 3 - update(3), 3 - update(4)]);
    expectValues(optimizer.state.get(p)!['exp_avg'] as Tensor, [0, 0, 0.75, 0.5, 0, 0, 1.5, 2]);
    expectValues(optimizer.state.get(p)!['exp_avg_sq'] as Tensor, [0, 0, 0.5625, 0.25, 0, 0, 2.25, 4]);
  });

  it('touches only the rows named: m, v and the parameter elsewhere stay exactly as they were', () => {
    const p = new Parameter(floats([[0.5, -0.5], [1, 1], [2, 2], [3, 3]]));
    const optimizer = new SparseAdam([p], { lr: 0.05 });
    p.grad = sparseRows([1, 3], [[1, -2], [0.5, 0.25]], [4, 2]);
    optimizer.step();
    const state = optimizer.state.get(p)!;
    const m = state['exp_avg'] as Tensor;
    const v = state['exp_avg_sq'] as Tensor;
    const afterFirst = { p: row(p, 1), m: row(m, 1), v: row(v, 1) };
    expect(row(p, 0)).toEqual(numbers(floats([0.5, -0.5])));
    expect(row(p, 2)).toEqual([2, 2]);
    expect([...row(m, 0), ...row(m, 2), ...row(v, 0), ...row(v, 2)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

    // Second step on rows 0 and 3: row 1 keeps its moments (no decay) and its value; row 2 stays untouched.
    p.grad = sparseRows([0, 3], [[1, 1], [1, 1]], [4, 2]);
    optimizer.step();
    expect(row(p, 1)).toEqual(afterFirst.p);
    expect(row(m, 1)).toEqual(afterFirst.m);
    expect(row(v, 1)).toEqual(afterFirst.v);
    expect(row(p, 2)).toEqual([2, 2]);
    expect([...row(m, 2), ...row(v, 2)]).toEqual([0, 0, 0, 0]);
    expect(row(m, 0).every((x) => x !== 0)).toBe(true);
    expect(state['step']).toBe(2);
  });

  it('ascends with maximize', () => {
    const p = new Parameter(floats([[1, 1]]));
    const optimizer = new SparseAdam([p], { lr: 0.1, maximize: true });
    p.grad = sparseRows([0], [[2, -2]], [1, 2]);
    optimizer.step();
    // The first step moves each entry by ≈ lr·sign(g), here against −g.
    expectValues(p, [1.1, 0.9], 1e-6);
  });

  it('counts a step even when the gradient holds no entries, and changes nothing else', () => {
    const p = new Parameter(floats([[1, 2], [3, 4]]));
    const optimizer = new SparseAdam([p]);
    p.grad = sparseRows([], [], [2, 2]);
    optimizer.step();
    const state = optimizer.state.get(p)!;
    expect(state['step']).toBe(1);
    expect(numbers(p)).toEqual([1, 2, 3, 4]);
    expect(numbers(state['exp_avg'] as Tensor)).toEqual([0, 0, 0, 0]);
  });

  it('follows the sparse gradient of embedding(…, { sparse: true })', () => {
    const { weight, loss } = embeddingProblem();
    const initial = numbers(weight);
    const optimizer = new SparseAdam([weight], { lr: 0.01 });
    train(optimizer, loss, 3);
    const now = numbers(weight);
    // Rows 1, 3 and 4 are never looked up.
    for (const r of [1, 3, 4]) expect(now.slice(3 * r, 3 * r + 3)).toEqual(initial.slice(3 * r, 3 * r + 3));
    for (const r of [0, 2, 5]) expect(now.slice(3 * r, 3 * r + 3)).not.toEqual(initial.slice(3 * r, 3 * r + 3));
  });

  it('resumes from a state dict exactly', () => {
    const straight = embeddingProblem();
    const uninterrupted = new SparseAdam([straight.weight], { lr: 0.05, betas: [0.8, 0.9] });
    train(uninterrupted, straight.loss, 7);

    const first = embeddingProblem();
    const before = new SparseAdam([first.weight], { lr: 0.05, betas: [0.8, 0.9] });
    train(before, first.loss, 3);
    const checkpoint = plainCopy(before.stateDict());
    const second = embeddingProblem();
    second.weight.storage.data.set(first.weight.storage.data);
    const after = new SparseAdam([second.weight]);
    after.loadStateDict(checkpoint);
    train(after, second.loss, 4);

    expect(numbers(second.weight)).toEqual(numbers(straight.weight));
    const [a, b] = [after.stateDict().state[0]!, uninterrupted.stateDict().state[0]!];
    expect(a['step']).toBe(7);
    expect(numbers(a['exp_avg'] as Tensor)).toEqual(numbers(b['exp_avg'] as Tensor));
    expect(numbers(a['exp_avg_sq'] as Tensor)).toEqual(numbers(b['exp_avg_sq'] as Tensor));
    expect(after.stateDict().param_groups).toEqual(uninterrupted.stateDict().param_groups);
  });

  it('loads a step saved as a tensor as the integer it keeps', () => {
    const { weight, loss } = embeddingProblem();
    const optimizer = new SparseAdam([weight]);
    train(optimizer, loss, 2);
    const checkpoint = plainCopy(optimizer.stateDict());
    checkpoint.state[0]!['step'] = scalarTensor(2, 'float32');
    const fresh = new SparseAdam([weight]);
    fresh.loadStateDict(checkpoint);
    expect(fresh.state.get(weight)!['step']).toBe(2);
  });

  it('trains an embedding model (lookups through a fixed readout) a million times down', () => {
    // SparseAdam only takes sparse gradients, so the model is an embedding table: each bag of
    // indices is scored by the sum of its rows through a fixed random readout.
    manualSeed(11);
    const table = new Parameter(randn(12, 4).mul(0.5));
    const readout = randn(4, 1);
    const idx = tensor([[0, 3, 7], [1, 3, 9], [2, 5, 11], [4, 6, 8], [10, 0, 5], [7, 8, 9]], { dtype: 'int64' });
    const target = randn(6, 1);
    const loss = () => embedding(idx, table, { sparse: true }).sum(1).matmul(readout).sub(target).pow(2).mean();
    const optimizer = new SparseAdam([table], { lr: 0.05 });
    const before = Number(loss().item());
    train(optimizer, loss, 300);
    // Measured: 2.48 → 1e-13 (the table has more entries than there are targets).
    expect(Number(loss().item())).toBeLessThan(before / 1e6);
  });
});
