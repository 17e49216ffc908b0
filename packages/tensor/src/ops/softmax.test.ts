import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { gradTolerance, make, numericGradient, randomTensor } from '../../test/numeric.js';
import { DTypeError, IndexError, ShapeError } from '../errors/index.js';
import { assertClose, fromRecord } from '../testing.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from './softmax.js';

describe('softmax', () => {
  it('matches PyTorch for F.softmax(a, dim=-1), forward and backward', () => {
    const c = opCase('F.softmax(a, dim=-1)');
    const y = softmax(fromRecord(c.inputs.a!), -1);
    assertClose(y, c.output);
    assertClose(softmaxBackward(fromRecord(c.R), y, -1), c.grads.a!);
  });

  it('sums to 1 along a middle dim', () => {
    const y = softmax(randomTensor([2, 3, 4], 1), 1).toTypedArray();
    for (const [o, i] of [[0, 0], [0, 3], [1, 2]] as const) {
      expect(y[o * 12 + i]! + y[o * 12 + 4 + i]! + y[o * 12 + 8 + i]!).toBeCloseTo(1, 14);
    }
  });

  it('stays finite for large logits by subtracting the maximum', () => {
    assertClose(softmax(make([1000, 1001], [2], 'float64'), 0), make([0.2689414213699951, 0.7310585786300049], [2], 'float64'), { rtol: 1e-15 });
  });

  it('gives NaN for a row of all -Infinity, and 0 for a single -Infinity', () => {
    const y = softmax(make([-Infinity, -Infinity, -Infinity, 0, -Infinity, 0], [2, 3]), 1).toTypedArray();
    expect([...y.subarray(0, 3)].every(Number.isNaN)).toBe(true);
    expect([...y.subarray(3)]).toEqual([0.5, 0, 0.5]);
  });

  it('gives 1 for a 0-d tensor', () => {
    expect(softmax(make([3], []), 0).item()).toBe(1);
  });

  it('converts integer input when given a float dtype', () => {
    const y = softmax(make([0, 0], [2], 'int64'), 0, { dtype: 'float64' });
    expect(y.dtype).toBe('float64');
    expect(y.tolist()).toEqual([0.5, 0.5]);
  });

  it('rejects integer input and a dim out of range', () => {
    expect(() => softmax(make([1, 2], [2], 'int64'), 0)).toThrow(DTypeError);
    expect(() => softmax(make([1, 2], [2], 'int64'), 0)).toThrow('softmax: input must be a floating-point tensor, got int64');
    expect(() => softmax(make([1, 2], [2]), 0, { dtype: 'int32' })).toThrow('softmax: dtype must be a floating-point tensor, got int32');
    expect(() => softmax(make([1, 2], [2]), 1)).toThrow(IndexError);
  });
});

describe('logSoftmax', () => {
  it('matches PyTorch for F.log_softmax(a, dim=1), forward and backward', () => {
    const c = opCase('F.log_softmax(a, dim=1)');
    const y = logSoftmax(fromRecord(c.inputs.a!), 1);
    assertClose(y, c.output);
    assertClose(logSoftmaxBackward(fromRecord(c.R), y, 1), c.grads.a!);
  });

  it('is exact where log(softmax) would underflow', () => {
    assertClose(logSoftmax(make([0, -1000], [2], 'float64'), 0), make([0, -1000], [2], 'float64'), { rtol: 1e-15, atol: 0 });
  });

  it('gives NaN for a row of all -Infinity and -Infinity for a single one', () => {
    const y = logSoftmax(make([-Infinity, -Infinity, 0, -Infinity], [2, 2]), -1).toTypedArray();
    expect(y[0]).toBeNaN();
    expect(y[1]).toBeNaN();
    expect([y[2], y[3]]).toEqual([0, -Infinity]);
  });

  it('rejects integer input', () => {
    expect(() => logSoftmax(make([1], [1], 'int32'), 0)).toThrow('log_softmax: input must be a floating-point tensor, got int32');
  });
});

describe('softmaxBackward', () => {
  it('matches finite differences along a middle dim', () => {
    const x = randomTensor([2, 3, 4], 5);
    const r = randomTensor([2, 3, 4], 7);
    assertClose(softmaxBackward(r, softmax(x, 1), 1), numericGradient((t) => softmax(t, 1), x, r), gradTolerance);
  });

  it('rejects mismatched shapes and integer gradients', () => {
    expect(() => softmaxBackward(make([1, 2], [2]), make([1], [1]), 0)).toThrow(ShapeError);
    expect(() => softmaxBackward(make([1, 2], [2]), make([1], [1]), 0)).toThrow('softmax_backward: gradOutput [2] and output [1] differ in shape');
    expect(() => softmaxBackward(make([1], [1], 'int64'), make([1], [1]), 0)).toThrow(
      'softmax_backward: gradOutput must be a floating-point tensor, got int64',
    );
    expect(() => softmaxBackward(make([1], [1]), make([1], [1], 'int32'), 0)).toThrow(
      'softmax_backward: output must be a floating-point tensor, got int32',
    );
    expect(() => softmaxBackward(make([1], [1]), make([1], [1]), 1)).toThrow(IndexError);
  });
});

describe('logSoftmaxBackward', () => {
  it('matches finite differences along the first dim', () => {
    const x = randomTensor([3, 2, 2], 11);
    const r = randomTensor([3, 2, 2], 13);
    assertClose(logSoftmaxBackward(r, logSoftmax(x, 0), 0), numericGradient((t) => logSoftmax(t, 0), x, r), gradTolerance);
  });

  it('rejects mismatched shapes', () => {
    expect(() => logSoftmaxBackward(make([1, 2], [1, 2]), make([1, 2], [2, 1]), 0)).toThrow(
      'log_softmax_backward: gradOutput [1,2] and output [2,1] differ in shape',
    );
  });
});
