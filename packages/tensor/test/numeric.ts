import { storageConstructor, type DType } from '../src/dtype.js';
import { Tensor } from '../src/tensor.js';

/** A contiguous tensor of `shape` holding `data`, float32 unless told. */
export function make(data: readonly number[], shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return Tensor.fromData(storageConstructor(dtype).from(data), shape, dtype);
}

/** Deterministic float64 values in [-2, 2), distinct for the sizes the op tests use. */
export function randomTensor(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = (s / 2147483648) * 4 - 2;
  }
  return Tensor.fromData(data, shape, 'float64');
}

/** Central-difference gradient of sum(f(x) · r) with respect to x, in float64. */
export function numericGradient(f: (x: Tensor) => Tensor, x: Tensor, r: Tensor, eps = 1e-6): Tensor {
  const data = x.toTypedArray() as Float64Array;
  const weights = r.toTypedArray();
  const loss = (): number => {
    const y = f(Tensor.fromData(data, x.shape, 'float64')).toTypedArray();
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i]! * weights[i]!;
    return sum;
  };
  const gradient = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const keep = data[i]!;
    data[i] = keep + eps;
    const plus = loss();
    data[i] = keep - eps;
    const minus = loss();
    data[i] = keep;
    gradient[i] = (plus - minus) / (2 * eps);
  }
  return Tensor.fromData(gradient, x.shape, 'float64');
}

/** How close an analytic gradient must come to {@link numericGradient} (central differences, eps 1e-6). */
export const gradTolerance = { rtol: 1e-6, atol: 1e-7 };
