import { IndexError, InvalidArgumentError, ShapeError } from './errors/index.js';

/** A tensor shape; sizes may be given as varargs or one array, as in PyTorch. */
export type Shape = readonly number[];
export type SizeArgs = readonly number[] | [readonly number[]];

/** Formats a shape the way error messages print it: `[2,3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Accepts `f(2, 3)` and `f([2, 3])` alike. */
export function sizeFromArgs(op: string, args: SizeArgs): number[] {
  const sizes = args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : [...(args as readonly number[])];
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${op}: sizes must be non-negative integers, got ${formatShape(sizes)}`);
    }
  }
  return sizes;
}

/** The number of elements of a shape. */
export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** True when two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** PyTorch's broadcasting rule: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = ndim - s.length + i;
      const size = s[i]!;
      if (size === out[d] || size === 1) continue;
      if (out[d] === 1) out[d] = size;
      else throw new ShapeError(`${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast`);
    }
  }
  return out;
}

/** Wraps a possibly negative dim into [0, ndim), naming the op when it is out of range. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'} (expected -${n} to ${n - 1})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalizes a dim list, rejecting repeats; `undefined` means every dim. */
export function normalizeDims(op: string, dims: number | readonly number[] | undefined, ndim: number): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) {
    throw new InvalidArgumentError(`${op}: dim ${formatShape(list)} repeats a dimension`);
  }
  return out;
}
