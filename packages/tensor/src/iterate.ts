import type { Shape } from './shape.js';

/**
 * Storage offsets of every element of a strided view, in row-major order. Kernels use this to walk
 * non-contiguous operands with one flat loop; contiguous operands skip it.
 */
export function elementOffsets(shape: Shape, strides: Shape, offset: number): Int32Array {
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const ndim = shape.length;
  if (ndim === 0) {
    out[0] = offset;
    return out;
  }
  const last = ndim - 1;
  const innerSize = shape[last]!;
  const innerStride = strides[last]!;
  const counter = new Array<number>(ndim).fill(0);
  let base = offset;
  let k = 0;
  while (k < n) {
    for (let i = 0, o = base; i < innerSize; i++, o += innerStride) out[k++] = o;
    // Carry the counter over the outer dims.
    let d = last - 1;
    for (; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
    if (d < 0) break;
  }
  return out;
}

/** Strides that read `shape` as if broadcast to `target` (0 on every broadcast dim). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}
