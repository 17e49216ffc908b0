import { allocate, checkDType, type DType, isIntegral } from '../dtype.js';
import { lanesAlong } from '../iterate.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Options of {@link cumsum} and {@link cumprod}. */
export interface ScanOptions {
  /** Convert the input to this dtype before scanning; the result has this dtype too. */
  dtype?: DType;
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, options: ScanOptions): Tensor {
  const d = normalizeDim(op, dim, x.ndim);
  const source = (options.dtype === undefined ? x : x.to(checkDType(op, options.dtype))).contiguous();
  // Without a dtype, integers and bool accumulate into int64, as in PyTorch.
  const dtype = options.dtype ?? (isIntegral(x.dtype) ? 'int64' : x.dtype);
  // A contiguous tensor's lanes along one dim are read in place, so the output uses the same indexing.
  const { data, offset, outer, size, inner } = lanesAlong(source, x.ndim === 0 ? [] : [d]);
  const out = allocate(dtype, source.numel());
  // Float64 running values, as PyTorch's CPU kernel accumulates float32 in double.
  const running = new Float64Array(inner);
  const product = op === 'cumprod';
  const asBool = dtype === 'bool';
  for (let o = 0; o < outer; o++) {
    running.fill(product ? 1 : 0);
    for (let k = 0, p = (o * size) * inner; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) {
        const r = product ? running[i]! * data[offset + p + i]! : running[i]! + data[offset + p + i]!;
        running[i] = r;
        out[p + i] = asBool ? (r !== 0 ? 1 : 0) : r;
      }
    }
  }
  return Tensor.fromData(out, x.shape, dtype);
}

/**
 * Running sums along `dim`: element k is the sum of elements 0..k. Integer and bool inputs give
 * int64; float inputs accumulate in float64.
 *
 * @example
 * ```ts
 * cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1); // [[1, 3, 6], [4, 9, 15]]
 * ```
 */
export function cumsum(x: Tensor, dim: number, options: ScanOptions = {}): Tensor {
  return scan('cumsum', x, dim, options);
}

/** Running products along `dim`, with {@link cumsum}'s dtype rules. */
export function cumprod(x: Tensor, dim: number, options: ScanOptions = {}): Tensor {
  return scan('cumprod', x, dim, options);
}
