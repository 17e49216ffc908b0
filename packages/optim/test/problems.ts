import { assertClose, fromRecord as rawFromRecord, type TensorRecord } from '@torchlet/optim/testing';
import { expect } from 'vitest';
import { embedding, fromRaw, type Optimizer, Parameter, type Tensor } from '../src/index.js';

const fromRecord = (record: TensorRecord): Tensor => fromRaw(rawFromRecord(record));

/** One trajectory of optim.json: an optimizer run for a few steps on a tiny fixed problem. */
export interface OptimCase {
  optimizer: string;
  options: Record<string, unknown>;
  param_groups?: ({ params: string[] } & Record<string, unknown>)[];
  problem: 'linreg' | 'linreg_nobias' | 'rosenbrock' | 'embedding';
  problem_data: Record<string, TensorRecord | string>;
  param_order: string[];
  initial: Record<string, TensorRecord>;
  steps: { loss: number; params: Record<string, TensorRecord> }[];
  state_dict_after: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
}

/** The fixed problem of a case: its parameters (fresh, at their initial values) and its loss. */
export function buildProblem(c: OptimCase): { params: Record<string, Parameter>; loss: () => Tensor } {
  const params: Record<string, Parameter> = {};
  for (const name of c.param_order) params[name] = new Parameter(fromRecord(c.initial[name]!).clone());
  const data = (key: string) => fromRecord(c.problem_data[key] as TensorRecord);
  switch (c.problem) {
    case 'linreg': {
      const [X, Y] = [data('X'), data('Y')];
      return { params, loss: () => X.matmul(params['w']!.t()).add(params['b']!).sub(Y).pow(2).mean() };
    }
    case 'linreg_nobias': {
      const [X, Y] = [data('X'), data('Y')];
      return { params, loss: () => X.matmul(params['w']!.t()).sub(Y).pow(2).mean() };
    }
    case 'rosenbrock': {
      const x = params['x']!;
      return { params, loss: () => x.select(0, 0).neg().add(1).pow(2).add(x.select(0, 1).sub(x.select(0, 0).pow(2)).pow(2).mul(100)) };
    }
    case 'embedding': {
      const [idx, target] = [data('idx'), data('target')];
      return { params, loss: () => embedding(idx, params['weight']!, { sparse: true }).sub(target).pow(2).sum() };
    }
  }
}

/** PyTorch-only keys of param groups (CUDA/compile paths) that torchlet does not have. */
export const IGNORED_GROUP_KEYS = ['foreach', 'fused', 'capturable', 'differentiable'];

/** Compares `actual` (a stateDict() value) with PyTorch's, tensors within tolerance. */
export function expectStateValue(actual: unknown, expected: unknown, path: string, tolerance: { rtol: number; atol: number }): void {
  if (expected !== null && typeof expected === 'object' && 'shape' in (expected as object) && 'data' in (expected as object)) {
    expect(actual, path).toBeDefined();
    assertClose(actual as Tensor, expected as TensorRecord, tolerance);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is a list`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expectStateValue((actual as unknown[])[i], e, `${path}[${i}]`, tolerance));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectStateValue((actual as Record<string, unknown>)[k], v, `${path}.${k}`, tolerance);
    return;
  }
  if (typeof expected === 'number' && typeof actual === 'object' && actual !== null && 'item' in actual) {
    expect(Math.abs(Number((actual as Tensor).item()) - expected), path).toBeLessThanOrEqual(tolerance.atol + tolerance.rtol * Math.abs(expected));
    return;
  }
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(tolerance.atol + tolerance.rtol * Math.abs(expected) + 1e-12);
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** Runs a case's trajectory with `optimizer` and checks every step and the final state dict. */
export function runCase(
  c: OptimCase,
  make: (params: Parameter[] | Record<string, unknown>[]) => Optimizer,
  tolerance = { rtol: 1e-5, atol: 1e-6 },
  stepTolerance = tolerance,
  compareStateValues = true,
): void {
  const { params, loss } = buildProblem(c);
  const groups = c.param_groups?.map((g) => ({ ...g, params: g.params.map((n) => params[n]!) }));
  const optimizer = make(groups ?? c.param_order.map((n) => params[n]!));
  const closure = () => {
    optimizer.zeroGrad();
    const l = loss();
    l.backward();
    return l;
  };
  c.steps.forEach((expected, k) => {
    if (c.optimizer === 'LBFGS') {
      const value = optimizer.step(closure);
      expect(Math.abs(value! - expected.loss), `loss of step ${k}`).toBeLessThanOrEqual(stepTolerance.rtol * Math.max(1, Math.abs(expected.loss)));
    } else {
      const l = closure();
      optimizer.step();
      expect(Math.abs(Number(l.item()) - expected.loss), `loss of step ${k}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected.loss)));
    }
    for (const [name, record] of Object.entries(expected.params)) {
      try {
        assertClose(params[name]!, record, k === c.steps.length - 1 ? tolerance : stepTolerance);
      } catch (error) {
        throw new Error(`step ${k}, parameter ${name}: ${(error as Error).message}`);
      }
    }
  });
  const sd = optimizer.stateDict();
  const want = c.state_dict_after;
  if (compareStateValues) expectStateValue(sd.state, want.state, 'state', tolerance);
  else expectSameKeys(sd.state, want.state, 'state');
  expect(sd.param_groups.length).toBe(want.param_groups.length);
  want.param_groups.forEach((group, i) => {
    const expected = Object.fromEntries(Object.entries(group).filter(([k]) => !IGNORED_GROUP_KEYS.includes(k)));
    expectStateValue(sd.param_groups[i], expected, `param_groups[${i}]`, tolerance);
  });
}

/** Checks that `actual` has the same nested keys as `expected` (values not compared). */
function expectSameKeys(actual: unknown, expected: unknown, path: string): void {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected) || ('shape' in expected && 'data' in expected)) return;
  expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expectSameKeys((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
}
