import { type Tensor, zeros } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';

/** The float arrays optimizer kernels work on. */
export type FloatArray = Float32Array | Float64Array;

/**
 * A parameter's elements as a writable typed array (a window onto its storage, no copy).
 * Parameters are contiguous leaves in practice; a strided one is refused rather than updated wrongly.
 */
export function paramData(op: string, p: Tensor): FloatArray {
  if (!p.isContiguous()) throw new OptimError(`${op}: parameters must be contiguous, got a strided tensor of shape [${p.shape.join(', ')}]`);
  if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new OptimError(`${op}: parameters must be float32 or float64, got ${p.dtype}`);
  return p.storage.data.subarray(p.offset, p.offset + p.numel()) as FloatArray;
}

/**
 * A parameter's gradient as a typed array (copied only when strided). Sparse gradients are dense
 * tensors too, so optimizers that accept them (SGD) read them here; the others pass the message
 * PyTorch raises for them.
 */
export function gradData(p: Tensor, sparseMessage?: string): FloatArray {
  const g = p.grad!;
  if (g.isSparse && sparseMessage !== undefined) throw new OptimError(sparseMessage);
  const c = g.isContiguous() ? g : g.contiguous();
  const data = c.storage.data.subarray(c.offset, c.offset + c.numel()) as FloatArray;
  return data;
}

/** A state tensor's elements (state tensors are created contiguous). */
export function stateData(t: Tensor): FloatArray {
  return t.storage.data.subarray(t.offset, t.offset + t.numel()) as FloatArray;
}

/** Zeros shaped and typed like `p`, for a state buffer. */
export function zerosLikeParam(p: Tensor): Tensor {
  return zeros([...p.shape], { dtype: p.dtype });
}

/** PyTorch 2.x keeps `step` as a 0-d float32 tensor. */
export function stepTensor(): Tensor {
  return zeros([], { dtype: 'float32' });
}

/** Increments a state's `step` tensor and returns the new count t (the first step has t = 1). */
export function incrementStep(state: Record<string, unknown>): number {
  const step = state['step'] as Tensor;
  step.storage.data[step.offset]! += 1;
  step.bumpVersion();
  return step.storage.data[step.offset]!;
}

/** Throws PyTorch's "Invalid … value" error unless `value` ≥ 0 (or > 0 when `strict`). */
export function checkNonNegative(label: string, value: unknown, strict = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (strict && value === 0)) {
    throw new OptimError(`Invalid ${label}: ${String(value)}`);
  }
}

/** Checks PyTorch's `0 <= beta < 1` for both betas. */
export function checkBetas(betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new OptimError(`Invalid betas: ${String(betas)} (expected a pair)`);
  betas.forEach((beta, i) => {
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) throw new OptimError(`Invalid beta parameter at index ${i}: ${String(beta)}`);
  });
}

/** Checks Adam-family options (lr, eps, betas, weight decay) with PyTorch's messages. */
export function validateAdam(group: { lr: number; eps: number; betas: unknown; weightDecay: number }): void {
  checkNonNegative('learning rate', group.lr);
  checkNonNegative('epsilon value', group.eps);
  checkBetas(group.betas);
  checkNonNegative('weight_decay value', group.weightDecay);
}

/**
 * The per-block set-up of the gradient and weight decay, with scalars rounded by `round` (to the
 * parameter's dtype, as PyTorch converts a Python float for a float32 tensor op): `sign` is −1
 * when maximizing (g ← −g is exact either way), `decay` = 1 − γλ for the decoupled form
 * θ ← θ(1 − γλ), `coupled` for the L2 term g ← g + λθ (neither when λ = 0). Flags are booleans, so
 * the update loops branch on them without converting them each time.
 */
export function decaySetup(
  o: { lr: number; weightDecay: number; maximize: boolean; decoupledWeightDecay?: boolean },
  round: (v: number) => number,
): { sign: number; decay: number; weightDecay: number; decoupled: boolean; coupled: boolean } {
  const { lr, weightDecay } = o;
  const decoupled = weightDecay !== 0 && Boolean(o.decoupledWeightDecay);
  return { sign: o.maximize ? -1 : 1, decay: round(1 - lr * weightDecay), weightDecay: round(weightDecay), decoupled, coupled: weightDecay !== 0 && !decoupled };
}

/**
 * PyTorch's CPU `lerp(start, end, w)` with a scalar weight, as base + c·(end − start): base is
 * start and c = w for |w| < 0.5 (`lerpSmall`), else base is end and c = w − 1, exact at w = 1.
 * (PyTorch fuses that multiply-add; the loops round the product first, as the wasm kernels must.)
 */
export function lerpSetup(weight: number, round: (v: number) => number): { lerpSmall: boolean; lerpCoefficient: number } {
  const w = round(weight);
  const lerpSmall = Math.abs(w) < 0.5;
  return { lerpSmall, lerpCoefficient: lerpSmall ? w : round(w - 1) };
}

/**
 * One element of the float32 first moment, `exp_avg.lerp_(g, 1 − β₁)`, with the coefficients of
 * {@link lerpSetup}; each operation rounded to float32, as the WebAssembly kernels compute it.
 */
export function firstMomentFloat32(m0: number, g: number, lerpSmall: boolean, lerpCoefficient: number): number {
  return Math.fround((lerpSmall ? m0 : g) + Math.fround(lerpCoefficient * Math.fround(g - m0)));
}

/** One element of the float32 second moment, `exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂)`. */
export function secondMomentFloat32(v0: number, g: number, beta2: number, weight2: number): number {
  return Math.fround(Math.fround(v0 * beta2) + Math.fround(Math.fround(weight2 * g) * g));
}
