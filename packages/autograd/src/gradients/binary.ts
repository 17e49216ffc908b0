/**
 * Differentiable binary ops with broadcasting: each input's gradient is summed back to its own
 * shape (`sumToShape`). Scalars and raw tensors are constants and get no gradient.
 */
import * as T from '@torchlet/tensor';
import { constant, type Operand, raw, record, recordWithOutput } from '../record.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { log } from './unary.js';

function shapeOf(x: Operand): readonly number[] {
  return x instanceof T.Tensor ? x.shape : [];
}

/** Gradient for operand `x` of a broadcast op: `g` reduced to x's shape (null for scalars). */
function toOperand(g: Tensor, x: Operand): Tensor | null {
  return x instanceof Tensor ? sumToShape(g, shapeOf(x)) : null;
}

/** a + alpha·b. */
export function add(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return record('AddBackward', T.add(raw(a), raw(b), options), [a, b], (g, needs) => [
    needs[0] ? toOperand(g, a) : null,
    needs[1] ? toOperand(alpha === 1 ? g : mul(g, alpha), b) : null,
  ]);
}

/** a − alpha·b. */
export function sub(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return record('SubBackward', T.sub(raw(a), raw(b), options), [a, b], (g, needs) => [
    needs[0] ? toOperand(g, a) : null,
    needs[1] ? toOperand(mul(g, -alpha), b) : null,
  ]);
}

/** a·b. */
export function mul(a: Operand, b: Operand): Tensor {
  return record('MulBackward', T.mul(raw(a), raw(b)), [a, b], (g, needs) => [
    needs[0] ? toOperand(mul(g, b), a) : null,
    needs[1] ? toOperand(mul(g, a), b) : null,
  ], [a, b]);
}

/** a / b (true division unless a rounding mode is given, which has zero gradient). */
export function div(a: Operand, b: Operand, options: T.DivOptions = {}): Tensor {
  if (options.roundingMode) return record('DivBackward', T.div(raw(a), raw(b), options), [a, b], (g) => [toOperand(mul(g, 0), a), toOperand(mul(g, 0), b)]);
  return record('DivBackward', T.div(raw(a), raw(b)), [a, b], (g, needs) => [
    needs[0] ? toOperand(div(g, b), a) : null,
    needs[1] ? toOperand(neg(div(mul(g, a), mul(b, b))), b) : null,
  ], [a, b]);
}

function neg(x: Tensor): Tensor {
  return mul(x, -1);
}

/**
 * a^b. As in PyTorch, the base's gradient b·a^(b−1) is taken as 0 where b = 0 (not 0·∞ at a = 0),
 * and the exponent's gradient a^b·log(a) as 0 where a = 0 and b ≥ 0.
 */
export function pow(a: Operand, b: Operand): Tensor {
  return recordWithOutput('PowBackward', T.pow(raw(a), raw(b)), [a, b], (g, needs, y) => [
    needs[0] ? toOperand(mul(g, where(constant(T.eq(raw(b), 0)), 0, mul(b, pow(a, sub(b, 1))))), a) : null,
    needs[1] ? toOperand(mul(g, where(constant(T.logicalAnd(T.eq(raw(a), 0), T.ge(raw(b), 0))), 0, mul(y, log(asTensor(a))))), b) : null,
  ], [a, b]);
}

function asTensor(x: Operand): Tensor {
  return x instanceof Tensor ? x : constant(x instanceof T.Tensor ? x : T.scalarTensor(x));
}

/** Elementwise maximum; at ties the gradient is split evenly, as in PyTorch. */
export function maximum(a: Tensor, b: Operand): Tensor {
  return extremum('MaximumBackward', T.maximum, T.gt, a, b);
}

/** Elementwise minimum; at ties the gradient is split evenly. */
export function minimum(a: Tensor, b: Operand): Tensor {
  return extremum('MinimumBackward', T.minimum, T.lt, a, b);
}

function extremum(name: string, kernel: (a: T.Tensor, b: T.Operand) => T.Tensor, wins: (a: T.Operand, b: T.Operand) => T.Tensor, a: Tensor, b: Operand): Tensor {
  return record(name, kernel(raw(a), raw(b)), [a, b], (g) => {
    const ra = raw(a);
    const rb = raw(b);
    const tie = T.eq(ra, rb);
    // weight of a: 1 where a wins, ½ at ties, 0 where b wins; b gets the rest.
    const weightA = constant(T.add(T.where(wins(ra, rb), 1, 0), T.where(tie, 0.5, 0)));
    const weightB = constant(T.sub(1, raw(weightA)));
    return [toOperand(mul(g, weightA), a), toOperand(mul(g, weightB), b)];
  }, [a, b]);
}

/** Remainder with the sign of the divisor; d/da = 1, d/db = −floor(a/b). */
export function remainder(a: Operand, b: Operand): Tensor {
  return record('RemainderBackward', T.remainder(raw(a), raw(b)), [a, b], (g, needs) => [
    needs[0] ? toOperand(g, a) : null,
    needs[1] ? toOperand(mul(g, constant(T.neg(T.floor(T.div(raw(a), raw(b)))))), b) : null,
  ], [a, b]);
}

/** atan2(a, b). */
export function atan2(a: Operand, b: Operand): Tensor {
  return record('Atan2Backward', T.atan2(raw(a), raw(b)), [a, b], (g, needs) => {
    const denominator = add(mul(a, a), mul(b, b));
    return [needs[0] ? toOperand(div(mul(g, b), denominator), a) : null, needs[1] ? toOperand(div(mul(g, neg(asTensor(a))), denominator), b) : null];
  }, [a, b]);
}

/** Picks `a` where `condition` holds, else `b`. */
export function where(condition: T.Tensor, a: Operand, b: Operand): Tensor {
  const c = raw(condition);
  return record('WhereBackward', T.where(c, raw(a), raw(b)), [condition, a, b], (g, needs) => [
    null,
    needs[1] ? toOperand(mul(g, constant(c)), a) : null,
    needs[2] ? toOperand(mul(g, constant(T.logicalNot(c))), b) : null,
  ]);
}

/** a + weight·(end − a). */
export function lerp(a: Tensor, end: Operand, weight: Operand): Tensor {
  return record('LerpBackward', T.lerp(raw(a), raw(end), raw(weight)), [a, end, weight], (g, needs) => [
    needs[0] ? toOperand(mul(g, sub(1, weight)), a) : null,
    needs[1] ? toOperand(mul(g, weight), end) : null,
    needs[2] ? toOperand(mul(g, sub(end, a)), weight) : null,
  ], [a, end, weight]);
}

/** x + value·t1·t2. */
export function addcmul(x: Operand, t1: Operand, t2: Operand, options: { value?: number } = {}): Tensor {
  return add(x, mul(mul(t1, t2), options.value ?? 1));
}

/** x + value·t1/t2. */
export function addcdiv(x: Operand, t1: Operand, t2: Operand, options: { value?: number } = {}): Tensor {
  return add(x, mul(div(t1, t2), options.value ?? 1));
}

const comparison =
  (kernel: (a: T.Operand, b: T.Operand) => T.Tensor) =>
  (a: Operand, b: Operand): Tensor =>
    constant(kernel(raw(a), raw(b)));

/** Elementwise ==, !=, <, <=, >, >= and the logical ops: bool results with no gradient. */
export const eq = comparison(T.eq);
export const ne = comparison(T.ne);
export const lt = comparison(T.lt);
export const le = comparison(T.le);
export const gt = comparison(T.gt);
export const ge = comparison(T.ge);
export const logicalAnd = comparison(T.logicalAnd);
export const logicalOr = comparison(T.logicalOr);
export const logicalXor = comparison(T.logicalXor);

/** Elementwise closeness (bool, no gradient). */
export function isclose(a: Tensor, b: Operand, options?: T.IsCloseOptions): Tensor {
  return constant(T.isclose(raw(a), raw(b), options));
}

/** True when every element of `a` is close to `b`. */
export function allclose(a: Tensor, b: Operand, options?: T.IsCloseOptions): boolean {
  return T.allclose(raw(a), raw(b), options);
}
