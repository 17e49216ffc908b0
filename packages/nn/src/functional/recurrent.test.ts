import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@torchlet/autograd';
import { gruCell, lstmCell, rnnCell } from './recurrent.js';

// Hidden size 1, so each gate block is one row and the expected values are scalar formulas.
const t = (values: number[], shape?: number[]): Tensor => tensor(values, { dtype: 'float64' }).reshape(shape ?? [values.length]);
const value = (x: Tensor): number => x.toTypedArray()[0]!;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const x = t([0.5, -1], [1, 2]);
const h = t([0.3], [1, 1]);

describe('rnnCell', () => {
  const wIh = t([0.2, 0.4], [1, 2]);
  const wHh = t([-0.7], [1, 1]);
  const pre = 0.2 * 0.5 + 0.4 * -1 + 0.1 - 0.7 * 0.3 - 0.05;

  it('computes tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)', () => {
    expect(value(rnnCell(x, h, wIh, wHh, t([0.1]), t([-0.05])))).toBeCloseTo(Math.tanh(pre), 14);
  });

  it('uses relu when asked', () => {
    expect(value(rnnCell(x, h, wIh, wHh, t([0.1]), t([-0.05]), { nonlinearity: 'relu' }))).toBe(0);
    expect(value(rnnCell(x.neg(), h, wIh, wHh, null, null, { nonlinearity: 'relu' }))).toBeCloseTo(0.2 * -0.5 + 0.4 - 0.7 * 0.3, 14);
  });
});

describe('lstmCell', () => {
  it('orders the gate rows i, f, g, o', () => {
    // x·W_ihᵀ is zero and h·W_hhᵀ = h·w, so each gate's preactivation is its bias plus 0.3·w.
    const wIh = t([0, 0, 0, 0, 0, 0, 0, 0], [4, 2]);
    const wHh = t([1, 2, 3, 4], [4, 1]);
    const bias = t([0.1, -0.2, 0.3, -0.4]);
    const c = t([0.6], [1, 1]);
    const [i, f, g, o] = [0.1 + 0.3, -0.2 + 0.6, 0.3 + 0.9, -0.4 + 1.2];
    const c1 = sigmoid(f) * 0.6 + sigmoid(i) * Math.tanh(g);
    const [hNext, cNext] = lstmCell(x, [h, c], wIh, wHh, bias, null);
    expect(value(cNext)).toBeCloseTo(c1, 14);
    expect(value(hNext)).toBeCloseTo(sigmoid(o) * Math.tanh(c1), 14);
  });
});

describe('gruCell', () => {
  it('orders the gate rows r, z, n and applies r inside the new gate', () => {
    const wIh = t([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [3, 2]);
    const wHh = t([0.7, -0.8, 0.9], [3, 1]);
    const bIh = t([0.01, 0.02, 0.03]);
    const bHh = t([-0.1, -0.2, -0.3]);
    const xi = [0.1 * 0.5 - 0.2, 0.3 * 0.5 - 0.4, 0.5 * 0.5 - 0.6].map((v, k) => v + [0.01, 0.02, 0.03][k]!);
    const hh = [0.7 * 0.3, -0.8 * 0.3, 0.9 * 0.3].map((v, k) => v + [-0.1, -0.2, -0.3][k]!);
    const r = sigmoid(xi[0]! + hh[0]!);
    const z = sigmoid(xi[1]! + hh[1]!);
    const n = Math.tanh(xi[2]! + r * hh[2]!);
    expect(value(gruCell(x, h, wIh, wHh, bIh, bHh))).toBeCloseTo((1 - z) * n + z * 0.3, 14);
  });
});
