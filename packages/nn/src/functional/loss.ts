/**
 * Loss functions (PyTorch's `F.mse_loss`, `F.cross_entropy`, …), composed from differentiable
 * autograd ops, so their gradients (and second derivatives) come from the ops' own. The one
 * fused op is the elementwise binary cross-entropy, whose composed gradient is NaN at 0 and 1.
 */
import {
  abs,
  exp,
  gather,
  IndexError,
  indexSelect,
  InvalidArgumentError,
  isFloatingPoint,
  log,
  log1p,
  logSoftmax,
  minimum,
  mul,
  neg,
  noGrad,
  type RawTensor,
  record,
  sameShape,
  ShapeError,
  DTypeError,
  sub,
  Tensor,
  where,
} from '@torchlet/autograd';

/** How a loss reduces its elementwise values: not at all, to their mean, or to their sum. */
export type Reduction = 'none' | 'mean' | 'sum';

const REDUCTIONS: readonly string[] = ['none', 'mean', 'sum'];

/** Throws PyTorch's error unless `reduction` is one of `allowed` (default: none, mean, sum). */
function checkReduction(op: string, reduction: string, allowed: readonly string[] = REDUCTIONS): void {
  if (!allowed.includes(reduction)) throw new InvalidArgumentError(`${op}: ${reduction} is not a valid value for reduction (expected ${allowed.map((r) => `'${r}'`).join(', ')})`);
}

/** A shape as PyTorch prints it in messages: `[2, 3]`. */
function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

/** Options of the regression losses. */
export interface ReductionOptions {
  /** Default `'mean'`. */
  reduction?: Reduction;
}

/**
 * Mean squared error, (input − target)², reduced. Input and target broadcast (PyTorch warns
 * when their shapes differ; torchlet does not).
 *
 * @example
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([0, 0])).item(); // 2.5
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  checkReduction('mseLoss', reduction);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/** Mean absolute error, |input − target|, reduced. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  checkReduction('l1Loss', reduction);
  return reduce(abs(sub(input, target)), reduction);
}

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1 loss: ½d²/β where |d| < β, else |d| − ½β, with d = input − target.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const { reduction = 'mean', beta = 1 } = options;
  checkReduction('smoothL1Loss', reduction);
  if (!(beta >= 0)) throw new InvalidArgumentError(`smoothL1Loss: smooth_l1_loss does not support negative values for beta (got beta=${beta})`);
  if (beta === 0) return l1Loss(input, target, { reduction });
  const d = sub(input, target);
  const size = abs(d);
  return reduce(where(size.lt(beta), mul(mul(d, d), 0.5 / beta), sub(size, 0.5 * beta)), reduction);
}

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/** Huber loss: ½d² where |d| < δ, else δ(|d| − ½δ), with d = input − target. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const { reduction = 'mean', delta = 1 } = options;
  checkReduction('huberLoss', reduction);
  if (!(delta > 0)) throw new InvalidArgumentError(`huberLoss: huber_loss does not support non-positive values for delta (got delta=${delta})`);
  const d = sub(input, target);
  const size = abs(d);
  return reduce(where(size.lt(delta), mul(mul(d, d), 0.5), mul(sub(size, 0.5 * delta), delta)), reduction);
}

/** Options of {@link nllLoss}. */
export interface NllLossOptions extends ReductionOptions {
  /** A weight per class, shape [C] (no gradient flows to it). */
  weight?: RawTensor | null;
  /** Targets equal to this contribute nothing, not even to the mean's denominator (default −100). */
  ignoreIndex?: number;
}

/** Class targets checked against `input` [N, C, d1, …] (or [C]); `valid` marks non-ignored ones. */
interface ClassTargets {
  /** Targets with ignored entries replaced by class 0, safe to gather with. */
  safe: Tensor;
  valid: Tensor;
  /** weight[target] (1 without weights), 0 where ignored: the mean's denominator terms. */
  weights: Tensor;
}

function classTargets(op: string, input: Tensor, target: RawTensor, weight: RawTensor | null | undefined, ignoreIndex: number): ClassTargets {
  if (input.ndim < 1) throw new ShapeError(`${op}: Expected 1 or more dimensions (got ${input.ndim})`);
  if (isFloatingPoint(target.dtype) || target.dtype === 'bool') {
    throw new DTypeError(`${op}: expected a target of class indices of an integer dtype (int64), got ${target.dtype}`);
  }
  if (input.ndim === 1) {
    if (target.ndim !== 0) throw new ShapeError(`${op}: for an input of shape ${shapeText(input.shape)} (no batch dim) the target must be 0-D, got ${shapeText(target.shape)}`);
  } else {
    if (input.shape[0] !== target.shape[0]) throw new ShapeError(`${op}: Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`);
    const expected = [input.shape[0]!, ...input.shape.slice(2)];
    if (!sameShape(target.shape, expected)) throw new ShapeError(`${op}: Expected target size ${shapeText(expected)}, got ${shapeText(target.shape)}`);
  }
  const classes = input.shape[input.ndim === 1 ? 0 : 1]!;
  if (weight !== null && weight !== undefined && (weight.ndim !== 1 || weight.numel() !== classes)) {
    throw new ShapeError(`${op}: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeText(weight.shape)}`);
  }
  const values = target.contiguous().toTypedArray();
  for (const t of values) {
    if (t !== ignoreIndex && (t < 0 || t >= classes)) throw new IndexError(`${op}: Target ${t} is out of bounds (${classes} classes, ignoreIndex ${ignoreIndex})`);
  }
  const t = Tensor.wrap(target).to('int64');
  const valid = t.ne(ignoreIndex);
  const safe = where(valid, t, 0);
  const picked = weight === null || weight === undefined ? valid.to(input.dtype) : indexSelect(Tensor.wrap(weight).detach(), 0, safe.flatten()).reshape([...t.shape]);
  return { safe, valid, weights: where(valid, picked, 0).to(input.dtype) };
}

/**
 * Negative log-likelihood of class targets: input holds log-probabilities [N, C, d1, …] (or [C]),
 * target class indices [N, d1, …] (or a 0-D index). Element i contributes −weight[tᵢ]·input[i, tᵢ];
 * the mean divides by Σ weight[tᵢ] over non-ignored targets (NaN when every target is ignored),
 * as PyTorch does.
 */
export function nllLoss(input: Tensor, target: RawTensor, options: NllLossOptions = {}): Tensor {
  const { reduction = 'mean', weight = null, ignoreIndex = -100 } = options;
  checkReduction('nllLoss', reduction);
  return negativeLogLikelihood(input, classTargets('nllLoss', input, target, weight, ignoreIndex), reduction);
}

function negativeLogLikelihood(logp: Tensor, targets: ClassTargets, reduction: Reduction): Tensor {
  const { safe, valid, weights } = targets;
  const classDim = logp.ndim === 1 ? 0 : 1;
  const picked = gather(logp, classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  // where, not a product with the mask, so that ignored -inf/NaN log-probabilities stay out.
  const losses = where(valid, neg(mul(picked, weights)), 0);
  if (reduction === 'mean') return losses.sum().div(weights.sum());
  return reduce(losses, reduction);
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

/** `weight` [C] viewed to broadcast along the class dim of an input of `ndim` dims. */
function classView(weight: RawTensor, ndim: number, classDim: number): Tensor {
  return Tensor.wrap(weight).detach().reshape(Array.from({ length: ndim }, (_, d) => (d === classDim ? weight.numel() : 1)));
}

/**
 * Cross-entropy between logits `input` [N, C, d1, …] (or [C]) and either class indices
 * [N, d1, …] or class probabilities of the input's shape, with PyTorch's class weights,
 * ignored index and label smoothing (and its exact weighted-mean formulas: see the TSDoc of
 * {@link nllLoss}; with smoothing, ε/C·Σ −weight·logp is divided by the same Σ weight[tᵢ]).
 *
 * @example
 * ```ts
 * const logits = randn(4, 5, { requiresGrad: true });
 * crossEntropy(logits, tensor([1, 0, 4, 2])).backward();
 * ```
 */
export function crossEntropy(input: Tensor, target: RawTensor, options: CrossEntropyOptions = {}): Tensor {
  const { reduction = 'mean', weight = null, ignoreIndex = -100, labelSmoothing = 0 } = options;
  checkReduction('crossEntropy', reduction);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new InvalidArgumentError(`crossEntropy: label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
  if (input.ndim < 1) throw new ShapeError(`crossEntropy: Expected 1 or more dimensions (got ${input.ndim})`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim]!;
  const logp = logSoftmax(input, classDim);
  if (sameShape(input.shape, target.shape)) return probabilityCrossEntropy(logp, target, { reduction, weight, ignoreIndex, labelSmoothing });
  const targets = classTargets('crossEntropy', logp, target, weight, ignoreIndex);
  const nll = negativeLogLikelihood(logp, targets, reduction);
  if (labelSmoothing === 0) return nll;
  const { valid, weights } = targets;
  const weighted = weight === null ? logp : mul(logp, classView(weight, input.ndim, classDim));
  const smooth = where(valid, neg(weighted.sum(classDim)), 0);
  const reduced = reduction === 'mean' ? smooth.sum().div(weights.sum()) : reduce(smooth, reduction);
  return mul(nll, 1 - labelSmoothing).add(mul(reduced, labelSmoothing / classes));
}

/** Cross-entropy against class probabilities: −Σ_c weight_c·target_c·logp_c; the mean divides by numel/C. */
function probabilityCrossEntropy(logp: Tensor, target: RawTensor, options: Required<CrossEntropyOptions>): Tensor {
  const { reduction, weight, ignoreIndex, labelSmoothing } = options;
  if (!isFloatingPoint(target.dtype)) throw new DTypeError(`crossEntropy: Expected floating point type for target with class probabilities, got ${target.dtype}`);
  if (ignoreIndex >= 0) throw new InvalidArgumentError(`crossEntropy: ignore_index is not supported for floating point target (got ignoreIndex=${ignoreIndex})`);
  const classDim = logp.ndim === 1 ? 0 : 1;
  const classes = logp.shape[classDim]!;
  if (weight !== null && (weight.ndim !== 1 || weight.numel() !== classes)) {
    throw new ShapeError(`crossEntropy: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeText(weight.shape)}`);
  }
  const t = target instanceof Tensor ? target : Tensor.wrap(target);
  const smoothed = labelSmoothing > 0 ? mul(t, 1 - labelSmoothing).add(labelSmoothing / classes) : t;
  let terms = mul(logp, smoothed);
  if (weight !== null) terms = mul(terms, classView(weight, logp.ndim, classDim));
  if (reduction === 'none') return neg(terms.sum(classDim));
  if (reduction === 'sum') return neg(terms.sum());
  return neg(terms.sum()).div(logp.numel() / classes);
}

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | RawTensor | null;
}

/**
 * −(t·log x + (1 − t)·log(1 − x)) elementwise, each log clamped at −100 as in PyTorch. Fused:
 * composed from log and clamp, the gradient at x = 0 or 1 is 0·∞ = NaN, while PyTorch's is
 * g·(x − t)/max(x(1 − x), 1e-12). The backward is written with autograd ops, so it is
 * differentiable again.
 */
/** PyTorch's floor of x(1 − x) in the gradient: the float32 constant 1e-12. */
const EPSILON = Math.fround(1e-12);

function binaryCrossEntropyElementwise(x: Tensor, t: Tensor): Tensor {
  const value = noGrad(() => {
    const xd = x.detach();
    const td = t.detach();
    return neg(mul(td, log(xd).clamp(-100)).add(mul(sub(1, td), log1p(neg(xd)).clamp(-100))));
  });
  return record('BinaryCrossEntropyBackward', value, [x, t], (g, needs) => [
    needs[0] ? mul(g, sub(x, t)).div(mul(x, sub(1, x)).clamp(EPSILON)) : null,
    needs[1] ? mul(g, sub(log1p(neg(x)), log(x))) : null,
  ], [x, t]);
}

/**
 * Binary cross-entropy between probabilities `input` (in [0, 1]) and `target` of the same shape.
 * For logits use {@link binaryCrossEntropyWithLogits}, which is more stable.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor | RawTensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const { reduction = 'mean', weight = null } = options;
  checkReduction('binaryCrossEntropy', reduction);
  if (!sameShape(target.shape, input.shape)) {
    throw new ShapeError(`binaryCrossEntropy: Using a target size (${shapeText(target.shape)}) that is different to the input size (${shapeText(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  const values = input.contiguous().toTypedArray();
  for (const v of values) if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`binaryCrossEntropy: all elements of input should be between 0 and 1 (found ${v})`);
  let loss = binaryCrossEntropyElementwise(input, target instanceof Tensor ? target : Tensor.wrap(target));
  if (weight !== null) loss = mul(loss, broadcastWeight('binaryCrossEntropy', 'weight', weight, input.shape));
  return reduce(loss, reduction);
}

function broadcastWeight(op: string, name: string, weight: Tensor | RawTensor, shape: readonly number[]): Tensor {
  const offset = shape.length - weight.ndim;
  if (offset < 0 || weight.shape.some((s, i) => s !== 1 && s !== shape[offset + i])) {
    throw new ShapeError(`${op}: ${name} of shape ${shapeText(weight.shape)} does not broadcast to the input's shape ${shapeText(shape)}`);
  }
  return weight instanceof Tensor ? weight : Tensor.wrap(weight);
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term per class (broadcast along the last dim), for unbalanced data. */
  posWeight?: Tensor | RawTensor | null;
}

/**
 * Binary cross-entropy on logits, numerically stable for any x: (1 − t)·x − w_p·log σ(x), with
 * log σ(x) = min(x, 0) − log1p(e^−|x|) and w_p = (posWeight − 1)·t + 1 (PyTorch's formula).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor | RawTensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const { reduction = 'mean', weight = null, posWeight = null } = options;
  checkReduction('binaryCrossEntropyWithLogits', reduction);
  if (!sameShape(target.shape, input.shape)) {
    throw new ShapeError(`binaryCrossEntropyWithLogits: Target size (${shapeText(target.shape)}) must be the same as input size (${shapeText(input.shape)})`);
  }
  const t = target instanceof Tensor ? target : Tensor.wrap(target);
  let logSigmoid = sub(minimum(input, 0), log1p(exp(neg(abs(input)))));
  if (posWeight !== null) logSigmoid = mul(logSigmoid, mul(sub(broadcastWeight('binaryCrossEntropyWithLogits', 'posWeight', posWeight, input.shape), 1), t).add(1));
  let loss = sub(mul(sub(1, t), input), logSigmoid);
  if (weight !== null) loss = mul(loss, broadcastWeight('binaryCrossEntropyWithLogits', 'weight', weight, input.shape));
  return reduce(loss, reduction);
}

/** Options of {@link klDiv}. */
export interface KlDivOptions {
  /** Default `'mean'` (over every element); `'batchmean'` divides the sum by the batch size, the true KL divergence. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence with `input` holding log-probabilities: target·(log target − input)
 * elementwise (0 where target is 0), or e^target·(target − input) with `logTarget`.
 */
export function klDiv(input: Tensor, target: Tensor | RawTensor, options: KlDivOptions = {}): Tensor {
  const { reduction = 'mean', logTarget = false } = options;
  checkReduction('klDiv', reduction, [...REDUCTIONS, 'batchmean']);
  const t = target instanceof Tensor ? target : Tensor.wrap(target);
  let loss: Tensor;
  if (logTarget) {
    loss = mul(exp(t), sub(t, input));
  } else {
    // xlogy(t, t): 0 where t = 0, computed so that neither branch produces NaN there.
    const zero = t.eq(0);
    loss = sub(where(zero, 0, mul(t, log(where(zero, 1, t)))), mul(t, input));
  }
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]!);
  return reduce(loss, reduction);
}
