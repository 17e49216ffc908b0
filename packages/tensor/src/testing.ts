/**
 * Helpers for tests of torchlet and of code built on it: compare tensors with PyTorch's fixtures
 * (`{ shape, dtype, data }` records) within a tolerance, and rebuild fixture tensors.
 * @packageDocumentation
 */
import { checkDType, type DType } from './dtype.js';
import { InvalidArgumentError } from './errors/index.js';
import { formatShape, sameShape } from './shape.js';
import { tensor } from './ops/creation.js';
import { Tensor } from './tensor.js';

/** A tensor as the PyTorch fixtures store it: shape, dtype name and row-major data. */
export interface TensorRecord {
  shape: number[];
  dtype: string;
  data: (number | boolean)[];
}

/**
 * One case of the PyTorch fixtures' ops.json: a PyTorch call, its inputs, its output, and the
 * gradients of sum(output · R) with respect to each input.
 */
export interface OpCase {
  op: string;
  call: string;
  inputs: Record<string, TensorRecord>;
  output: TensorRecord;
  R: TensorRecord;
  grads: Record<string, TensorRecord>;
}

/** Rebuilds a tensor from a fixture record. */
export function fromRecord(record: TensorRecord): Tensor {
  const dtype: DType = checkDType('fromRecord', record.dtype);
  const flat = tensor(record.data.map(Number), { dtype });
  return new Tensor(flat.storage, record.shape, contiguousOf(record.shape), 0, dtype);
}

function contiguousOf(shape: number[]): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** Tolerances of {@link assertClose}: |actual − expected| ≤ atol + rtol·|expected|. */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Treat NaN as equal to NaN (default true). */
  equalNan?: boolean;
  /** Also require equal dtypes (default false). */
  checkDType?: boolean;
}

/**
 * Throws a descriptive error unless `actual` matches `expected` in shape and every value within
 * the tolerance (default rtol 1e-5, atol 1e-6, PyTorch's fixture tolerance).
 */
export function assertClose(actual: Tensor, expected: Tensor | TensorRecord, options: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6, equalNan = true } = options;
  const want = expected instanceof Tensor ? expected : fromRecord(expected);
  if (!sameShape(actual.shape, want.shape)) {
    throw new InvalidArgumentError(`assertClose: shape ${formatShape(actual.shape)} differs from expected ${formatShape(want.shape)}`);
  }
  if (options.checkDType && actual.dtype !== want.dtype) {
    throw new InvalidArgumentError(`assertClose: dtype ${actual.dtype} differs from expected ${want.dtype}`);
  }
  const a = actual.toTypedArray();
  const b = want.toTypedArray();
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (equalNan && Number.isNaN(x) && Number.isNaN(y)) continue;
      failures++;
      if (worst < 0) worst = i;
      worstExcess = Infinity;
      continue;
    }
    if (x === y) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > 0) {
      failures++;
      if (excess > worstExcess || worst < 0) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (failures > 0) {
    throw new InvalidArgumentError(
      `assertClose: ${failures} of ${a.length} values differ (rtol ${rtol}, atol ${atol}); worst at flat index ${worst}: got ${a[worst]}, expected ${b[worst]}`,
    );
  }
}
