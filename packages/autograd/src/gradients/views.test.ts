import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

type Unary = (x: A.Tensor) => A.Tensor | A.Tensor[];

/** Each view, applied to a transposed [3, 4] input (shape [4, 3]) unless it needs another shape. */
const cases: [name: string, op: Unary, shape?: number[]][] = [
  ['view', (x) => A.view(x.contiguous(), 2, 6)],
  ['reshape', (x) => A.reshape(x, [6, 2])],
  ['transpose', (x) => A.transpose(x, 0, 1)],
  ['permute', (x) => A.permute(x, [2, 0, 1]), [2, 3, 2]],
  ['t', (x) => A.t(x)],
  ['expand', (x) => A.expand(x, 2, 4, 3, 3), [4, 3, 1]],
  ['broadcastTo', (x) => A.broadcastTo(x, [2, 4, 3]), [4, 1]],
  ['narrow', (x) => A.narrow(x, 0, 1, 2)],
  ['select', (x) => A.select(x, 1, -1)],
  ['slice', (x) => A.slice(x, 0, 1, null, 2)],
  ['index', (x) => x.index('::2', 1)],
  ['squeeze', (x) => A.squeeze(x, 1), [4, 1, 3]],
  ['unsqueeze', (x) => A.unsqueeze(x, -1)],
  ['flatten', (x) => A.flatten(x, 1), [2, 3, 2]],
  ['unflatten', (x) => A.unflatten(x, 0, [2, 2])],
  ['movedim', (x) => A.movedim(x, 0, 2), [2, 3, 2]],
  ['split', (x) => A.split(x, [1, 3], 0)],
  ['chunk', (x) => A.chunk(x, 2, 1)],
  ['unbind', (x) => A.unbind(x, 1)],
];

describe.each(cases)('%s', (_name, op, shape) => {
  const make = (seed: number) => {
    const inputs = seededInputs(seed);
    // A non-contiguous view of a leaf: the gradient reaches the leaf through both views.
    return shape === undefined ? inputs.randn(3, 4).t() : inputs.randn(...[...shape].reverse()).permute(shape.map((_, i) => shape.length - 1 - i));
  };

  it('matches finite differences on a non-contiguous input', () => {
    expect(gradcheck(op, [make(1)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck(op, [make(2)])).toBe(true);
  });
});

describe('narrow', () => {
  it('writes the gradient into its window of zeros', () => {
    const x = A.zeros(4, { dtype: 'float64', requiresGrad: true });
    A.narrow(x, 0, 1, 2).mul(A.tensor([2, 3], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 2, 3, 0]);
  });
});

describe('expand', () => {
  it('sums the gradient over the expanded dims', () => {
    const x = A.ones([2, 1], { dtype: 'float64', requiresGrad: true });
    A.expand(x, 3, 2, 4).sum().backward();
    expect(x.grad!.tolist()).toEqual([[12], [12]]);
  });
});

describe('reshape', () => {
  it('shares storage with a contiguous input and copies a transposed one', () => {
    const x = A.zeros([2, 3], { dtype: 'float64', requiresGrad: true });
    expect(A.reshape(x, 6).storage).toBe(x.storage);
    expect(A.reshape(x.t(), 6).storage).not.toBe(x.storage);
  });
});

describe('split', () => {
  it('lets pieces that are not used contribute nothing', () => {
    const x = A.ones([5], { dtype: 'float64', requiresGrad: true });
    const [, middle] = A.split(x, 2);
    middle!.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 3, 3, 0]);
  });
});
