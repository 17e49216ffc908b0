/** Differentiable cat and stack: each input's gradient is its slice of the output gradient. */
import * as T from '@torchlet/tensor';
import { raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { narrow, select } from './views.js';

/** Concatenates along `dim`. */
export function cat(tensors: readonly T.Tensor[], dim = 0): Tensor {
  const out = T.cat(tensors.map((t) => raw(t)), dim);
  const d = T.normalizeDim('cat', dim, out.ndim);
  const skipped = (t: T.Tensor) => t.ndim === 1 && t.shape[0] === 0 && out.ndim > 1;
  return record('CatBackward', out, tensors, (g) => {
    let start = 0;
    return tensors.map((t) => {
      if (skipped(t)) return null;
      const piece = narrow(g, d, start, t.shape[d]!);
      start += t.shape[d]!;
      return piece;
    });
  });
}

/** Stacks along a new dim `dim`. */
export function stack(tensors: readonly T.Tensor[], dim = 0): Tensor {
  const out = T.stack(tensors.map((t) => raw(t)), dim);
  const d = T.normalizeDim('stack', dim, out.ndim);
  return record('StackBackward', out, tensors, (g) => tensors.map((_, i) => select(g, d, i)));
}
