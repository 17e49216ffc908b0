import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type Unary = (x: A.Tensor) => A.Tensor;

/** Each op on a non-contiguous [3, 4] input. */
const cases: [name: string, op: Unary][] = [
  ['flip', (x) => A.flip(x, [0, 1])],
  ['flip (one dim)', (x) => A.flip(x, -1)],
  ['roll', (x) => A.roll(x, [1, -2], [0, 1])],
  ['roll (flattened)', (x) => A.roll(x, 5)],
  ['repeat', (x) => A.repeat(x, 2, 1, 3)],
  ['tile', (x) => A.tile(x, [2])],
  ['tril', (x) => A.tril(x)],
  ['tril (diagonal −1)', (x) => A.tril(x, -1)],
  ['triu', (x) => A.triu(x, 1)],
];

describe.each(cases)('%s', (_name, op) => {
  it('matches finite differences on a non-contiguous input', () => {
    const inputs = seededInputs(1);
    expect(gradcheck(op, [inputs.transposed(3, 4)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(2);
    expect(gradgradcheck(op, [inputs.strided(3, 4)])).toBe(true);
  });
});

describe('repeat', () => {
  it('sums the gradients of every copy', () => {
    const x = A.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    A.repeat(x, 3, 2).mul(A.arange(12, { dtype: 'float64' }).reshape(3, 4)).sum().backward();
    // copies of x[0] sit at columns 0 and 2 of each row: 0+2+4+6+8+10 = 30
    expect(x.grad!.tolist()).toEqual([30, 36]);
  });
});
