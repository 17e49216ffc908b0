import { describe, expect, it } from 'vitest';
import * as A from './index.js';
import { raw, record } from './record.js';

const float64 = (data: A.NestedArray, requiresGrad = true) => A.tensor(data, { dtype: 'float64', requiresGrad });
const MODIFIED = 'one of the variables needed for gradient computation has been modified by an inplace operation';

describe('runBackward', () => {
  it('runs each node once, with the sum of every gradient that reaches it', () => {
    const x = float64([2]);
    let calls = 0;
    const counted = record('CountedBackward', raw(x).mul(1), [x], (g) => {
      calls++;
      return [g];
    });
    // Three paths from the loss into `counted`.
    counted.mul(counted).add(counted).sum().backward();
    expect(calls).toBe(1);
    expect(x.grad!.tolist()).toEqual([5]);
  });

  it('handles a graph 10,000 ops deep without overflowing the stack', () => {
    const x = float64([1]);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1]);
  });

  it('fails when a saved input was modified in place under noGrad', () => {
    const x = float64([1, 2]);
    const y = x.mul(x);
    A.noGrad(() => x.add_(1));
    expect(() => y.sum().backward()).toThrow(MODIFIED);
  });

  it('fails when a saved non-leaf was modified in place, naming the node', () => {
    const x = float64([1, 2]);
    const h = x.mul(1);
    const y = h.mul(2);
    h.add_(1);
    expect(() => y.sum().backward()).toThrow(/which is saved by MulBackward, is at version \d+; expected version \d+ instead/);
  });

  it('fails when a saved output was modified in place', () => {
    const x = float64([1, 2]);
    const y = x.exp();
    y.mul_(2);
    expect(() => y.sum().backward()).toThrow(MODIFIED);
  });

  it('lets an op whose backward needs no values run after an in-place change', () => {
    const x = float64([1, 2]);
    const h = x.add(1);
    h.mul_(3);
    h.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });

  it('names the op whose backward returned a gradient of the wrong shape', () => {
    const x = float64([1, 2]);
    const broken = record('BrokenBackward', raw(x).sum(), [x], (g) => [g]);
    expect(() => broken.backward()).toThrow('Function BrokenBackward returned an invalid gradient at index 0 - got [] but expected shape compatible with [2]');
  });

  it('gives each input a gradient of its own dtype', () => {
    const x = A.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const h = x.mul(2);
    h.mul(float64([1, 1], false)).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
  });

  it('records the backward pass only with createGraph', () => {
    const x = float64([1, 2]);
    x.mul(x).sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    x.grad = null;
    x.mul(x).sum().backward(null, { createGraph: true });
    expect(x.grad!.gradFn).not.toBeNull();
  });

  it('keeps the graph for another pass when createGraph is set', () => {
    const x = float64([1, 2]);
    const loss = x.mul(x).sum();
    loss.backward(null, { createGraph: true });
    loss.backward();
    expect(x.grad!.detach().tolist()).toEqual([4, 8]);
  });
});
