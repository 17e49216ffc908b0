import type { FloatArray } from './common.js';

/**
 * Float arithmetic the way PyTorch's CPU kernels round it, for the optimizers whose results are
 * sensitive to it: Muon's bfloat16 Newton–Schulz iteration and the `lerp` of Muon and Adafactor.
 */

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
/** No rounding: float64 arithmetic as it is. */
export const identity = (v: number): number => v;

/**
 * Rounds `x` to the nearest bfloat16 value, ties to even, as PyTorch's `c10::BFloat16` does (the
 * value is first rounded to float32, as the float op producing it would). NaN stays NaN.
 */
export function roundToBfloat16(x: number): number {
  if (Number.isNaN(x)) return NaN;
  scratch[0] = x;
  const bits = scratchBits[0]!;
  scratchBits[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16;
  return scratch[0];
}

/** Rounding to the precision of `array`'s elements: float32, or none for float64. */
export function roundingFor(array: FloatArray): (v: number) => number {
  return array instanceof Float32Array ? Math.fround : identity;
}

/**
 * PyTorch's CPU `lerp(start, end, w)`: start + w(end − start) for |w| < 0.5, else
 * end + (w − 1)(end − start) (exact at w = 1), each multiply-add rounded once, as its fused kernel.
 */
export function lerp(start: number, end: number, weight: number, round: (v: number) => number): number {
  const diff = round(end - start);
  return Math.abs(weight) < 0.5 ? round(start + weight * diff) : round(end + round(weight - 1) * diff);
}
