import type { Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, decaySetup, type FloatArray, gradData, incrementStep, paramData, stateData, stepTensor, zerosLikeParam } from './common.js';
import { identity } from './rounding.js';
import { runFloat32Kernel } from './wasm/kernels.js';

/** Adadelta's hyperparameters (PyTorch's names in camelCase). */
export interface AdadeltaOptions extends Record<string, unknown> {
  /** Scales the step; Adadelta needs none, so it is 1 by default. */
  lr: number;
  /** The decay ρ of both running averages. */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** The scalars of an Adadelta step, each rounded by `round` as PyTorch's ops round them. */
function adadeltaConstants(o: AdadeltaOptions, round: (v: number) => number) {
  const { sign, weightDecay, coupled } = decaySetup(o, round);
  return { sign, weightDecay, coupled, rho: round(o.rho), weight: round(1 - o.rho), eps: round(o.eps), negativeLr: round(-o.lr) };
}

/**
 * One Adadelta step on flat arrays, in place:
 *
 * g ← ±g + λθ;  v ← ρv + (1 − ρ)g²;  Δ ← √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − γΔ.
 *
 * `squareAvg` is v, `accDelta` is u. Each operation is rounded to the parameter's dtype, in
 * PyTorch's order. Float32 arrays run in the WebAssembly kernel where the runtime has it (see
 * `wasm/kernels.ts`), else in {@link adadeltaFloat32Loop}, which gives the same bits; float64 ones
 * in a loop in doubles.
 */
export function adadeltaUpdate(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, accDelta: FloatArray, o: AdadeltaOptions): void {
  if (!(param instanceof Float32Array)) {
    adadeltaFloat64Loop(param, grad, squareAvg, accDelta, o);
    return;
  }
  const c = adadeltaConstants(o, Math.fround);
  const ran = runFloat32Kernel([param, grad, squareAvg, accDelta], (kernels, n) => kernels.adadelta(n, c.sign, c.weightDecay, c.rho, c.weight, c.eps, c.negativeLr, Number(c.coupled)));
  if (!ran) adadeltaFloat32Loop(param, grad, squareAvg, accDelta, o);
}

// Both loops run in blocks, each reading the options again, so that V8 compiles them with full
// type feedback, and the float32 one calls Math.fround by name (see adam.ts).

/**
 * {@link adadeltaUpdate} on float32 arrays in TypeScript, each operation rounded to float32: the
 * WebAssembly kernel's twin, for runtimes without it and for its tests.
 */
export function adadeltaFloat32Loop(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, accDelta: FloatArray, o: AdadeltaOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, rho, weight, eps, negativeLr } = adadeltaConstants(o, Math.fround);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g = Math.fround(g + Math.fround(weightDecay * x));
      const v = Math.fround(Math.fround(squareAvg[i]! * rho) + Math.fround(Math.fround(weight * g) * g));
      squareAvg[i] = v;
      const u = accDelta[i]!;
      const std = Math.fround(Math.sqrt(Math.fround(v + eps)));
      const delta = Math.fround(Math.fround(Math.fround(Math.sqrt(Math.fround(u + eps))) / std) * g);
      accDelta[i] = Math.fround(u * rho) + Math.fround(Math.fround(weight * delta) * delta);
      param[i] = x + Math.fround(negativeLr * delta);
    }
  }
}

/** {@link adadeltaUpdate} on float64 arrays, in doubles. */
function adadeltaFloat64Loop(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, accDelta: FloatArray, o: AdadeltaOptions): void {
  for (let start = 0; start < param.length; start += 16_384) {
    const { sign, weightDecay, coupled, rho, weight, eps, negativeLr } = adadeltaConstants(o, identity);
    for (let i = start; i < param.length && i < start + 16_384; i++) {
      const x = param[i]!;
      let g = grad[i]! * sign;
      if (coupled) g += weightDecay * x;
      const v = squareAvg[i]! * rho + weight * g * g;
      squareAvg[i] = v;
      const u = accDelta[i]!;
      const delta = (Math.sqrt(u + eps) / Math.sqrt(v + eps)) * g;
      accDelta[i] = u * rho + weight * delta * delta;
      param[i] = x + negativeLr * delta;
    }
  }
}

/**
 * Adadelta (Zeiler, 2012, "ADADELTA: An Adaptive Learning Rate Method"), as PyTorch's
 * `torch.optim.Adadelta`. State: `step`, `square_avg`, `acc_delta`.
 *
 * @example
 * ```ts
 * const optimizer = new Adadelta(model.parameters(), { rho: 0.95 });
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdadeltaOptions>>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(group: AdadeltaOptions): void {
    checkNonNegative('learning rate', group.lr);
    if (typeof group.rho !== 'number' || !(group.rho >= 0 && group.rho <= 1)) throw new OptimError(`Invalid rho value: ${String(group.rho)}`);
    checkNonNegative('epsilon value', group.eps);
    checkNonNegative('weight_decay value', group.weightDecay);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(p, 'Adadelta does not support sparse gradients');
      const state = this.stateOf(p, () => ({ step: stepTensor(), square_avg: zerosLikeParam(p), acc_delta: zerosLikeParam(p) }));
      incrementStep(state);
      adadeltaUpdate(paramData('Adadelta', p), grad, stateData(state['square_avg'] as Tensor), stateData(state['acc_delta'] as Tensor), group);
      p.bumpVersion();
    }
  }
}
