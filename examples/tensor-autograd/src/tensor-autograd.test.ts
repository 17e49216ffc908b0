import { linspace, tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { fitByGradientDescent, fitByNewton, hessian, makeData, secondDerivativeOfCube, solve, TRUE_COEFFICIENTS } from './tensor-autograd.js';

describe('secondDerivativeOfCube', () => {
  it('is 6x', () => {
    const x = linspace(-3, 3, 7, { dtype: 'float64' });
    expect(secondDerivativeOfCube(x).tolist()).toEqual([-18, -12, -6, 0, 6, 12, 18]);
  });
});

describe('hessian', () => {
  it('of a·b² at (2, 3) is [[0, 2b], [2b, 2a]]', () => {
    const theta = tensor([2, 3], { dtype: 'float64', requiresGrad: true });
    const { gradient, hessian: H } = hessian((t) => t.select(0, 0).mul(t.select(0, 1).pow(2)), theta);
    expect(gradient.tolist()).toEqual([9, 12]);
    expect(H.tolist()).toEqual([[0, 6], [6, 4]]);
  });
});

describe('solve', () => {
  it('solves a system that needs a pivot', () => {
    const v = solve([[0, 1], [2, 1]], [3, 7]);
    expect(v[0]).toBeCloseTo(2, 12);
    expect(v[1]).toBeCloseTo(3, 12);
  });
});

describe('fitting a quadratic', () => {
  const { x, y } = makeData(41, 0.05, 0);

  it('recovers the exact coefficients from noise-free data by Newton in one step', () => {
    const clean = makeData(41, 0, 0);
    const { coefficients } = fitByNewton(clean.x, clean.y, { steps: 1 });
    coefficients.forEach((c, i) => expect(c).toBeCloseTo(TRUE_COEFFICIENTS[i]!, 10));
  });

  it('lands Newton on a stationary point and within 0.05 of the truth', () => {
    const { coefficients, gradientNorms } = fitByNewton(x, y);
    expect(gradientNorms[gradientNorms.length - 1]!).toBeLessThan(1e-10);
    coefficients.forEach((c, i) => expect(Math.abs(c - TRUE_COEFFICIENTS[i]!)).toBeLessThan(0.05));
  });

  it('reaches the same coefficients by gradient descent with grad()', () => {
    const newton = fitByNewton(x, y).coefficients;
    const { coefficients, losses } = fitByGradientDescent(x, y);
    coefficients.forEach((c, i) => expect(c).toBeCloseTo(newton[i]!, 4));
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 100);
  });
});
