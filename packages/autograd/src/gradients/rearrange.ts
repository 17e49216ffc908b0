/** Differentiable flips, rolls, repeats and triangles. */
import * as T from '@torchlet/tensor';
import { raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { sum } from './reduce.js';
import { reshape } from './views.js';

/** Reverses the order along `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  return record('FlipBackward', T.flip(raw(x), dims), [x], (g) => [flip(g, dims)]);
}

/** Rolls elements along `dims` (or the flattened tensor). */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const back = typeof shifts === 'number' ? -shifts : shifts.map((s) => -s);
  return record('RollBackward', T.roll(raw(x), shifts, dims), [x], (g) => [roll(g, back, dims)]);
}

/** Repeats the tensor `sizes` times along each dim; the gradient sums the copies. */
export function repeat(x: Tensor, ...sizes: T.SizeArgs): Tensor {
  const reps = sizes.length === 1 && Array.isArray(sizes[0]) ? [...sizes[0]] : [...(sizes as readonly number[])];
  return record('RepeatBackward', T.repeat(raw(x), reps), [x], (g) => {
    const lead = reps.length - x.ndim;
    const padded = [...new Array<number>(lead).fill(1), ...x.shape];
    // Split every dim into (copies, size) and sum over the copies.
    const split = reshape(g, padded.flatMap((s, i) => [reps[i]!, s]));
    const summed = sum(split, padded.map((_, i) => 2 * i));
    return [reshape(summed, [...x.shape])];
  });
}

/** Like `repeat`, padding `dims` with leading ones as PyTorch's `tile` does. */
export function tile(x: Tensor, dims: number | readonly number[]): Tensor {
  const list = typeof dims === 'number' ? [dims] : [...dims];
  while (list.length < x.ndim) list.unshift(1);
  return repeat(x, list);
}

/** Lower triangle (elements above `diagonal` zeroed). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return record('TrilBackward', T.tril(raw(x), diagonal), [x], (g) => [tril(g, diagonal)]);
}

/** Upper triangle (elements below `diagonal` zeroed). */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return record('TriuBackward', T.triu(raw(x), diagonal), [x], (g) => [triu(g, diagonal)]);
}
