/** The four arithmetic ops that get dedicated loops. */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';

/** The storage of a float32 or float64 tensor. */
export type FloatArray = Float32Array | Float64Array;

/**
 * `out[oo + i] = a[oa + i] op b[ob + i]` for `i < n`, where `add` and `sub` scale `b` by `alpha`.
 * The shared elementwise path calls a closure per element (about 9 ns); these loops, one per op
 * so that each call site stays monomorphic, run at about 1 ns. Each element is computed in
 * float64 exactly as the closures compute it, so results are bit-identical.
 * `out` may be `a` (in-place ops), read and written in the same order as the generic loop.
 */
export function arithmeticTensors(op: ArithmeticOp, out: FloatArray, oo: number, a: FloatArray, oa: number, b: FloatArray, ob: number, n: number, alpha: number): void {
  if (op === 'add' && alpha === 1) for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! + b[ob + i]!;
  else if (op === 'add') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! + alpha * b[ob + i]!;
  else if (op === 'sub' && alpha === 1) for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! - b[ob + i]!;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! - alpha * b[ob + i]!;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! * b[ob + i]!;
  else for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! / b[ob + i]!;
}

/** `out[oo + i] = a[oa + i] op alpha·s`: a tensor with a scalar on the right. */
export function arithmeticTensorScalar(op: ArithmeticOp, out: FloatArray, oo: number, a: FloatArray, oa: number, s: number, n: number, alpha: number): void {
  // alpha·s is the same float64 product for every element, so hoisting it changes no bit.
  const y = op === 'add' || op === 'sub' ? alpha * s : s;
  if (op === 'add') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! + y;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! - y;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! * y;
  else for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! / y;
}

/** `out[i] = s op alpha·b[ob + i]`: a scalar on the left of a tensor. */
export function arithmeticScalarTensor(op: ArithmeticOp, out: FloatArray, s: number, b: FloatArray, ob: number, n: number, alpha: number): void {
  if (op === 'add' && alpha === 1) for (let i = 0; i < n; i++) out[i] = s + b[ob + i]!;
  else if (op === 'add') for (let i = 0; i < n; i++) out[i] = s + alpha * b[ob + i]!;
  else if (op === 'sub' && alpha === 1) for (let i = 0; i < n; i++) out[i] = s - b[ob + i]!;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = s - alpha * b[ob + i]!;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = s * b[ob + i]!;
  else for (let i = 0; i < n; i++) out[i] = s / b[ob + i]!;
}
