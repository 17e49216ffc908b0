import { describe, expect, it } from 'vitest';
import * as A from './index.js';
import { raw, record } from './record.js';

const float64 = (data: A.NestedArray, requiresGrad = true) => A.tensor(data, { dtype: 'float64', requiresGrad });

describe('grad', () => {
  it('returns the gradients without touching .grad', () => {
    const x = float64([1, 2]);
    const [dx] = A.grad(x.mul(x).sum(), x);
    expect(dx!.tolist()).toEqual([2, 4]);
    expect(x.grad).toBeNull();
  });

  it('takes the second derivative of x³ as 6x through createGraph', () => {
    const x = float64([2, -1]);
    const [dy] = A.grad(x.pow(3).sum(), x, { createGraph: true });
    expect(dy!.tolist()).toEqual([12, 3]);
    const [d2y] = A.grad(dy!.sum(), x);
    expect(d2y!.tolist()).toEqual([12, -6]);
  });

  it('returns null for an unused input with allowUnused', () => {
    const x = float64([1]);
    const unused = float64([1]);
    const [dx, du] = A.grad(x.mul(2).sum(), [x, unused], { allowUnused: true });
    expect(dx!.tolist()).toEqual([2]);
    expect(du).toBeNull();
  });

  it('fails for an unused input without allowUnused', () => {
    const x = float64([1]);
    const unused = float64([1]);
    expect(() => A.grad(x.mul(2).sum(), [x, unused])).toThrow(/input 1\) appears to not have been used in the graph/);
  });

  it('computes vector-Jacobian products with gradOutputs', () => {
    const x = float64([1, 2]);
    const [dx] = A.grad(x.mul(x), x, { gradOutputs: A.tensor([10, 100], { dtype: 'float64' }) });
    expect(dx!.tolist()).toEqual([20, 400]);
  });

  it('sums the gradients of several outputs', () => {
    const x = float64([1, 2]);
    const [dx] = A.grad([x.mul(2).sum(), x.mul(x)], x, { gradOutputs: [null, A.ones(2, { dtype: 'float64' })] });
    expect(dx!.tolist()).toEqual([4, 6]);
  });

  it('needs gradOutputs for a non-scalar output', () => {
    const x = float64([1, 2]);
    expect(() => A.grad(x.mul(2), x)).toThrow('grad can be implicitly created only for scalar outputs');
  });

  it('differentiates with respect to a non-leaf without freeing the graph below it', () => {
    const x = float64([1, 2]);
    const h = x.mul(3);
    const [dh] = A.grad(h.mul(h).sum(), h);
    expect(dh!.tolist()).toEqual([6, 12]);
    h.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });

  it('asks each node only for the gradients that lead to the inputs', () => {
    const a = float64([1]);
    const b = float64([2]);
    const asked: boolean[][] = [];
    const product = record('ProductBackward', raw(a).mul(raw(b)), [a, b], (g, needs) => {
      asked.push([...needs]);
      return [needs[0] ? g.mul(b) : null, needs[1] ? g.mul(a) : null];
    });
    const [db] = A.grad(product.sum(), b);
    expect(db!.tolist()).toEqual([1]);
    expect(asked).toEqual([[false, true]]);
  });

  it('refuses an input that does not require grad', () => {
    const x = float64([1], false);
    expect(() => A.grad(x.sum(), x)).toThrow(A.AutogradError);
  });

  it('frees the graph unless retainGraph or createGraph is set', () => {
    const x = float64([1, 2]);
    const loss = x.exp().sum();
    A.grad(loss, x, { retainGraph: true });
    A.grad(loss, x);
    expect(() => A.grad(loss, x)).toThrow('Trying to backward through the graph a second time');
  });
});
