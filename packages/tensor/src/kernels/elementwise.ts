import type { ElementwiseArgs } from '../backend/backend.js';
import type { DType } from '../dtype.js';
import { expFloat32, sigmoidFloat32, tanhFloat32 } from './fast-math.js';

/** The four arithmetic ops that get dedicated loops. */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';

/** The unary ops that get dedicated loops: the activations chains of ops spend their time in. */
export type UnaryOp = 'tanh' | 'sigmoid' | 'exp';

/** The storage of a float32 or float64 tensor. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The pure-TypeScript `Backend.elementwise`: the loops below. Float32 tanh, sigmoid and
 * exp use the approximations of fast-math.ts, float64 ones `Math`'s.
 */
export function elementwise(args: ElementwiseArgs): void {
  const { n, out, outOffset } = args;
  if ('x' in args) {
    unaryLoop(args.op, out, outOffset, args.x, args.xOffset, n);
    return;
  }
  const { op, a, aOffset, b, bOffset, alpha } = args;
  if (typeof a === 'number') arithmeticScalarTensor(op, out, outOffset, a, b as FloatArray, bOffset, n, alpha);
  else if (typeof b === 'number') arithmeticTensorScalar(op, out, outOffset, a, aOffset, b, n, alpha);
  else arithmeticTensors(op, out, outOffset, a, aOffset, b, bOffset, n, alpha);
}

/** Logistic sigmoid in float64, computed without overflow for large |x|. */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** The scalar function of a unary op for results of a float `dtype`: fast-math's for float32. */
export function unaryFunction(op: UnaryOp, dtype: DType): (v: number) => number {
  if (dtype !== 'float64') return op === 'tanh' ? tanhFloat32 : op === 'sigmoid' ? sigmoidFloat32 : expFloat32;
  return op === 'tanh' ? Math.tanh : op === 'sigmoid' ? sigmoidScalar : Math.exp;
}

/**
 * `out[oo + i] = op(x[ox + i])` for `i < n`, `out` may be `x` (in-place ops). One loop per
 * function and dtype, so that each call is monomorphic and inlined, unlike the closure call per
 * element of the generic path.
 */
function unaryLoop(op: UnaryOp, out: FloatArray, oo: number, x: FloatArray, ox: number, n: number): void {
  if (out instanceof Float32Array) {
    if (op === 'tanh') for (let i = 0; i < n; i++) out[oo + i] = tanhFloat32(x[ox + i]!);
    else if (op === 'sigmoid') for (let i = 0; i < n; i++) out[oo + i] = sigmoidFloat32(x[ox + i]!);
    else for (let i = 0; i < n; i++) out[oo + i] = expFloat32(x[ox + i]!);
  } else if (op === 'tanh') for (let i = 0; i < n; i++) out[oo + i] = Math.tanh(x[ox + i]!);
  else if (op === 'sigmoid') for (let i = 0; i < n; i++) out[oo + i] = sigmoidScalar(x[ox + i]!);
  else for (let i = 0; i < n; i++) out[oo + i] = Math.exp(x[ox + i]!);
}

/**
 * `out[oo + i] = a[oa + i] op b[ob + i]` for `i < n`, where `add` and `sub` scale `b` by `alpha`.
 * The shared elementwise path calls a closure per element (about 9 ns); these loops, one per op
 * so that each call site stays monomorphic, run at about 1 ns. Each element is computed in
 * float64 exactly as the closures compute it, so results are bit-identical.
 * `out` may be `a` (in-place ops), read and written in the same order as the generic loop.
 */
function arithmeticTensors(op: ArithmeticOp, out: FloatArray, oo: number, a: FloatArray, oa: number, b: FloatArray, ob: number, n: number, alpha: number): void {
  if (op === 'add' && alpha === 1) for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! + b[ob + i]!;
  else if (op === 'add') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! + alpha * b[ob + i]!;
  else if (op === 'sub' && alpha === 1) for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! - b[ob + i]!;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! - alpha * b[ob + i]!;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! * b[ob + i]!;
  else for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! / b[ob + i]!;
}

/** `out[oo + i] = a[oa + i] op alpha·s`: a tensor with a scalar on the right. */
function arithmeticTensorScalar(op: ArithmeticOp, out: FloatArray, oo: number, a: FloatArray, oa: number, s: number, n: number, alpha: number): void {
  // alpha·s is the same float64 product for every element, so hoisting it changes no bit.
  const y = op === 'add' || op === 'sub' ? alpha * s : s;
  if (op === 'add') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! + y;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! - y;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! * y;
  else for (let i = 0; i < n; i++) out[oo + i] = a[oa + i]! / y;
}

/** `out[oo + i] = s op alpha·b[ob + i]`: a scalar on the left of a tensor. */
function arithmeticScalarTensor(op: ArithmeticOp, out: FloatArray, oo: number, s: number, b: FloatArray, ob: number, n: number, alpha: number): void {
  if (op === 'add' && alpha === 1) for (let i = 0; i < n; i++) out[oo + i] = s + b[ob + i]!;
  else if (op === 'add') for (let i = 0; i < n; i++) out[oo + i] = s + alpha * b[ob + i]!;
  else if (op === 'sub' && alpha === 1) for (let i = 0; i < n; i++) out[oo + i] = s - b[ob + i]!;
  else if (op === 'sub') for (let i = 0; i < n; i++) out[oo + i] = s - alpha * b[ob + i]!;
  else if (op === 'mul') for (let i = 0; i < n; i++) out[oo + i] = s * b[ob + i]!;
  else for (let i = 0; i < n; i++) out[oo + i] = s / b[ob + i]!;
}
