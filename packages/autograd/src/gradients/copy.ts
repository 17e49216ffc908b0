/** Differentiable copies and dtype conversions. */
import * as T from '@torchlet/tensor';
import { raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';

/** A contiguous copy whose gradient flows back unchanged. */
export function clone(x: Tensor): Tensor {
  return record('CloneBackward', raw(x).clone(), [x], (g) => [g]);
}

/** Converts to `dtype`; the gradient is converted back (to nothing for integer results). */
export function toDType(x: Tensor, dtype: T.DType): Tensor {
  if (dtype === x.dtype) return x;
  const out = raw(x).to(dtype);
  if (!T.isFloatingPoint(dtype)) return record('ToCopyBackward', out, [], () => []);
  return record('ToCopyBackward', out, [x], (g) => [toDType(g, x.dtype)]);
}
