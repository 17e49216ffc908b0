import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

describe('matmul', () => {
  const shapes: [string, number[], number[]][] = [
    ['[2, 3] @ [3, 4]', [2, 3], [3, 4]],
    ['[3] @ [3, 2]', [3], [3, 2]],
    ['[2, 3] @ [3]', [2, 3], [3]],
    ['[3] @ [3]', [3], [3]],
    ['[2, 1, 2, 3] @ [3, 3, 2] (broadcast batch)', [2, 1, 2, 3], [3, 3, 2]],
    ['[3] @ [2, 3, 2] (vector and batch)', [3], [2, 3, 2]],
    ['[2, 2, 3] @ [3] (batch and vector)', [2, 2, 3], [3]],
  ];

  it.each(shapes)('matches finite differences for %s', (_name, a, b) => {
    const inputs = seededInputs(1);
    expect(gradcheck(A.matmul, [inputs.randn(...a), inputs.randn(...b)])).toBe(true);
  });

  it('matches finite differences on non-contiguous matrices', () => {
    const inputs = seededInputs(2);
    expect(gradcheck(A.matmul, [inputs.transposed(2, 3), inputs.strided(3, 2)])).toBe(true);
  });

  it.each(shapes.slice(0, 5))('has second derivatives that match finite differences for %s', (_name, a, b) => {
    const inputs = seededInputs(3);
    expect(gradgradcheck(A.matmul, [inputs.randn(...a), inputs.randn(...b)])).toBe(true);
  });

  it('gives only the input that requires grad a gradient', () => {
    const a = A.ones([2, 3], { dtype: 'float64', requiresGrad: true });
    const b = A.ones([3, 2], { dtype: 'float64' });
    A.matmul(a, b).sum().backward();
    expect(a.grad!.tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
    expect(b.grad).toBeNull();
  });
});

describe('mm', () => {
  it('matches finite differences on a transposed operand', () => {
    const inputs = seededInputs(4);
    expect(gradcheck(A.mm, [inputs.randn(2, 3), inputs.transposed(3, 2)])).toBe(true);
  });

  it('refuses operands that are not matrices', () => {
    const inputs = seededInputs(5);
    expect(() => A.mm(inputs.randn(3), inputs.randn(3, 2))).toThrow(A.TorchletError);
  });
});

describe('bmm', () => {
  it('matches finite differences on batched matrices, one transposed', () => {
    const inputs = seededInputs(6);
    expect(gradcheck(A.bmm, [inputs.randn(2, 2, 3), inputs.randn(2, 2, 3).transpose(1, 2)])).toBe(true);
  });
});

describe('dot', () => {
  it('matches finite differences on strided vectors', () => {
    const inputs = seededInputs(7);
    expect(gradcheck(A.dot, [inputs.randn(4), inputs.strided(1, 4).squeeze(0)])).toBe(true);
  });
});

describe('mv', () => {
  it('matches finite differences on a transposed matrix', () => {
    const inputs = seededInputs(8);
    expect(gradcheck(A.mv, [inputs.transposed(2, 3), inputs.randn(3)])).toBe(true);
  });
});

describe('outer', () => {
  it('matches finite differences', () => {
    const inputs = seededInputs(9);
    expect(gradcheck(A.outer, [inputs.randn(3), inputs.randn(2)])).toBe(true);
  });
});

describe('addmm', () => {
  it('matches finite differences with beta, alpha and a broadcast bias', () => {
    const inputs = seededInputs(10);
    const fn = (bias: A.Tensor, m1: A.Tensor, m2: A.Tensor) => A.addmm(bias, m1, m2, { beta: 0.5, alpha: 2 });
    expect(gradcheck(fn, [inputs.randn(3), inputs.randn(2, 4), inputs.transposed(4, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(11);
    expect(gradgradcheck((bias, m1, m2) => A.addmm(bias, m1, m2), [inputs.randn(2, 1), inputs.randn(2, 3), inputs.randn(3, 2)])).toBe(true);
  });
});
