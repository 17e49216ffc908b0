/** Differentiable cumulative sums and products. */
import * as T from '@torchlet/tensor';
import { constant, raw, record, recordWithOutput } from '../record.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from '../grad-mode.js';
import { div, mul, where } from './binary.js';
import { matmul } from './linalg.js';
import { flip, triu } from './rearrange.js';
import { expand, movedim, squeeze, unsqueeze } from './views.js';

/** Running sum along `dim`; the gradient is the reversed running sum of g. */
export function cumsum(x: Tensor, dim: number, options: T.ScanOptions = {}): Tensor {
  return record('CumsumBackward', T.cumsum(raw(x), dim, options), [x], (g) => [flip(cumsum(flip(g, dim), dim), dim)]);
}

/**
 * Running product along `dim`. For x without zeros the gradient is reverse-cumsum(g·y)/x; with
 * zeros PyTorch's formula needs exclusive products, which torchlet computes the same way by
 * falling back to those products elementwise (composed of differentiable ops when the backward
 * is itself recorded).
 */
export function cumprod(x: Tensor, dim: number, options: T.ScanOptions = {}): Tensor {
  return recordWithOutput('CumprodBackward', T.cumprod(raw(x), dim, options), [x], (g, _needs, y) => {
    if (!T.any(T.eq(raw(x), 0)).item()) return [div(flip(cumsum(flip(mul(g, y), dim), dim), dim), x)];
    return [isGradEnabled() ? composedCumprodGradient(x, g, dim) : exactCumprodGradient(x, g, dim)];
  }, [x]);
}

/**
 * {@link exactCumprodGradient} from differentiable ops, for double backward: row i of an n×n
 * matrix per lane is the lane with x_i replaced by 1, whose cumprod gives Π_{k≤j, k≠i} x_k at
 * column j; the upper triangle (j ≥ i) times g sums to the gradient. O(n²) memory.
 */
function composedCumprodGradient(x: Tensor, g: Tensor, dim: number): Tensor {
  if (x.ndim === 0) return g;
  const d = T.normalizeDim('cumprod', dim, x.ndim);
  const lanes = movedim(x, d, -1);
  const n = x.shape[d]!;
  const rows = expand(unsqueeze(lanes, -2), [...lanes.shape.slice(0, -1), n, n]);
  const products = triu(cumprod(where(constant(T.eye(n, n, { dtype: 'bool' })), 1, rows), -1));
  const gradient = squeeze(matmul(products, unsqueeze(movedim(g, d, -1), -1)), -1);
  return movedim(gradient, -1, d);
}

/** O(n²) per lane but exact at zeros: dy_j/dx_i = Π_{k≤j, k≠i} x_k for j ≥ i. */
function exactCumprodGradient(x: Tensor, g: Tensor, dim: number): Tensor {
  const d = T.normalizeDim('cumprod', dim, x.ndim);
  const xs = T.movedim(raw(x), d, -1).contiguous().toTypedArray();
  const gs = T.movedim(raw(g), d, -1).contiguous().toTypedArray();
  const n = x.shape[d]!;
  const out = new Float64Array(xs.length);
  for (let base = 0; base < xs.length; base += n) {
    for (let i = 0; i < n; i++) {
      let total = 0;
      let product = 1;
      for (let k = 0; k < i; k++) product *= xs[base + k]!;
      for (let j = i; j < n; j++) {
        if (j > i) product *= xs[base + j]!;
        total += gs[base + j]! * product;
      }
      out[base + i] = total;
    }
  }
  const moved = T.Tensor.fromData(out, T.movedim(raw(x), d, -1).shape, 'float64').to(x.dtype);
  return constant(T.movedim(moved, -1, d).contiguous());
}
