/**
 * Shared checks for optimizer tests: a fixed least-squares problem, the resume-from-checkpoint
 * check (bit for bit), a small MLP to train, and value comparisons.
 */
import { expect } from 'vitest';
import { manualSeed, type Optimizer, OptimError, Parameter, randn, RawTensor, type Tensor, tensor } from '../src/index.js';

/**
 * What the checks use of an optimizer. (`Optimizer` itself is invariant in its subclasses, since
 * its step hooks take `this`, so `Adagrad` is not assignable to `Optimizer`.)
 */
export type Trainable = Pick<Optimizer, 'step' | 'zeroGrad' | 'stateDict' | 'loadStateDict'>;

/** Builds an optimizer over the given parameters. */
export type MakeOptimizer = (params: Parameter[]) => Trainable;

/** A fixed least-squares problem, mean((X wᵀ + b − Y)²), with w [3, 4] and b [3] from `seed`. */
export function leastSquares(seed = 0): { params: Parameter[]; loss: () => Tensor } {
  manualSeed(seed);
  const w = new Parameter(randn(3, 4).mul(0.5));
  const b = new Parameter(randn(3).mul(0.5));
  const X = randn(6, 4);
  const Y = randn(6, 3);
  return { params: [w, b], loss: () => X.matmul(w.t()).add(b).sub(Y).pow(2).mean() };
}

/** Runs `steps` steps (zero grad, backward, step) and returns the loss seen before each. */
export function train(optimizer: Trainable, loss: () => Tensor, steps: number): number[] {
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

/** A deep copy of a state dict as a checkpoint holds it: plain objects and arrays, tensors cloned. */
export function plainCopy<T>(value: T): T {
  if (value instanceof RawTensor) return value.clone() as T;
  if (Array.isArray(value)) return value.map(plainCopy) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainCopy(v)])) as T;
  return value;
}

/** The elements of a tensor (or of every tensor in a state value), as plain numbers. */
function numbers(value: unknown): unknown {
  if (value instanceof RawTensor) return [...value.toTypedArray()].map(Number);
  if (Array.isArray(value)) return value.map(numbers);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbers(v)]));
  return value;
}

/**
 * Checks that `n` steps, then `stateDict()` → {@link plainCopy} → a fresh optimizer (on fresh
 * parameters at the same values) → `loadStateDict` → `m` more steps, ends exactly where `n + m`
 * uninterrupted steps do: parameters and state, bit for bit.
 */
export function expectResumeExact(make: MakeOptimizer, n = 3, m = 4): void {
  const straight = leastSquares();
  const uninterrupted = make(straight.params);
  train(uninterrupted, straight.loss, n + m);

  const first = leastSquares();
  const before = make(first.params);
  train(before, first.loss, n);
  const checkpoint = plainCopy(before.stateDict());
  const second = leastSquares();
  second.params.forEach((p, i) => p.storage.data.set(first.params[i]!.storage.data));
  const after = make(second.params);
  after.loadStateDict(checkpoint);
  train(after, second.loss, m);

  second.params.forEach((p, i) => expect(numbers(p), `parameter ${i}`).toEqual(numbers(straight.params[i])));
  expect(numbers(after.stateDict().state)).toEqual(numbers(uninterrupted.stateDict().state));
  expect(after.stateDict().param_groups).toEqual(uninterrupted.stateDict().param_groups);
}

/**
 * Trains a 2-8-1 tanh MLP, built from Parameters and matmul, to fit y = x₀·x₁ on a fixed 6×6
 * grid of [−1, 1]² (a target no linear model fits). Returns the full-batch MSE before and after.
 */
export function trainMlp(make: MakeOptimizer, steps: number): { before: number; after: number } {
  manualSeed(7);
  const w1 = new Parameter(randn(2, 8).mul(0.7));
  const b1 = new Parameter(randn(8).mul(0.1));
  const w2 = new Parameter(randn(8, 1).mul(0.7));
  const b2 = new Parameter(randn(1).mul(0.1));
  const points: number[][] = [];
  const targets: number[][] = [];
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      const [x0, x1] = [-1 + (2 * i) / 5, -1 + (2 * j) / 5];
      points.push([x0, x1]);
      targets.push([x0 * x1]);
    }
  }
  const X = tensor(points, { dtype: 'float32' });
  const Y = tensor(targets, { dtype: 'float32' });
  const loss = () => X.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sub(Y).pow(2).mean();
  const optimizer = make([w1, b1, w2, b2]);
  const before = Number(loss().item());
  train(optimizer, loss, steps);
  return { before, after: Number(loss().item()) };
}

/** Asserts the elements of `actual` are within `tolerance` (absolute) of `expected`. */
export function expectValues(actual: Tensor, expected: readonly number[], tolerance = 1e-6): void {
  const got = [...actual.toTypedArray()].map(Number);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: got ${v}, expected ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

/** Asserts `fn` throws an {@link OptimError} with exactly `message`. */
export function expectOptimError(fn: () => unknown, message: string): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected OptimError: ${message}`).toBeInstanceOf(OptimError);
  expect((thrown as Error).message).toBe(message);
}

/** A float32 tensor (whole numbers alone would make an int64 one). */
export function floats(data: number[] | number[][]): Tensor {
  return tensor(data, { dtype: 'float32' });
}
