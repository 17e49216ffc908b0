import { describe, expect, it } from 'vitest';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

const long = (data: A.NestedArray) => A.tensor(data, { dtype: 'int64' });

describe('gather', () => {
  it('matches finite differences along dim 1 of a non-contiguous input, with repeated indices', () => {
    const inputs = seededInputs(1);
    const index = long([[0, 0], [2, 1], [1, 1]]);
    expect(gradcheck((x) => A.gather(x, 1, index), [inputs.transposed(3, 3)])).toBe(true);
  });

  it('matches finite differences along dim −2', () => {
    const inputs = seededInputs(2);
    expect(gradcheck((x) => A.gather(x, -2, long([[1, 0, 1]])), [inputs.randn(2, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(3);
    expect(gradgradcheck((x) => A.gather(x, 0, long([[1, 0], [1, 1]])), [inputs.randn(2, 2)])).toBe(true);
  });
});

describe('indexSelect', () => {
  it('matches finite differences with repeated indices on a non-contiguous input', () => {
    const inputs = seededInputs(4);
    expect(gradcheck((x) => A.indexSelect(x, 1, long([2, 0, 2])), [inputs.strided(2, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(5);
    expect(gradgradcheck((x) => A.indexSelect(x, 0, long([1, 1, 0])), [inputs.randn(2, 2)])).toBe(true);
  });

  it('adds the gradients of repeated indices', () => {
    const x = A.zeros(3, { dtype: 'float64', requiresGrad: true });
    A.indexSelect(x, 0, long([2, 2, 0])).sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 0, 2]);
  });
});

describe('scatter', () => {
  const index = long([[1, 0, 2], [0, 2, 1]]);

  it('matches finite differences for the input and the source', () => {
    const inputs = seededInputs(6);
    expect(gradcheck((x, src) => A.scatter(x, 1, index, src), [inputs.transposed(2, 3), inputs.randn(2, 3)])).toBe(true);
  });

  it('matches finite differences for a scalar source', () => {
    const inputs = seededInputs(7);
    expect(gradcheck((x) => A.scatter(x, 1, long([[1], [0]]), 0.5), [inputs.randn(2, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(8);
    expect(gradgradcheck((x, src) => A.scatter(x, 1, index, src), [inputs.randn(2, 3), inputs.randn(2, 3)])).toBe(true);
  });

  it('matches finite differences for a source larger than the index, whose unused part gets zeros', () => {
    const inputs = seededInputs(19);
    const src = inputs.randn(3, 3);
    expect(gradcheck((x, src) => A.scatter(x, 1, long([[1], [0]]), src), [inputs.randn(2, 3), src])).toBe(true);
    A.scatter(inputs.randn(2, 3), 1, long([[1], [0]]), src).sum().backward();
    expect(src.grad!.tolist()).toEqual([[1, 0, 0], [1, 0, 0], [0, 0, 0]]);
  });

  it('blocks the gradient of overwritten elements', () => {
    const x = A.ones([1, 3], { dtype: 'float64', requiresGrad: true });
    A.scatter(x, 1, long([[1]]), 5).sum().backward();
    expect(x.grad!.tolist()).toEqual([[1, 0, 1]]);
  });

  it('refuses backward with a reduce mode, naming it', () => {
    const x = A.ones([3], { dtype: 'float64', requiresGrad: true });
    const y = A.scatter(x, 0, long([1]), 2, { reduce: 'multiply' });
    expect(() => y.sum().backward()).toThrow(/reduce='multiply' is not implemented/);
  });
});

describe('scatterAdd', () => {
  it('matches finite differences with repeated indices', () => {
    const inputs = seededInputs(9);
    const index = long([[1, 1, 0], [2, 2, 2]]);
    expect(gradcheck((x, src) => A.scatterAdd(x, 1, index, src), [inputs.strided(2, 3), inputs.transposed(2, 3)])).toBe(true);
  });

  it('matches finite differences for a source larger than the index', () => {
    const inputs = seededInputs(20);
    expect(gradcheck((x, src) => A.scatterAdd(x, 0, long([[1, 1]]), src), [inputs.randn(2, 2), inputs.randn(2, 3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(10);
    expect(gradgradcheck((x, src) => A.scatterAdd(x, 0, long([0, 0, 1]), src), [inputs.randn(2), inputs.randn(3)])).toBe(true);
  });
});

describe('indexAdd', () => {
  it('matches finite differences with alpha and repeated indices', () => {
    const inputs = seededInputs(11);
    const fn = (x: A.Tensor, source: A.Tensor) => A.indexAdd(x, 0, long([2, 0, 2]), source, { alpha: -1.5 });
    expect(gradcheck(fn, [inputs.transposed(3, 2), inputs.randn(3, 2)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(12);
    expect(gradgradcheck((x, source) => A.indexAdd(x, 1, long([1]), source), [inputs.randn(2, 2), inputs.randn(2, 1)])).toBe(true);
  });
});

describe('maskedFill', () => {
  const mask = A.tensor([[true, false, false], [false, true, false]]);

  it('matches finite differences for a scalar value on a non-contiguous input', () => {
    const inputs = seededInputs(13);
    expect(gradcheck((x) => A.maskedFill(x, mask, 2), [inputs.transposed(2, 3)])).toBe(true);
  });

  it('matches finite differences for a 0-d tensor value and a broadcast mask', () => {
    const inputs = seededInputs(14);
    const rowMask = A.tensor([false, true, true]);
    expect(gradcheck((x, value) => A.maskedFill(x, rowMask, value), [inputs.randn(2, 3), inputs.randn()])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(15);
    expect(gradgradcheck((x, value) => A.maskedFill(x, mask, value), [inputs.randn(2, 3), inputs.randn()])).toBe(true);
  });
});

describe('maskedSelect', () => {
  it('matches finite differences on a non-contiguous input', () => {
    const inputs = seededInputs(16);
    const mask = A.tensor([[true, false, true], [false, true, true]]);
    expect(gradcheck((x) => A.maskedSelect(x, mask), [inputs.transposed(2, 3)])).toBe(true);
  });

  it('matches finite differences when the input broadcasts against the mask', () => {
    const inputs = seededInputs(17);
    const mask = A.tensor([[true, false, true], [false, true, true]]);
    expect(gradcheck((x) => A.maskedSelect(x, mask), [inputs.randn(3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(18);
    expect(gradgradcheck((x) => A.maskedSelect(x, A.tensor([true, false, true])), [inputs.randn(3)])).toBe(true);
  });
});

describe('nonzero', () => {
  it('returns indices that record nothing', () => {
    const x = A.tensor([0, 2], { dtype: 'float64', requiresGrad: true });
    expect(A.nonzero(x).requiresGrad).toBe(false);
    expect(A.oneHot(long([1, 0]), 2).requiresGrad).toBe(false);
  });
});
