import { describe, expect, it } from 'vitest';
import { expectOptimError, expectValues, floats, leastSquares, plainCopy } from '../../test/optimizer-checks.js';
import { LBFGS, type LBFGSOptions, lbfgsDirection, manualSeed, type Num, Parameter, RawTensor, randn, ScalarMath, type Tensor, tensor } from '../index.js';

/** The closure LBFGS needs: zero the gradients, evaluate, backward, return the loss. */
function closureFor(optimizer: LBFGS, loss: () => Tensor, counter?: { calls: number }): () => Tensor {
  return () => {
    if (counter) counter.calls++;
    optimizer.zeroGrad();
    const value = loss();
    value.backward();
    return value;
  };
}

/** f(x) = ½ Σ aᵢxᵢ², the gradient aᵢxᵢ. */
function quadratic(x: Tensor, a: number[]): () => Tensor {
  const scale = tensor(a, { dtype: x.dtype });
  return () => x.pow(2).mul(scale).sum().mul(0.5);
}

/** Tensors in a state value as plain numbers, for exact comparisons. */
function numbers(value: unknown): unknown {
  if (value instanceof RawTensor) return [...value.toTypedArray()].map(Number);
  if (Array.isArray(value)) return value.map(numbers);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbers(v)]));
  return value;
}

const f32 = Math.fround;

describe('LBFGS', () => {
  it('validates its options with PyTorch messages', () => {
    const p = new Parameter(floats([1]));
    expectOptimError(() => new LBFGS([p], { lr: -1 }), 'Invalid learning rate: -1');
    expectOptimError(() => new LBFGS([{ params: [p] }, { params: [new Parameter(floats([2]))] }]), "LBFGS doesn't support per-parameter options (parameter groups)");
    expectOptimError(() => new LBFGS([p]).step(), "LBFGS.step() missing 1 required positional argument: 'closure'");
    const bad = new LBFGS([p], { lineSearchFn: 'backtracking' as 'strong_wolfe' });
    expectOptimError(() => bad.step(closureFor(bad, quadratic(p, [1]))), "only 'strong_wolfe' is supported");
  });

  it('defaults maxEval to ⌊maxIter · 5/4⌋ and writes it to the state dict', () => {
    const p = new Parameter(floats([1]));
    expect(new LBFGS([p]).defaults).toEqual({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
    expect(new LBFGS([p], { maxIter: 7 }).defaults.maxEval).toBe(8);
    expect(new LBFGS([p], { maxIter: 7, maxEval: 3 }).defaults.maxEval).toBe(3);
    expect(new LBFGS([p], { maxIter: 10, lineSearchFn: 'strong_wolfe' }).stateDict().param_groups).toEqual([
      { lr: 1, max_iter: 10, max_eval: 12, tolerance_grad: 1e-7, tolerance_change: 1e-9, history_size: 100, line_search_fn: 'strong_wolfe', params: [0] },
    ]);
  });

  it('takes a hand-checked first iteration and keeps PyTorch’s state, all on the first parameter', () => {
    const x = new Parameter(floats([1, 1]));
    const unused = new Parameter(floats([5]));
    const optimizer = new LBFGS([x, unused], { maxIter: 1 });
    const counter = { calls: 0 };
    const loss = optimizer.step(closureFor(optimizer, quadratic(x, [1, 4]), counter));
    // g = [1, 4], d = −g, t = min(1, 1/Σ|g|)·lr = 0.2; the last iteration does not re-evaluate.
    expect(loss).toBe(2.5);
    expect(counter.calls).toBe(1);
    expectValues(x, [0.8, 0.2]);
    expect(numbers(unused)).toEqual([5]);
    expect(optimizer.state.size).toBe(1);
    const state = optimizer.state.get(x)!;
    expect(Object.keys(state)).toEqual(['func_evals', 'n_iter', 'd', 't', 'old_dirs', 'old_stps', 'ro', 'H_diag', 'prev_flat_grad', 'prev_loss']);
    expect(numbers(state)).toEqual({ func_evals: 1, n_iter: 1, d: [-1, -4, -0], t: [f32(0.2)], old_dirs: [], old_stps: [], ro: [], H_diag: 1, prev_flat_grad: [1, 4, 0], prev_loss: 2.5 });
  });

  it('takes a hand-checked quasi-Newton iteration (two-loop recursion, one pair)', () => {
    const x = new Parameter(floats([1, 1]));
    const optimizer = new LBFGS([x], { maxIter: 1 });
    const closure = closureFor(optimizer, quadratic(x, [1, 4]));
    optimizer.step(closure);
    optimizer.step(closure);
    // From x₁ = [0.8, 0.2]: g = [0.8, 0.8], y = g − [1, 4], s = 0.2·[−1, −4], ρ = 1/(y·s), H₀ = y·s / y·y.
    const [g, y, s] = [[0.8, 0.8], [-0.2, -3.2], [-0.2, -0.8]];
    const dotv = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]!;
    const rho = 1 / dotv(y, s);
    const h = dotv(y, s) / dotv(y, y);
    const q = g.map((v) => -v);
    const alpha = dotv(s, q) * rho;
    const r = q.map((v, i) => (v - alpha * y[i]!) * h);
    const beta = dotv(y, r) * rho;
    const d = r.map((v, i) => v + (alpha - beta) * s[i]!);
    expectValues(x, [0.8 + d[0]!, 0.2 + d[1]!], 1e-6);
    const state = optimizer.state.get(x)!;
    expect(state['n_iter']).toBe(2);
    expect((state['al'] as unknown[]).length).toBe(100);
    expectValues((state['al'] as Tensor[])[0]!, [alpha], 1e-6);
    expect((state['al'] as unknown[])[1]).toBeNull();
    expectValues((state['ro'] as Tensor[])[0]!, [rho], 1e-5);
    expectValues(state['H_diag'] as Tensor, [h], 1e-6);
  });

  it('evaluates the closure once per iteration without a line search', () => {
    const x = new Parameter(floats([1, -2, 3]));
    const optimizer = new LBFGS([x], { maxIter: 5, lr: 0.1 });
    const counter = { calls: 0 };
    optimizer.step(closureFor(optimizer, quadratic(x, [1, 2, 3]), counter));
    expect(counter.calls).toBe(5);
    expect(optimizer.state.get(x)!['func_evals']).toBe(5);
    expect(optimizer.state.get(x)!['n_iter']).toBe(5);
  });

  it('stops at once when the gradient is already below toleranceGrad', () => {
    const x = new Parameter(floats([0, 0]));
    const optimizer = new LBFGS([x]);
    expect(optimizer.step(closureFor(optimizer, quadratic(x, [1, 1])))).toBe(0);
    expect(optimizer.state.get(x)).toEqual({ func_evals: 1, n_iter: 0 });
  });

  it('minimises a convex quadratic with the strong-Wolfe line search', () => {
    const x = new Parameter(floats([1, -2, 3, 0.5]));
    const optimizer = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
    const closure = closureFor(optimizer, quadratic(x, [1, 10, 0.5, 3]));
    const first = optimizer.step(closure);
    expect(first).toBeCloseTo(0.5 * (1 + 40 + 4.5 + 0.75), 5);
    expectValues(x, [0, 0, 0, 0], 1e-5);
    expect(optimizer.state.get(x)!['func_evals'] as number).toBeLessThanOrEqual(25);
  });

  it('works in float64 when the parameters are float64', () => {
    const x = new Parameter(tensor([3, -1], { dtype: 'float64' }));
    const optimizer = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
    optimizer.step(closureFor(optimizer, quadratic(x, [2, 5])));
    // It stops once the loss changes by less than toleranceChange (here near 1e-11).
    expectValues(x, [0, 0], 1e-4);
    const state = optimizer.state.get(x)!;
    expect((state['d'] as Tensor).dtype).toBe('float64');
    expect((state['ro'] as Tensor[]).every((r) => r.dtype === 'float64')).toBe(true);
  });

  it('runs the step hooks and counts steps once per step() call', () => {
    const x = new Parameter(floats([1, 1]));
    const optimizer = new LBFGS([x], { maxIter: 4 });
    const calls: string[] = [];
    optimizer.registerStepPreHook(() => calls.push('pre'));
    optimizer.registerStepPostHook(() => calls.push('post'));
    const closure = closureFor(optimizer, quadratic(x, [1, 4]));
    optimizer.step(closure);
    optimizer.step(closure);
    expect(calls).toEqual(['pre', 'post', 'pre', 'post']);
    expect(optimizer.stepCount).toBe(2);
  });

  for (const options of [{ maxIter: 4, historySize: 3 }, { maxIter: 4, historySize: 5, lineSearchFn: 'strong_wolfe' as const }]) {
    it(`resumes from a state dict exactly (${JSON.stringify(options)})`, () => {
      const run = (optimizer: LBFGS, loss: () => Tensor, steps: number) => {
        for (let k = 0; k < steps; k++) optimizer.step(closureFor(optimizer, loss));
      };
      const straight = leastSquares();
      const uninterrupted = new LBFGS(straight.params, options);
      run(uninterrupted, straight.loss, 5);

      const first = leastSquares();
      const before = new LBFGS(first.params, options);
      run(before, first.loss, 2);
      const checkpoint = plainCopy(before.stateDict());
      const second = leastSquares();
      second.params.forEach((p, i) => p.storage.data.set(first.params[i]!.storage.data));
      const after = new LBFGS(second.params, options as Partial<LBFGSOptions>);
      after.loadStateDict(checkpoint);
      run(after, second.loss, 3);

      second.params.forEach((p, i) => expect(numbers(p), `parameter ${i}`).toEqual(numbers(straight.params[i])));
      expect(numbers(after.stateDict().state)).toEqual(numbers(uninterrupted.stateDict().state));
      expect(after.stateDict().param_groups).toEqual(uninterrupted.stateDict().param_groups);
    });
  }

  it('trains a small MLP 1000× down in 5 steps', () => {
    manualSeed(7);
    const w1 = new Parameter(randn(2, 8).mul(0.7));
    const b1 = new Parameter(randn(8).mul(0.1));
    const w2 = new Parameter(randn(8, 1).mul(0.7));
    const b2 = new Parameter(randn(1).mul(0.1));
    const grid = [-1, -0.6, -0.2, 0.2, 0.6, 1];
    const X = tensor(grid.flatMap((a) => grid.map((b) => [a, b])), { dtype: 'float32' });
    const Y = tensor(grid.flatMap((a) => grid.map((b) => [a * b])), { dtype: 'float32' });
    const loss = () => X.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sub(Y).pow(2).mean();
    const optimizer = new LBFGS([w1, b1, w2, b2], { lineSearchFn: 'strong_wolfe' });
    const before = Number(loss().item());
    for (let k = 0; k < 5; k++) optimizer.step(closureFor(optimizer, loss));
    // Measured: 0.854 → 5.3e-6.
    expect(Number(loss().item())).toBeLessThan(before / 1000);
  });
});

describe('lbfgsDirection', () => {
  it('is −g scaled by H₀ without history', () => {
    const math = new ScalarMath((v) => v);
    const d = lbfgsDirection(math, new Float64Array([1, -2]), [], [], [], 0.5, []);
    expect([...d]).toEqual([-0.5, 1]);
  });

  it('inverts a diagonal Hessian exactly from one pair per coordinate', () => {
    // For f = ½(2x² + 8y²), pairs along each axis give the exact inverse Hessian: d = −H⁻¹g.
    const math = new ScalarMath((v) => v);
    const steps = [new Float64Array([1, 0]), new Float64Array([0, 1])];
    const dirs = [new Float64Array([2, 0]), new Float64Array([0, 8])];
    const ro = [1 / 2, 1 / 8];
    const al: Num[] = [];
    const d = lbfgsDirection(math, new Float64Array([4, 16]), dirs, steps, ro, 1 / 8, al);
    expect([...d]).toEqual([-2, -2]);
    expect(al.map((a) => math.value(a))).toEqual([-2, -2]);
  });
});
