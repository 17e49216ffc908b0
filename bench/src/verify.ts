/**
 * The parent's check that a framework computed the same numbers as torchlet before its time is
 * shown: each process reports samples of its outputs for the same seeded inputs, compared here
 * with the reference torchlet configuration's.
 */
import { type BenchCase, inputData, sampleOf } from './cases.js';
import type { CaseOutcome } from './child.js';
import { maxDifference, stepMismatch } from './data.js';

/**
 * max |actual − expected| divided by the largest |expected| (or by 1 when that is smaller, so
 * values near zero are compared absolutely). Infinity when the lengths differ, NaN for NaN.
 */
export function relativeDifference(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) return Infinity;
  const scale = Math.max(1, ...expected.map(Math.abs));
  return maxDifference(expected, actual) / scale;
}

/**
 * Why `outcome` (another framework's, or another torchlet configuration's) does not agree with
 * `reference` (the default torchlet configuration's) on `spec`, or null when it does or has no
 * time to vouch for. Outputs a framework leaves out are accepted only with a `differs` reason; an
 * optimizer whose rule `differs` is only checked to have moved the parameters.
 */
export function disagreement(spec: BenchCase, reference: CaseOutcome, outcome: CaseOutcome): string | null {
  if (outcome.ms === undefined) return null;
  const expected = reference.outputs ?? {};
  const actual = outcome.outputs ?? {};
  if (spec.kind === 'optimizer') {
    const start = sampleOf(inputData([spec.size], spec.seed));
    const gradient = sampleOf(inputData([spec.size], spec.seed + 1));
    const { step } = actual;
    if (step === undefined) return 'reports no first step';
    // Against the start itself the mismatch is 1 when anything moved, Infinity when nothing did, NaN for NaN.
    if (outcome.differs !== undefined) return stepMismatch(start, gradient, step, start) === 1 ? null : 'its first step left the parameters unchanged or not finite';
    if (expected.step === undefined) return 'torchlet reports no first step';
    const mismatch = stepMismatch(start, gradient, expected.step, step);
    return mismatch <= spec.tolerance ? null : `its first step differs from torchlet's by ${mismatch.toPrecision(2)} of the largest step`;
  }
  let compared = 0;
  for (const [name, values] of Object.entries(expected)) {
    const other = actual[name];
    if (other === undefined) {
      if (outcome.differs !== undefined) continue;
      return `reports no ${name}`;
    }
    const difference = relativeDifference(values, other);
    if (!(difference <= spec.tolerance)) return `${name} differs from torchlet's by ${difference.toPrecision(2)} of its largest value`;
    compared++;
  }
  return compared > 0 ? null : 'reports nothing to compare';
}
