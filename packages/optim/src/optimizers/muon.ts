import { fromRaw, RawTensor, type Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { type FloatArray, gradData, paramData, stateData, zerosLikeParam } from './common.js';
import { lerp, roundingFor, roundToBfloat16 } from './rounding.js';

/** Muon's hyperparameters (PyTorch's names in camelCase). */
export interface MuonOptions extends Record<string, unknown> {
  lr: number;
  /** Decoupled weight decay λ: θ ← θ(1 − γλ). */
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  /** The quintic's coefficients (a, b, c): X ← aX + (bA + cA²)X with A = XXᵀ. */
  nsCoefficients: [number, number, number];
  /** Floor of the Frobenius norm the input is divided by. */
  eps: number;
  /** Newton–Schulz iterations (fewer than 100). */
  nsSteps: number;
  /** Learning-rate scaling by shape [A, B]: null or `'original'` √max(1, A/B); `'match_rms_adamw'` 0.2·√max(A, B). */
  adjustLrFn: null | 'original' | 'match_rms_adamw';
}

const bf16 = roundToBfloat16;
const f32 = Math.fround;

/**
 * `out = bf16(β·out + X·Y)` for X [m, k] and Y [k, n] (row-major), with PyTorch's CPU bfloat16
 * GEMM arithmetic: products and sums in float32, one bfloat16 rounding of each result.
 * `yTransposed` reads Y as Xᵀ from an [n, k] array. β = 0 ignores `out`'s contents.
 */
function bf16Gemm(x: Float32Array, y: Float32Array, out: Float32Array, m: number, k: number, n: number, beta: number, alpha: number, yTransposed: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let l = 0; l < k; l++) dot = f32(dot + x[i * k + l]! * (yTransposed ? y[j * k + l]! : y[l * n + j]!));
      const prior = beta === 0 ? 0 : f32(beta * out[i * n + j]!);
      out[i * n + j] = bf16(prior + f32(alpha * dot));
    }
  }
}

/**
 * Newton–Schulz orthogonalisation on a flat row-major [rows, cols] matrix, as PyTorch's
 * `_zeropower_via_newtonschulz`: in bfloat16 (the values returned are bfloat16 numbers held in a
 * Float32Array), transposed to wide form when rows > cols, divided by max(‖G‖_F, ε), then `steps`
 * times A ← XXᵀ, B ← bA + cA², X ← aX + BX.
 */
export function newtonSchulz(grad: ArrayLike<number>, rows: number, cols: number, coefficients: readonly number[], steps: number, eps: number): Float32Array {
  const [a, b, c] = coefficients.map(f32) as [number, number, number];
  const transposed = rows > cols;
  const [m, n] = transposed ? [cols, rows] : [rows, cols];
  let x = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) x[i * n + j] = bf16(transposed ? grad[j * cols + i]! : grad[i * cols + j]!);
  let sumSquares = 0;
  for (let i = 0; i < x.length; i++) sumSquares = f32(sumSquares + x[i]! * x[i]!);
  const norm = Math.max(bf16(Math.sqrt(sumSquares)), bf16(eps));
  for (let i = 0; i < x.length; i++) x[i] = bf16(x[i]! / norm);
  const gram = new Float32Array(m * m);
  const update = new Float32Array(m * m);
  let next = new Float32Array(m * n);
  for (let s = 0; s < steps; s++) {
    bf16Gemm(x, x, gram, m, n, m, 0, 1, true);
    update.set(gram);
    bf16Gemm(gram, gram, update, m, m, m, b, c, false);
    next.set(x);
    bf16Gemm(update, x, next, m, m, n, a, 1, false);
    [x, next] = [next, x];
  }
  if (!transposed) return x;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * cols + i] = x[i * n + j]!;
  return out;
}

/** PyTorch's checks of `_zeropower_via_newtonschulz`'s arguments. */
function checkNewtonSchulz(ndim: number, coefficients: readonly number[], steps: number): void {
  if (steps >= 100) throw new OptimError('Number of steps must be less than 100 for computational efficiency');
  if (ndim !== 2) throw new OptimError('Input tensor gradient must be a 2D matrix');
  if (coefficients.length !== 3) throw new OptimError('Coefficients must be a tuple of exactly 3 values');
}

/**
 * The zeroth power (orthogonalisation) of a 2-D tensor by `steps` quintic Newton–Schulz
 * iterations, PyTorch's `_zeropower_via_newtonschulz`: roughly U·S′·Vᵀ for G = U·S·Vᵀ, with
 * S′ᵢᵢ in about (0.5, 1.5). PyTorch computes it in bfloat16; torchlet has no bfloat16 dtype, so
 * the result is a float32 tensor holding the same bfloat16 values.
 *
 * @example
 * ```ts
 * const o = zeropowerViaNewtonSchulz(randn(3, 4), [3.4445, -4.775, 2.0315], 5, 1e-7);
 * o.matmul(o.t()); // ≈ the identity, to within the quintic's spread
 * ```
 */
export function zeropowerViaNewtonSchulz(grad: Tensor, coefficients: readonly number[], steps: number, eps: number): Tensor {
  checkNewtonSchulz(grad.ndim, coefficients, steps);
  const [rows, cols] = grad.shape as [number, number];
  const values = newtonSchulz(grad.contiguous().toTypedArray() as ArrayLike<number>, rows, cols, coefficients, steps, eps);
  return fromRaw(RawTensor.fromData(values, [rows, cols], 'float32'));
}

/** PyTorch's `_adjust_lr`: the learning rate scaled for a parameter of shape [A, B]. */
export function adjustLr(lr: number, adjustLrFn: MuonOptions['adjustLrFn'], shape: readonly number[]): number {
  const [A, B] = shape as [number, number];
  let ratio = 1;
  if (adjustLrFn === null || adjustLrFn === 'original') ratio = Math.sqrt(Math.max(1, A / B));
  else if (adjustLrFn === 'match_rms_adamw') ratio = 0.2 * Math.sqrt(Math.max(A, B));
  return lr * ratio;
}

/**
 * One Muon step on a flat row-major [rows, cols] parameter, in place:
 *
 * B ← μB + (1 − μ)g;  B̃ ← (1 − μ)g + μB (Nesterov) or B;  O ← NS(B̃);
 * θ ← θ(1 − γλ);  θ ← θ − γ′O, with γ′ = `adjustLr`(γ, shape).
 *
 * The momentum is PyTorch's `lerp`, so B is an exponential average, not the sum μB + g that
 * PyTorch's docstring shows.
 */
export function muonUpdate(param: FloatArray, grad: FloatArray, buffer: FloatArray, rows: number, cols: number, o: MuonOptions): void {
  const { lr, weightDecay, momentum, nesterov } = o;
  const round = roundingFor(param);
  const w = round(1 - momentum);
  const mu = round(momentum);
  const update = nesterov ? new Float64Array(param.length) : buffer;
  for (let i = 0; i < param.length; i++) {
    buffer[i] = lerp(buffer[i]!, grad[i]!, w, round);
    if (nesterov) update[i] = lerp(grad[i]!, buffer[i]!, mu, round);
  }
  const orthogonal = newtonSchulz(update, rows, cols, o.nsCoefficients, o.nsSteps, o.eps);
  const decay = round(1 - lr * weightDecay);
  const step = round(-adjustLr(lr, o.adjustLrFn, [rows, cols]));
  for (let i = 0; i < param.length; i++) {
    const decayed = round(param[i]! * decay);
    param[i] = decayed + step * orthogonal[i]!;
  }
}

/**
 * Muon (Jordan et al., 2024, "Muon: An optimizer for hidden layers in neural networks"; Liu et
 * al., 2025, "Muon is Scalable for LLM Training" for `'match_rms_adamw'`): momentum SGD whose
 * update is orthogonalised by Newton–Schulz iterations, as PyTorch's `torch.optim.Muon`. For 2-D
 * parameters only (hidden-layer weights); optimise biases and embeddings with AdamW.
 * State: `momentum_buffer`.
 *
 * @example
 * ```ts
 * const hidden = new Muon([model.fc1.weight, model.fc2.weight], { lr: 0.02 });
 * const rest = new AdamW([model.fc1.bias, model.fc2.bias], { lr: 3e-4 });
 * ```
 */
export class Muon extends Optimizer<MuonOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<MuonOptions>>, options: Partial<MuonOptions> = {}) {
    super(params, {
      lr: 1e-3,
      weightDecay: 0.1,
      momentum: 0.95,
      nesterov: true,
      nsCoefficients: [3.4445, -4.775, 2.0315],
      eps: 1e-7,
      nsSteps: 5,
      adjustLrFn: null,
      ...options,
    });
  }

  /** Adds a group, refusing any parameter that is not 2-D (PyTorch checks this at construction). */
  override addParamGroup(group: ParamGroupInput<MuonOptions>): void {
    super.addParamGroup(group);
    const added = this.paramGroups[this.paramGroups.length - 1]!;
    const wrong = added.params.find((p) => p.ndim !== 2);
    if (wrong !== undefined) {
      this.paramGroups.pop();
      throw new OptimError(`Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([${wrong.shape.join(', ')}])`);
    }
  }

  protected override validate(group: MuonOptions): void {
    if (!(group.lr >= 0)) throw new OptimError(`Learning rate should be >= 0 but is: ${String(group.lr)}`);
    if (!(group.momentum >= 0)) throw new OptimError(`momentum should be >= 0 but is: ${String(group.momentum)}`);
    if (!(group.weightDecay >= 0)) throw new OptimError(`weight decay should be >= 0 but is: ${String(group.weightDecay)}`);
    if (group.adjustLrFn !== null && group.adjustLrFn !== 'original' && group.adjustLrFn !== 'match_rms_adamw') {
      throw new OptimError(`Adjust learning rate function ${String(group.adjustLrFn)} is not supported`);
    }
  }

  protected updateGroup(group: ParamGroup<MuonOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'Muon does not support sparse gradients');
      if (p.grad.ndim !== 2) throw new OptimError('Param gradient must be a 2D matrix');
      checkNewtonSchulz(2, group.nsCoefficients, group.nsSteps);
      const state = this.stateOf(p, () => ({}));
      if (state['momentum_buffer'] === undefined) state['momentum_buffer'] = zerosLikeParam(p);
      const [rows, cols] = p.shape as [number, number];
      muonUpdate(paramData('Muon', p), grad, stateData(state['momentum_buffer'] as Tensor), rows, cols, group);
      p.bumpVersion();
    }
  }
}
