/**
 * PyTorch's tensor printing (`torch/_tensor_str.py`): the same number formats, column widths,
 * line wrapping, summarisation and suffixes, so `formatTensor(x)` reads exactly like `str(x)`.
 * @packageDocumentation
 */
import { InvalidArgumentError } from './errors/index.js';
import { isFloatingPoint } from './dtype.js';
import type { Tensor } from './tensor.js';

/** Print options, as `torch.set_printoptions` (same defaults). */
export interface FormatOptions {
  /** Digits after the decimal point for floats (default 4). */
  precision?: number;
  /** Tensors with more elements than this are summarised with `...` (default 1000). */
  threshold?: number;
  /** Items kept at each end of a summarised dimension (default 3). */
  edgeItems?: number;
  /** Characters per line before rows wrap (default 80). */
  lineWidth?: number;
  /** Force (true) or forbid (false) scientific notation; by default PyTorch's rule decides. */
  sciMode?: boolean;
  /** Extra suffixes after the dtype, such as `requires_grad=True` or `grad_fn=<AddBackward0>`. */
  suffixes?: readonly string[];
}

interface ResolvedOptions {
  precision: number;
  threshold: number;
  edgeItems: number;
  lineWidth: number;
  sciMode: boolean | undefined;
}

/**
 * Prints a tensor exactly as PyTorch's `str(tensor)` does.
 *
 * @example
 * ```ts
 * formatTensor(tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
 * // tensor([[1., 2.],
 * //         [3., 4.]])
 * formatTensor(tensor([0.5, 1e-5], { dtype: 'float64' }));
 * // tensor([5.0000e-01, 1.0000e-05], dtype=torch.float64)
 * ```
 */
export function formatTensor(x: Tensor, options: FormatOptions = {}): string {
  const resolved = resolveOptions(options);
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (x.numel() === 0) {
    // PyTorch shows the size unless it is (0,), and the dtype unless it is the default float32.
    if (x.ndim !== 1) suffixes.push(`size=${pythonTuple(x.shape)}`);
    if (x.dtype !== 'float32') suffixes.push(`dtype=torch.${x.dtype}`);
    body = '[]';
  } else {
    if (resolved.edgeItems === 0) suffixes.push(`size=${pythonTuple(x.shape)}`);
    if (x.dtype !== 'float32' && x.dtype !== 'int64' && x.dtype !== 'bool') suffixes.push(`dtype=torch.${x.dtype}`);
    body = tensorBody(x, indent, resolved);
  }
  suffixes.push(...(options.suffixes ?? []));
  return addSuffixes(prefix + body, suffixes, indent, resolved.lineWidth);
}

function resolveOptions(options: FormatOptions): ResolvedOptions {
  const { precision = 4, threshold = 1000, edgeItems = 3, lineWidth = 80, sciMode } = options;
  for (const [name, value] of [['precision', precision], ['edgeItems', edgeItems], ['lineWidth', lineWidth]] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidArgumentError(`formatTensor: ${name} must be a non-negative integer, got ${value}`);
    }
  }
  if (Number.isNaN(threshold)) throw new InvalidArgumentError(`formatTensor: threshold must be a number, got ${threshold}`);
  return { precision, threshold, edgeItems, lineWidth, sciMode };
}

/** `str(tuple(shape))`: `(2, 3)`, `(0,)`, `()`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** `_add_suffixes`: appends `, suffix` pieces, moving one to a new line when it would pass the line width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, lineWidth: number): string {
  const parts = [text];
  // PyTorch measures the last line this way (one more than its length after a newline, two more without one).
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > lineWidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** `_tensor_str` for a non-empty tensor: the bracketed elements, without prefix or suffixes. */
function tensorBody(x: Tensor, indent: number, options: ResolvedOptions): string {
  const values = x.toTypedArray();
  const shape = x.shape;
  const rowStrides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    rowStrides[d] = s;
    s *= shape[d]!;
  }
  const summarize = values.length > options.threshold;
  const edge = options.edgeItems;
  const isSummarised = (d: number): boolean => summarize && shape[d]! > 2 * edge;
  const keptIndices = (d: number): number[] => {
    const size = shape[d]!;
    if (!isSummarised(d)) return Array.from({ length: size }, (_, i) => i);
    return [...Array.from({ length: edge }, (_, i) => i), ...Array.from({ length: edge }, (_, i) => size - edge + i)];
  };

  // The formatter sees only the elements that will be printed (PyTorch's get_summarized_data).
  const shown: number[] = [];
  const collect = (d: number, start: number): void => {
    if (d === shape.length) {
      shown.push(values[start]!);
      return;
    }
    for (const i of keptIndices(d)) collect(d + 1, start + i * rowStrides[d]!);
  };
  collect(0, 0);
  const formatter = new ElementFormatter(shown, x.dtype === 'bool' ? 'bool' : isFloatingPoint(x.dtype) ? 'float' : 'int', options);

  const vector = (start: number, currentIndent: number): string => {
    const size = shape[shape.length - 1]!;
    const elementLength = formatter.width + 2;
    const perLine = Math.max(1, Math.floor((options.lineWidth - currentIndent) / elementLength));
    let data: string[];
    if (summarize && edge === 0) {
      data = ['...'];
    } else if (isSummarised(shape.length - 1)) {
      data = [];
      for (let i = 0; i < edge; i++) data.push(formatter.format(values[start + i]!));
      data.push(' ...');
      for (let i = size - edge; i < size; i++) data.push(formatter.format(values[start + i]!));
    } else {
      data = [];
      for (let i = 0; i < size; i++) data.push(formatter.format(values[start + i]!));
    }
    const lines: string[] = [];
    for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(currentIndent + 1)}`)}]`;
  };

  const nested = (d: number, start: number, currentIndent: number): string => {
    if (d === shape.length) return formatter.format(values[start]!);
    if (d === shape.length - 1) return vector(start, currentIndent);
    const size = shape[d]!;
    const stride = rowStrides[d]!;
    const slices: string[] = [];
    if (isSummarised(d)) {
      for (let i = 0; i < edge; i++) slices.push(nested(d + 1, start + i * stride, currentIndent + 1));
      slices.push('...');
      for (let i = size - edge; i < size; i++) slices.push(nested(d + 1, start + i * stride, currentIndent + 1));
    } else {
      for (let i = 0; i < size; i++) slices.push(nested(d + 1, start + i * stride, currentIndent + 1));
    }
    const separator = `,${'\n'.repeat(shape.length - d - 1)}${' '.repeat(currentIndent + 1)}`;
    return `[${slices.join(separator)}]`;
  };

  return nested(0, 0, indent);
}

/**
 * PyTorch's `_Formatter`: picks integer, fixed or scientific notation from the printed values
 * and pads every element to a common width.
 */
class ElementFormatter {
  readonly width: number;
  private readonly intMode: boolean = true;
  private readonly sciMode: boolean = false;

  constructor(
    values: readonly number[],
    private readonly kind: 'float' | 'int' | 'bool',
    private readonly options: ResolvedOptions,
  ) {
    let width = 1;
    if (kind !== 'float') {
      for (const value of values) width = Math.max(width, this.plain(value).length);
      this.width = width;
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) {
      // PyTorch returns before applying a forced sci_mode here.
      this.width = width;
      return;
    }
    let smallest = Infinity;
    let largest = 0;
    for (const v of finite) {
      smallest = Math.min(smallest, Math.abs(v));
      largest = Math.max(largest, Math.abs(v));
    }
    const precision = options.precision;
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const wideRange = largest / smallest > 1000 || largest > 1e8;
    this.sciMode = this.intMode ? wideRange : wideRange || smallest < 1e-4;
    for (const v of finite) {
      let length: number;
      if (this.sciMode) length = formatExponential(v, precision).length;
      else if (this.intMode) length = formatFixed(v, 0).length + 1;
      else length = formatFixed(v, precision).length;
      width = Math.max(width, length);
    }
    if (options.sciMode !== undefined) this.sciMode = options.sciMode;
    this.width = width;
  }

  /** One element, left-padded to the common width. */
  format(value: number): string {
    let text: string;
    if (this.kind !== 'float') text = this.plain(value);
    else if (this.sciMode) text = formatExponential(value, this.options.precision);
    else if (this.intMode) text = formatFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    else text = formatFixed(value, this.options.precision);
    return text.length >= this.width ? text : ' '.repeat(this.width - text.length) + text;
  }

  private plain(value: number): string {
    if (this.kind === 'bool') return value !== 0 ? 'True' : 'False';
    return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  }
}

/** Python's `'{:.Nf}'.format(value)`: exact decimal rounding, ties to even, `-0.0000` kept. */
function formatFixed(value: number, digits: number): string {
  const special = nonFinite(value);
  if (special !== undefined) return special;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return sign + (digits > 0 ? `0.${'0'.repeat(digits)}` : '0');
  const [mantissa, exponent] = exactDecimal(Math.abs(value));
  const scaled = roundScaled(mantissa, exponent + digits).toString().padStart(digits + 1, '0');
  const whole = scaled.slice(0, scaled.length - digits);
  return sign + (digits > 0 ? `${whole}.${scaled.slice(scaled.length - digits)}` : whole);
}

/** Python's `'{:.Ne}'.format(value)`: `1.0000e-05`, with at least two exponent digits. */
function formatExponential(value: number, digits: number): string {
  const special = nonFinite(value);
  if (special !== undefined) return special;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  let significand: string;
  let power: number;
  if (value === 0) {
    significand = '0'.repeat(digits + 1);
    power = 0;
  } else {
    const [mantissa, exponent] = exactDecimal(Math.abs(value));
    const length = mantissa.toString().length;
    power = length - 1 + exponent;
    significand = roundScaled(mantissa, digits + 1 - length).toString();
    if (significand.length > digits + 1) {
      // Rounding carried into a new digit (9.99995 → 10.0000).
      significand = significand.slice(0, digits + 1);
      power += 1;
    }
  }
  const head = digits > 0 ? `${significand[0]}.${significand.slice(1)}` : significand;
  const exponentText = String(Math.abs(power)).padStart(2, '0');
  return `${sign}${head}e${power < 0 ? '-' : '+'}${exponentText}`;
}

function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return undefined;
}

/** A positive finite double as an exact decimal: `mantissa × 10^exponent`. */
function exactDecimal(value: number): [bigint, number] {
  let scaled = value;
  let binaryExponent = 0;
  // Doubling is exact, and every double becomes an integer after at most 1074 doublings.
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    binaryExponent--;
  }
  const integer = BigInt(scaled);
  // m / 2^k = m · 5^k / 10^k
  return binaryExponent === 0 ? [integer, 0] : [integer * 5n ** BigInt(-binaryExponent), binaryExponent];
}

/** `round(mantissa × 10^shift)` to an integer, ties to even. */
function roundScaled(mantissa: bigint, shift: number): bigint {
  if (shift >= 0) return mantissa * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const quotient = mantissa / divisor;
  const twiceRemainder = (mantissa % divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}
