/**
 * Internal helpers the layers share (not exported from the package): checking and expanding
 * size arguments (PyTorch's `_single`/`_pair`), and printing values as Python's `repr` does, so
 * that `extraRepr()` reads exactly like PyTorch's `extra_repr`.
 */
import { InvalidArgumentError, type Tensor } from '@torchlet/autograd';
import { uniform_ } from './init.js';

/** A size given once for every spatial dim or once per dim. */
export type SizeArg = number | readonly number[];

/**
 * `value` as a tuple of `n` integers ≥ `min` (PyTorch's `_single`/`_pair`), or an error naming
 * the layer and the argument.
 */
export function expandSize(op: string, name: string, value: SizeArg, n: number, min = 1): number[] {
  const list = typeof value === 'number' ? Array<number>(n).fill(value) : [...value];
  if (list.length !== n || list.some((v) => !Number.isInteger(v) || v < min)) {
    throw new InvalidArgumentError(`${op}: ${name} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a tuple of ${n}, got ${formatValue(value)}`);
  }
  return list;
}

/** Checks that `value` is an integer ≥ `min` and returns it. */
export function checkInteger(op: string, name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${name} must be an integer >= ${min}, got ${formatValue(value)}`);
  }
  return value;
}

/**
 * Python's `repr` of a float: the shortest digits that round-trip, `1.0` for integral values,
 * and exponent notation (`1e-05`) outside [1e-4, 1e16).
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = String(x);
  return Number.isInteger(x) ? `${text}.0` : text;
}

/** Python's `repr` of an int, a tuple of ints (`(3,)`, `(3, 3)`), a bool, None or a string. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return value.length === 1 ? `(${formatValue(value[0])},)` : `(${value.map(formatValue).join(', ')})`;
  return String(value);
}

/** Throws PyTorch's error unless the dropout probability `p` lies in [0, 1]. */
export function checkDropoutProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** `paddingIdx` checked to lie in [-numEmbeddings, numEmbeddings) and made non-negative; null when absent. */
export function normalizePaddingIdx(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
    throw new InvalidArgumentError(`${op}: Padding_idx must be within num_embeddings, got padding_idx=${paddingIdx} for num_embeddings=${numEmbeddings}`);
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/** Draws a layer's bias from U(−1/√fanIn, 1/√fanIn), PyTorch's default (all zeros when fanIn is 0). */
export function resetBias(bias: Tensor | null, fanIn: number): void {
  if (bias === null) return;
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, { a: -bound, b: bound });
}
