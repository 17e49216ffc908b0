/** The seeded inputs every framework builds, and the measures of agreement that verify.ts applies. */

/** Deterministic float32 values in [-1, 1). */
export function randomData(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** The largest |x[i] − y[i]|. */
export function maxDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/**
 * How far two optimizers' first steps from the same `start` with the same `gradient` disagree:
 * the largest |Δx − Δy| over the elements with |g| ≥ `minGradient`, divided by the largest |Δx|
 * there (Δx = x − start). Small gradients are left out because tfjs puts ε elsewhere than PyTorch
 * in some rules (inside the square root in RMSprop, outside the max in Adamax), which only matters
 * where g is near ε. Infinity when x did not move at all, NaN when anything is NaN.
 */
export function stepMismatch(start: ArrayLike<number>, gradient: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, minGradient = 0.1): number {
  let largestStep = 0;
  let largestDifference = 0;
  for (let i = 0; i < start.length; i++) {
    if (!(Math.abs(gradient[i]!) >= minGradient)) continue;
    const dx = x[i]! - start[i]!;
    const difference = Math.abs(dx - (y[i]! - start[i]!));
    if (Number.isNaN(difference)) return NaN;
    largestStep = Math.max(largestStep, Math.abs(dx));
    largestDifference = Math.max(largestDifference, difference);
  }
  return largestStep === 0 ? Infinity : largestDifference / largestStep;
}
