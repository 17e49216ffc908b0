/**
 * In-place ops. Without a graph to record (grad mode off, or nothing requires grad) they run
 * directly on storage: this is the optimizers' fast path. Otherwise the op also runs out of place
 * on a snapshot of the old value, and the tensor takes over the resulting node, so gradients flow
 * through the in-place change as in PyTorch. The version bump makes any node that saved the old
 * value refuse to run.
 */
import * as T from '@torchlet/tensor';
import { AutogradError } from '../autograd-error.js';
import { isGradEnabled } from '../grad-mode.js';
import { type Operand, needsGrad, raw, record } from '../record.js';
import { Tensor } from '../tensor.js';
import { add, addcdiv, addcmul, div, lerp, maximum, mul, pow, sub } from './binary.js';
import { clamp, exp, log, neg, abs, reciprocal, relu, sigmoid, sign, sqrt, square, tanh } from './unary.js';
import { indexAdd, maskedFill, scatter, scatterAdd } from './indexing.js';

function inPlace(op: string, x: Tensor, others: readonly unknown[], rawApply: (target: T.Tensor) => unknown, outOfPlace: (old: Tensor) => Tensor): Tensor {
  if (!isGradEnabled() || !(x.requiresGrad || others.some(needsGrad))) {
    rawApply(raw(x));
    return x;
  }
  if (x.isLeaf && x.requiresGrad) {
    throw new AutogradError(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  if (x.viewBase !== null) {
    // The new node would reach the view but not its base, whose gradient would silently miss it.
    throw new AutogradError(`${op}: in-place modification of a view is not supported when it needs a gradient; use the out-of-place op, or clone() the view first`);
  }
  const old = Tensor.wrap(raw(x).clone());
  if (x.gradFn !== null) old.attach(x.gradFn);
  // Recorded before x changes: an operand that is x itself (or shares its storage) is saved at
  // the old version, so backward fails as in PyTorch instead of reading the new values.
  const result = outOfPlace(old);
  rawApply(raw(x));
  if (result.gradFn !== null) x.attach(result.gradFn);
  return x;
}

/** A value that replaces x entirely: x's old value gets a zero gradient. Only the node is kept. */
function replaced(name: string, old: Tensor): Tensor {
  return record(name, raw(old), [old], (g) => [mul(g, 0)]);
}

export const add_ = (x: Tensor, other: Operand, options?: { alpha?: number }): Tensor => inPlace('add_', x, [other], (t) => T.add_(t, raw(other), options), (old) => add(old, other, options));
export const sub_ = (x: Tensor, other: Operand, options?: { alpha?: number }): Tensor => inPlace('sub_', x, [other], (t) => T.sub_(t, raw(other), options), (old) => sub(old, other, options));
export const mul_ = (x: Tensor, other: Operand): Tensor => inPlace('mul_', x, [other], (t) => T.mul_(t, raw(other)), (old) => mul(old, other));
export const div_ = (x: Tensor, other: Operand): Tensor => inPlace('div_', x, [other], (t) => T.div_(t, raw(other)), (old) => div(old, other));
export const pow_ = (x: Tensor, exponent: Operand): Tensor => inPlace('pow_', x, [exponent], (t) => T.pow_(t, raw(exponent)), (old) => pow(old, exponent));
export const maximum_ = (x: Tensor, other: Operand): Tensor => inPlace('maximum_', x, [other], (t) => T.maximum_(t, raw(other)), (old) => maximum(old, other));
export const addcmul_ = (x: Tensor, t1: Operand, t2: Operand, options?: { value?: number }): Tensor =>
  inPlace('addcmul_', x, [t1, t2], (t) => T.addcmul_(t, raw(t1), raw(t2), options), (old) => addcmul(old, t1, t2, options));
export const addcdiv_ = (x: Tensor, t1: Operand, t2: Operand, options?: { value?: number }): Tensor =>
  inPlace('addcdiv_', x, [t1, t2], (t) => T.addcdiv_(t, raw(t1), raw(t2), options), (old) => addcdiv(old, t1, t2, options));
export const lerp_ = (x: Tensor, end: Operand, weight: Operand): Tensor => inPlace('lerp_', x, [end, weight], (t) => T.lerp_(t, raw(end), raw(weight)), (old) => lerp(old, end, weight));
export const copy_ = (x: Tensor, source: Operand): Tensor =>
  inPlace('copy_', x, [source], (t) => T.copy_(t, raw(source)), (old) => add(mul(old, 0), source instanceof Tensor ? source.to(x.dtype) : source));
export const fill_ = (x: Tensor, value: number | boolean): Tensor => inPlace('fill_', x, [], (t) => T.fill_(t, value), (old) => replaced('FillBackward', old));
export const zero_ = (x: Tensor): Tensor => fill_(x, 0);
export const clamp_ = (x: Tensor, min?: number | null, max?: number | null): Tensor => inPlace('clamp_', x, [], (t) => T.clamp_(t, min, max), (old) => clamp(old, min, max));

function unaryInPlace(op: string, kernel: (t: T.Tensor) => T.Tensor, differentiable: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => inPlace(op, x, [], kernel, differentiable);
}

export const neg_ = unaryInPlace('neg_', T.neg_, neg);
export const abs_ = unaryInPlace('abs_', T.abs_, abs);
export const exp_ = unaryInPlace('exp_', T.exp_, exp);
export const log_ = unaryInPlace('log_', T.log_, log);
export const sqrt_ = unaryInPlace('sqrt_', T.sqrt_, sqrt);
export const sign_ = unaryInPlace('sign_', T.sign_, sign);
export const sigmoid_ = unaryInPlace('sigmoid_', T.sigmoid_, sigmoid);
export const tanh_ = unaryInPlace('tanh_', T.tanh_, tanh);
export const relu_ = unaryInPlace('relu_', T.relu_, relu);
export const reciprocal_ = unaryInPlace('reciprocal_', T.reciprocal_, reciprocal);
export const square_ = unaryInPlace('square_', T.square_, square);

export const scatter_ = (x: Tensor, dim: number, index: T.Tensor, src: Tensor | number, options?: T.ScatterOptions): Tensor =>
  inPlace('scatter_', x, [src], (t) => T.scatter_(t, dim, raw(index), raw(src), options), (old) => scatter(old, dim, index, src, options));
export const scatterAdd_ = (x: Tensor, dim: number, index: T.Tensor, src: Tensor): Tensor =>
  inPlace('scatterAdd_', x, [src], (t) => T.scatterAdd_(t, dim, raw(index), raw(src)), (old) => scatterAdd(old, dim, index, src));
export const indexAdd_ = (x: Tensor, dim: number, index: T.Tensor, source: Tensor, options?: T.IndexAddOptions): Tensor =>
  inPlace('indexAdd_', x, [source], (t) => T.indexAdd_(t, dim, raw(index), raw(source), options), (old) => indexAdd(old, dim, index, source, options));
export const maskedFill_ = (x: Tensor, mask: T.Tensor, value: number | boolean | Tensor): Tensor =>
  inPlace('maskedFill_', x, [value], (t) => T.maskedFill_(t, raw(mask), raw(value) as number | T.Tensor), (old) => maskedFill(old, mask, value));

/** Random fillers: the old value gets a zero gradient. */
export const uniform_ = (x: Tensor, from?: number, to?: number, options?: T.GeneratorOptions): Tensor =>
  inPlace('uniform_', x, [], (t) => T.uniform_(t, from, to, options), (old) => replaced('UniformBackward', old));
export const normal_ = (x: Tensor, mean?: number, std?: number, options?: T.GeneratorOptions): Tensor =>
  inPlace('normal_', x, [], (t) => T.normal_(t, mean, std, options), (old) => replaced('NormalBackward', old));
export const bernoulli_ = (x: Tensor, p: number, options?: T.GeneratorOptions): Tensor =>
  inPlace('bernoulli_', x, [], (t) => T.bernoulli_(t, p, options), (old) => replaced('BernoulliBackward', old));
