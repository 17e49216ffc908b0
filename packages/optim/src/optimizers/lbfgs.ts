import { enableGrad, RawTensor, scalarTensor, Tensor } from '@torchlet/nn';
import { OptimError } from '../optim-error.js';
import { Optimizer, type ParamGroup, type ParamGroupInput } from '../optimizer.js';
import { checkNonNegative, type FloatArray, gradData, paramData, stateData } from './common.js';
import { absMax, dot, type Num, Scalar0d, ScalarMath, strongWolfe } from './strong-wolfe.js';

/** LBFGS's hyperparameters (PyTorch's names in camelCase). */
export interface LBFGSOptions extends Record<string, unknown> {
  lr: number;
  /** Iterations per `step()`. */
  maxIter: number;
  /** Loss evaluations per `step()`; null means ⌊maxIter · 5/4⌋. */
  maxEval: number | null;
  /** Stop when max |g| ≤ this. */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this. */
  toleranceChange: number;
  /** How many (s, y) pairs the inverse-Hessian approximation keeps. */
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

/**
 * The L-BFGS direction d = −H·g by the two-loop recursion (Nocedal, 1980), in place on flat arrays:
 *
 * q ← −g;  for i = k−1 … 0: αᵢ ← ρᵢ sᵢ·q, q ← q − αᵢyᵢ;  r ← H₀q;  for i = 0 … k−1: βᵢ ← ρᵢ yᵢ·r, r ← r + (αᵢ − βᵢ)sᵢ.
 *
 * `dirs` are the yᵢ (gradient changes), `steps` the sᵢ (parameter changes), `ro` the ρᵢ = 1/(yᵢ·sᵢ),
 * `hDiag` the scale H₀ = (y·s)/(y·y) of the latest pair; `al` receives the αᵢ. Scalars follow
 * PyTorch's rounding (`math`), multiply-adds are fused as its kernels are.
 */
export function lbfgsDirection(math: ScalarMath, grad: FloatArray, dirs: FloatArray[], steps: FloatArray[], ro: Num[], hDiag: Num, al: Num[]): FloatArray {
  const q = grad.map((g) => -g) as FloatArray;
  for (let i = dirs.length - 1; i >= 0; i--) {
    al[i] = math.mul(dot(math, steps[i]!, q), ro[i]!);
    addScaled(q, dirs[i]!, math.round(-math.value(al[i]!)));
  }
  const h = math.round(math.value(hDiag));
  const r = q.map((v) => v * h) as FloatArray;
  for (let i = 0; i < dirs.length; i++) {
    const be = math.mul(dot(math, dirs[i]!, r), ro[i]!);
    addScaled(r, steps[i]!, math.round(math.value(math.sub(al[i]!, be))));
  }
  return r;
}

/** `out ← out + alpha·x`, one rounding per element (a fused multiply-add, as PyTorch's `add_(x, alpha=…)`). */
function addScaled(out: FloatArray, x: FloatArray, alpha: number): void {
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + alpha * x[i]!;
}

/** `x · t`, elementwise, with `t` cast to the vector's dtype. */
function scaled(math: ScalarMath, x: FloatArray, t: Num): FloatArray {
  const s = math.round(math.value(t));
  return x.map((v) => v * s) as FloatArray;
}

/** PyTorch's `min(1, 1 / sum |g|) · lr`: the first iteration's step, short when the gradient is large. */
function firstStep(math: ScalarMath, grad: FloatArray, lr: number): Num {
  let sum = 0;
  for (let i = 0; i < grad.length; i++) sum += Math.abs(grad[i]!);
  return math.mul(math.min(1, math.div(1, math.tensor(sum))), lr);
}

/**
 * L-BFGS (Liu & Nocedal, 1989, "On the limited memory BFGS method for large scale optimization"),
 * as PyTorch's `torch.optim.LBFGS` (after minFunc): each `step(closure)` runs up to `maxIter`
 * quasi-Newton iterations on all parameters flattened into one vector, calling the closure to
 * re-evaluate the loss and gradient, with a fixed step `lr` or a strong-Wolfe line search
 * (`lineSearchFn: 'strong_wolfe'`). One parameter group only. All state lives in the state of the
 * first parameter, with PyTorch's keys: `func_evals`, `n_iter`, `d`, `t`, `old_dirs`, `old_stps`,
 * `ro`, `H_diag`, `prev_flat_grad`, `prev_loss`, `al`. Vectors are kept in the parameters' dtype,
 * as PyTorch does.
 *
 * @example
 * ```ts
 * const optimizer = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * const loss = optimizer.step(() => {
 *   optimizer.zeroGrad();
 *   const l = f(x);
 *   l.backward();
 *   return l;
 * });
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  #closure: (() => number | RawTensor) | undefined;
  #loss = Number.NaN;

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<LBFGSOptions>>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? 20;
    const defaults: LBFGSOptions = { lr: 1, maxIter, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null, ...options };
    defaults.maxEval ??= Math.floor((maxIter * 5) / 4);
    super(params, defaults);
    if (this.paramGroups.length !== 1) throw new OptimError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  protected override validate(group: LBFGSOptions): void {
    checkNonNegative('learning rate', group.lr);
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations, calling `closure` (which must zero the gradients,
   * compute the loss, call `backward()` and return the loss) whenever it needs the loss and
   * gradient. Returns the loss of the first call, as PyTorch does. Step hooks and `stepCount`
   * behave as for every optimizer.
   */
  override step(closure?: () => number | RawTensor): number {
    if (closure === undefined) throw new OptimError("LBFGS.step() missing 1 required positional argument: 'closure'");
    this.#closure = closure;
    this.#loss = Number.NaN;
    try {
      super.step();
    } finally {
      this.#closure = undefined;
    }
    return this.#loss;
  }

  protected updateGroup(group: ParamGroup<LBFGSOptions>): void {
    if (this.paramGroups.length !== 1) throw new OptimError("LBFGS doesn't support per-parameter options (parameter groups)");
    const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);
    const closure = this.#closure!;
    const params = group.params;
    const dtype = params.every((p) => p.dtype === 'float32') ? 'float32' : 'float64';
    const math = new ScalarMath(dtype === 'float32' ? Math.fround : (x) => x);
    const numel = params.reduce((n, p) => n + p.numel(), 0);

    const evaluate = (): number => {
      const value = enableGrad(closure);
      return typeof value === 'number' ? value : Number(value.item());
    };
    const flatGrad = (): FloatArray => {
      const out = dtype === 'float32' ? new Float32Array(numel) : new Float64Array(numel);
      let offset = 0;
      for (const p of params) {
        if (p.grad !== null) out.set(gradData(p), offset);
        offset += p.numel();
      }
      return out;
    };
    const flatParams = (): FloatArray => {
      const out = dtype === 'float32' ? new Float32Array(numel) : new Float64Array(numel);
      let offset = 0;
      for (const p of params) {
        out.set(paramData('LBFGS', p), offset);
        offset += p.numel();
      }
      return out;
    };
    const setParams = (x: FloatArray): void => {
      let offset = 0;
      for (const p of params) {
        paramData('LBFGS', p).set(x.subarray(offset, offset + p.numel()));
        offset += p.numel();
        p.bumpVersion();
      }
    };
    // θ ← θ + t·d, fused per element as PyTorch's `p.add_(d, alpha=t)`.
    const addStep = (t: Num, d: FloatArray): void => {
      const alpha = math.round(math.value(t));
      let offset = 0;
      for (const p of params) {
        const data = paramData('LBFGS', p);
        for (let i = 0; i < data.length; i++) data[i] = data[i]! + alpha * d[offset + i]!;
        offset += p.numel();
        p.bumpVersion();
      }
    };
    const vector = (x: FloatArray): Tensor => Tensor.wrap(RawTensor.fromData(x, [x.length], dtype));
    // Scalars that are 0-d tensors in PyTorch are stored as 0-d tensors; absent ones (None) as null.
    const scalar = (x: Num | null): number | Tensor | null => (x instanceof Scalar0d ? scalarTensor(x.value, dtype) : x);
    const read = (x: unknown): Num | null => (x instanceof Tensor ? new Scalar0d(Number(x.item())) : ((x as number | undefined) ?? null));

    // LBFGS's state is global; it is kept as the first parameter's so that state dicts carry it.
    const state = this.stateOf(params[0]!, () => ({}));
    state['func_evals'] ??= 0;
    state['n_iter'] ??= 0;

    let loss = evaluate();
    this.#loss = loss;
    let currentEvals = 1;
    state['func_evals'] = (state['func_evals'] as number) + 1;
    let g = flatGrad();
    if (math.le(absMax(g), toleranceGrad)) return;

    let d = state['d'] == null ? null : stateData(state['d'] as Tensor);
    let t = read(state['t']);
    const oldDirs = (state['old_dirs'] as Tensor[] | undefined) ?? [];
    const oldStps = (state['old_stps'] as Tensor[] | undefined) ?? [];
    const ro = (state['ro'] as Tensor[] | undefined) ?? [];
    let hDiag = read(state['H_diag']);
    let prevFlatGrad = (state['prev_flat_grad'] as Tensor | undefined) ?? null;
    let prevLoss = state['prev_loss'] as number | undefined;

    let n = 0;
    while (n < maxIter) {
      n++;
      const iteration = (state['n_iter'] as number) + 1;
      state['n_iter'] = iteration;
      if (iteration === 1) {
        d = g.map((v) => -v) as FloatArray;
        oldDirs.length = oldStps.length = ro.length = 0;
        hDiag = 1;
      } else {
        const previous = stateData(prevFlatGrad!);
        const y = g.map((v, i) => v - previous[i]!) as FloatArray;
        const s = scaled(math, d!, t!);
        const ys = dot(math, y, s);
        if (math.gt(ys, 1e-10)) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(vector(y));
          oldStps.push(vector(s));
          ro.push(scalar(math.div(1, ys)) as Tensor);
          hDiag = math.div(ys, dot(math, y, y));
        }
        state['al'] ??= new Array<Tensor | null>(historySize).fill(null);
        const al = state['al'] as (Tensor | null)[];
        const alphas: Num[] = [];
        d = lbfgsDirection(math, g, oldDirs.map(stateData), oldStps.map(stateData), ro.map((r) => read(r)!), hDiag!, alphas);
        alphas.forEach((a, i) => (al[i] = scalar(a) as Tensor));
      }
      if (prevFlatGrad === null) prevFlatGrad = vector(g.slice());
      else stateData(prevFlatGrad).set(g);
      prevLoss = loss;

      t = iteration === 1 ? firstStep(math, g, lr) : lr;
      const gtd = dot(math, g, d!);
      if (math.gt(gtd, -toleranceChange)) break;

      let lsEvals = 0;
      let optimal = false;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strong_wolfe') throw new OptimError("only 'strong_wolfe' is supported");
        const x0 = flatParams();
        const objective = (x: FloatArray, step: Num, direction: FloatArray): [number, FloatArray] => {
          addStep(step, direction);
          const value = evaluate();
          const grad = flatGrad();
          setParams(x);
          return [value, grad];
        };
        // PyTorch 2.x lets the line search use what is left of the evaluation budget.
        const found = strongWolfe(math, objective, x0, t, d!, loss, g, gtd, { maxLs: maxEval - currentEvals });
        ({ loss, grad: g, t, evals: lsEvals } = found);
        addStep(t, d!);
        optimal = math.le(absMax(g), toleranceGrad);
      } else {
        addStep(t, d!);
        // The last iteration does not re-evaluate: in a stochastic setting it would be wasted.
        if (n !== maxIter) {
          loss = evaluate();
          g = flatGrad();
          optimal = math.le(absMax(g), toleranceGrad);
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state['func_evals'] = (state['func_evals'] as number) + lsEvals;

      if (n === maxIter || currentEvals >= maxEval || optimal) break;
      if (math.le(absMax(scaled(math, d!, t)), toleranceChange)) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    state['d'] = d === null ? null : vector(d);
    state['t'] = scalar(t);
    state['old_dirs'] = oldDirs;
    state['old_stps'] = oldStps;
    state['ro'] = ro;
    state['H_diag'] = scalar(hDiag);
    state['prev_flat_grad'] = prevFlatGrad;
    state['prev_loss'] = prevLoss ?? null;
  }
}
