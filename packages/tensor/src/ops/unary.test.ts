import { describe, expect, it } from 'vitest';
import { DTypeError, InvalidArgumentError } from '../errors/index.js';
import { erf as erfScalar } from '../kernels/erf.js';
import { sigmoidScalar } from '../kernels/elementwise.js';
import { expFloat32, sigmoidFloat32, tanhFloat32 } from '../kernels/fast-math.js';
import { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { gt, mul } from './binary.js';
import { clamp, exp, exp_, gelu, nanToNum, neg, relu, reluBackward, round, sigmoid, sigmoid_, sqrt_, tanh, tanh_ } from './unary.js';
import { expand, narrow, transpose } from './views.js';

describe('erf', () => {
  it('matches Python math.erf to 1e-14', () => {
    const reference: [number, number][] = [
      [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [1.5, 0.9661051464753108],
      [2, 0.9953222650189527], [2.4, 0.999311486103355], [2.5, 0.999593047982555], [2.6, 0.9997639655834707],
      [3, 0.9999779095030014], [4, 0.9999999845827421], [-1.3, -0.9340079449406524], [1e-8, 1.1283791670955126e-8],
    ];
    for (const [x, y] of reference) expect(Math.abs(erfScalar(x) - y)).toBeLessThan(1e-14 * Math.max(1, Math.abs(y)));
  });
});

/** Whether `a` and `b` have one dtype, shape and the same values, telling −0 from 0 (NaN equals NaN). */
function identical(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  return x.every((v, i) => Object.is(v, y[i]));
}

const SPECIAL = [-2.5, -0, 0, 1e-30, -1e-30, 3, Infinity, -Infinity, Number.NaN, 0.5, -7, 2];

describe('relu', () => {
  it('gives max(x, 0), keeping NaN and turning −0 into 0, contiguous or strided', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = Tensor.fromData(Float64Array.from(SPECIAL), [3, 4], 'float64').to(dtype);
      const stored = dtype === 'float32' ? SPECIAL.map(Math.fround) : SPECIAL;
      const expected = stored.map((v) => (v > 0 || Number.isNaN(v) ? v : 0));
      const out = relu(x);
      expect(out.dtype).toBe(dtype);
      expect(Array.from(out.toTypedArray()).every((v, i) => Object.is(v, expected[i]))).toBe(true);
      // A transposed view and a view with an offset take the generic path; both agree with it.
      expect(relu(transpose(x, 0, 1)).tolist()).toEqual(transpose(out, 0, 1).tolist());
      expect(identical(relu(narrow(x, 1, 1, 2).contiguous()), narrow(out, 1, 1, 2).contiguous())).toBe(true);
    }
  });
});

describe('reluBackward', () => {
  it('equals mul(gradOutput, gt(output, 0)) bit for bit, NaN and infinite gradients included', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = relu(Tensor.fromData(Float64Array.from(SPECIAL), [12], 'float64').to(dtype));
      const g = Tensor.fromData(Float64Array.from([...SPECIAL].reverse()), [12], 'float64').to(dtype);
      const out = reluBackward(g, y);
      expect(identical(out, mul(g, gt(y, 0)))).toBe(true);
      // A zero mask times an infinite gradient is NaN, and times a negative one −0.
      const expected = [0, -0, 0, Number.NaN, Number.NaN, Infinity, 3, -0, 0, 0, -0, -2.5];
      expect(Array.from(out.toTypedArray()).every((v, i) => Object.is(v, expected[i]))).toBe(true);
    }
  });

  it('falls back to the mul for views, broadcasting and mixed dtypes', () => {
    const y = relu(Tensor.fromData(Float64Array.from(SPECIAL), [3, 4], 'float64'));
    const g = Tensor.fromData(Float64Array.from(SPECIAL.map((v, i) => v + i)), [3, 4], 'float64');
    const offsetG = narrow(Tensor.fromData(Float64Array.from([9, ...SPECIAL.map((v, i) => v - i)]), [13], 'float64'), 0, 1, 12).view(3, 4);
    const pairs: [Tensor, Tensor][] = [
      [transpose(g, 0, 1), transpose(y, 0, 1)],
      [offsetG, y],
      [expand(Tensor.fromData(Float64Array.from([1, -2, 3, Number.NaN]), [4], 'float64'), 3, 4), y],
      [g.to('float32'), y],
    ];
    for (const [grad, output] of pairs) expect(identical(reluBackward(grad, output), mul(grad, gt(output, 0)))).toBe(true);
  });
});

describe('unary dtypes', () => {
  it('computes float ops of integers in float32', () => {
    expect(exp(tensor([0, 1])).dtype).toBe('float32');
  });

  it('keeps integers for abs/relu/clamp with integral bounds', () => {
    expect(relu(tensor([-1, 2])).tolist()).toEqual([0, 2]);
    expect(clamp(tensor([-5, 5]), -1, 1).dtype).toBe('int64');
  });

  it('rejects negating a bool tensor', () => {
    expect(() => neg(tensor([true]))).toThrow(DTypeError);
  });

  it('rejects float ops in place on integers', () => {
    expect(() => sqrt_(tensor([4]))).toThrow("sqrt_: result type float32 can't be cast to the desired output type int64");
  });
});

describe('unary values', () => {
  it('round rounds half to even', () => {
    expect(round(tensor([0.5, 1.5, 2.5, -0.5, -1.5, 1.25])).tolist()).toEqual([0, 2, 2, -0, -2, 1]);
    expect(round(tensor([1.25, 2.675], { dtype: 'float64' }), { decimals: 1 }).tolist()).toEqual([1.2, 2.7]);
  });

  it('sigmoid saturates without overflow', () => {
    expect(sigmoid(tensor([-1000, 1000], { dtype: 'float64' })).tolist()).toEqual([0, 1]);
  });

  it('clamp keeps NaN and needs a bound', () => {
    expect(clamp(tensor([NaN, 3.5]), 0, 1).tolist()).toEqual([NaN, 1]);
    expect(() => clamp(tensor([1.5]))).toThrow(InvalidArgumentError);
  });

  it('gelu rejects an unknown approximation', () => {
    expect(() => gelu(tensor([1.5]), { approximate: 'erf' as 'none' })).toThrow(/gelu: approximate must be/);
  });

  it('nanToNum uses the dtype limits', () => {
    expect(nanToNum(tensor([NaN, Infinity, -Infinity], { dtype: 'float32' })).tolist()).toEqual([0, 3.4028234663852886e38, -3.4028234663852886e38]);
  });
});

describe('tanh, sigmoid and exp', () => {
  const data = Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 12);
  const ops = [
    { op: tanh, op_: tanh_, float32: tanhFloat32, float64: Math.tanh },
    { op: sigmoid, op_: sigmoid_, float32: sigmoidFloat32, float64: sigmoidScalar },
    { op: exp, op_: exp_, float32: expFloat32, float64: Math.exp },
  ];

  it('compute float32 tensors with the 1-ulp approximations, on every backend and layout', () => {
    const x = tensor(data, { dtype: 'float32' });
    const columns = transpose(Tensor.fromData(x.toTypedArray(), [1000, 3], 'float32'), 0, 1);
    for (const { op, op_, float32 } of ops) {
      const expected = Array.from(x.toTypedArray(), (v) => Math.fround(float32(v)));
      expect(Array.from(op(x).toTypedArray())).toEqual(expected);
      expect(Array.from(op(columns).toTypedArray())).toEqual(Array.from(columns.toTypedArray(), (v) => Math.fround(float32(v))));
      const inPlace = x.clone();
      op_(inPlace);
      expect(Array.from(inPlace.toTypedArray())).toEqual(expected);
      expect(inPlace.version).toBe(1);
    }
  });

  it('compute float64 tensors with the exact Math functions', () => {
    const x = tensor(data, { dtype: 'float64' });
    for (const { op, float64 } of ops) expect(Array.from(op(x).toTypedArray())).toEqual(data.map(float64));
  });

  it('compute integer tensors in float32', () => {
    const x = tensor([-3, 0, 2, 40]);
    for (const { op, float32 } of ops) {
      const y = op(x);
      expect(y.dtype).toBe('float32');
      expect(Array.from(y.toTypedArray())).toEqual([-3, 0, 2, 40].map((v) => Math.fround(float32(v))));
    }
  });
});
