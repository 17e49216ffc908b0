import type { FloatArray } from './common.js';

/**
 * The value of a 0-d tensor, as opposed to a plain number. PyTorch's LBFGS mixes the two: dot
 * products and everything computed from them are 0-d tensors in the parameters' dtype, while
 * losses, `lr` and the line search's bookkeeping are Python floats (doubles). Reproducing which
 * is which keeps the trajectory (and the state dict, where `t` and `H_diag` may be either) on
 * PyTorch's, bit for bit in most steps.
 */
export class Scalar0d {
  constructor(readonly value: number) {}
}

/** A number as PyTorch's LBFGS holds it: a Python float or a 0-d tensor. */
export type Num = number | Scalar0d;

/**
 * Arithmetic with PyTorch's mixed scalar semantics: number ∘ number is double arithmetic; as soon
 * as a 0-d tensor takes part, the number is cast to the tensor's dtype and the result is rounded
 * to it (`round` is `Math.fround` for float32 parameters). Comparisons follow the same rule.
 */
export class ScalarMath {
  constructor(readonly round: (x: number) => number) {}

  /** A 0-d tensor holding `x` (rounded to the dtype). */
  tensor(x: number): Scalar0d {
    return new Scalar0d(this.round(x));
  }

  /** The value of `x`, as a double. */
  value(x: Num): number {
    return typeof x === 'number' ? x : x.value;
  }

  add(a: Num, b: Num): Num {
    return this.#binary(a, b, (x, y) => x + y);
  }

  sub(a: Num, b: Num): Num {
    return this.#binary(a, b, (x, y) => x - y);
  }

  mul(a: Num, b: Num): Num {
    return this.#binary(a, b, (x, y) => x * y);
  }

  /** `a / b`; a number over a tensor is `b.reciprocal() * a`, as Python's `__rtruediv__` computes it. */
  div(a: Num, b: Num): Num {
    if (typeof a === 'number' && b instanceof Scalar0d) return this.mul(this.tensor(1 / b.value), a);
    return this.#binary(a, b, (x, y) => x / y);
  }

  abs(a: Num): Num {
    return typeof a === 'number' ? Math.abs(a) : new Scalar0d(Math.abs(a.value));
  }

  sqrt(a: Num): Num {
    return typeof a === 'number' ? Math.sqrt(a) : this.tensor(Math.sqrt(a.value));
  }

  gt(a: Num, b: Num): boolean {
    const [x, y] = this.#operands(a, b);
    return x > y;
  }

  ge(a: Num, b: Num): boolean {
    const [x, y] = this.#operands(a, b);
    return x >= y;
  }

  lt(a: Num, b: Num): boolean {
    return this.gt(b, a);
  }

  le(a: Num, b: Num): boolean {
    return this.ge(b, a);
  }

  /** Python's `max(a, b)`: `b` only when `b > a`, so ties keep `a` (and its kind). */
  max(a: Num, b: Num): Num {
    return this.gt(b, a) ? b : a;
  }

  /** Python's `min(a, b)`: `b` only when `b < a`. */
  min(a: Num, b: Num): Num {
    return this.lt(b, a) ? b : a;
  }

  #operands(a: Num, b: Num): [number, number] {
    if (typeof a === 'number' && typeof b === 'number') return [a, b];
    return [typeof a === 'number' ? this.round(a) : a.value, typeof b === 'number' ? this.round(b) : b.value];
  }

  #binary(a: Num, b: Num, f: (x: number, y: number) => number): Num {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    const [x, y] = this.#operands(a, b);
    return this.tensor(f(x, y));
  }
}

/**
 * `x · y` as a 0-d tensor, accumulated in order in the dtype: each product rounded, then each sum,
 * which is what PyTorch's CPU `dot` (BLAS `sdot`) gives on these short vectors, bit for bit.
 */
export function dot(math: ScalarMath, x: FloatArray, y: FloatArray): Scalar0d {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum = math.round(sum + math.round(x[i]! * y[i]!));
  return new Scalar0d(sum);
}

/** `max |x|` as a 0-d tensor (−∞ for an empty vector, where PyTorch raises). */
export function absMax(x: FloatArray): Scalar0d {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return new Scalar0d(m);
}

/**
 * The minimiser of the cubic through (x₁, f₁) and (x₂, f₂) with slopes g₁, g₂, clamped to
 * `bounds` (default: between x₁ and x₂); the middle of the bounds when the cubic has no minimum:
 *
 * d₁ = g₁ + g₂ − 3(f₁ − f₂)/(x₁ − x₂);  d₂ = √(d₁² − g₁g₂);
 * x = x₂ − (x₂ − x₁)(g₂ + d₂ − d₁)/(g₂ − g₁ + 2d₂)   (mirrored when x₁ > x₂).
 *
 * PyTorch's `_cubic_interpolate`, from minFunc's `polyinterp`.
 */
export function cubicInterpolate(math: ScalarMath, x1: Num, f1: Num, g1: Num, x2: Num, f2: Num, g2: Num, bounds?: [Num, Num]): Num {
  const [lower, upper] = bounds ?? (math.le(x1, x2) ? [x1, x2] : [x2, x1]);
  const d1 = math.sub(math.add(g1, g2), math.div(math.mul(3, math.sub(f1, f2)), math.sub(x1, x2)));
  const d2Square = math.sub(math.mul(d1, d1), math.mul(g1, g2));
  if (!math.ge(d2Square, 0)) return math.div(math.add(lower, upper), 2);
  const d2 = math.sqrt(d2Square);
  const minPos = math.le(x1, x2)
    ? math.sub(x2, math.mul(math.sub(x2, x1), math.div(math.sub(math.add(g2, d2), d1), math.add(math.sub(g2, g1), math.mul(2, d2)))))
    : math.sub(x1, math.mul(math.sub(x1, x2), math.div(math.sub(math.add(g1, d2), d1), math.add(math.sub(g1, g2), math.mul(2, d2)))));
  return math.min(math.max(minPos, lower), upper);
}

/** Evaluates the loss and its flat gradient at x + t·d (leaving the parameters at x). */
export type DirectionalObjective = (x: FloatArray, t: Num, d: FloatArray) => [loss: number, grad: FloatArray];

/** What {@link strongWolfe} found: the accepted step `t`, the loss and gradient there, and how many evaluations it used. */
export interface LineSearchResult {
  loss: number;
  grad: FloatArray;
  t: Num;
  evals: number;
}

/** Constants of the strong Wolfe conditions and the search's limits (PyTorch's defaults). */
export interface StrongWolfeOptions {
  /** Sufficient decrease: f(t) ≤ f + c₁·t·gtd. */
  c1?: number;
  /** Curvature: |g(t)·d| ≤ −c₂·gtd. */
  c2?: number;
  toleranceChange?: number;
  /** Maximum evaluations after the first. */
  maxLs?: number;
}

/**
 * A line search for a step t along `d` from `x` satisfying the strong Wolfe conditions
 * (Nocedal & Wright, "Numerical Optimization", Algorithms 3.5 and 3.6), as PyTorch's
 * `_strong_wolfe` (ported from Torch7's `lswolfe`): a bracketing phase that extrapolates with
 * {@link cubicInterpolate} until an interval holds an acceptable step, then a zoom phase that
 * shrinks it, keeping trial points at least 10% of the interval away from its ends. `f`, `g` and
 * `gtd` are the loss, gradient and directional derivative at x; returns the best point found.
 */
export function strongWolfe(math: ScalarMath, objective: DirectionalObjective, x: FloatArray, t: Num, d: FloatArray, f: number, g: FloatArray, gtd: Num, options: StrongWolfeOptions = {}): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25 } = options;
  const dNorm = absMax(d);
  let [fNew, gNew] = objective(x, t, d);
  let evals = 1;
  let gtdNew: Num = dot(math, gNew, d);
  const armijoFails = (step: Num, loss: number) => math.gt(loss, math.add(f, math.mul(math.mul(c1, step), gtd)));
  const curvatureHolds = (slope: Num) => math.le(math.abs(slope), math.mul(-c2, gtd));

  // Bracketing: grow t until [t_prev, t] holds a point satisfying the conditions.
  let tPrev: Num = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev: Num = gtd;
  let bracket: Num[] = [];
  let bracketF: number[] = [];
  let bracketG: FloatArray[] = [];
  let bracketGtd: Num[] = [];
  let done = false;
  let lsIter = 0;
  while (lsIter < maxLs) {
    if (armijoFails(t, fNew) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (curvatureHolds(gtdNew)) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (math.ge(gtdNew, 0)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = math.add(t, math.mul(0.01, math.sub(t, tPrev)));
    const maxStep = math.mul(t, 10);
    const previous = t;
    t = cubicInterpolate(math, tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [previous, fNew, gNew, gtdNew];
    [fNew, gNew] = objective(x, t, d);
    evals++;
    gtdNew = dot(math, gNew, d);
    lsIter++;
  }
  if (lsIter >= maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  // Zoom: shrink the bracket until its low end satisfies the conditions.
  let insufficientProgress = false;
  let [low, high] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (math.lt(math.mul(math.abs(math.sub(bracket[1]!, bracket[0]!)), dNorm), toleranceChange)) break;
    t = cubicInterpolate(math, bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // A trial point hugging an end of the bracket makes little progress: pull it 10% inside.
    const top = math.max(bracket[0]!, bracket[1]!);
    const bottom = math.min(bracket[0]!, bracket[1]!);
    const eps = math.mul(0.1, math.sub(top, bottom));
    if (math.lt(math.min(math.sub(top, t), math.sub(t, bottom)), eps)) {
      if (insufficientProgress || math.ge(t, top) || math.le(t, bottom)) {
        t = math.lt(math.abs(math.sub(t, top)), math.abs(math.sub(t, bottom))) ? math.sub(top, eps) : math.add(bottom, eps);
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    [fNew, gNew] = objective(x, t, d);
    evals++;
    gtdNew = dot(math, gNew, d);
    lsIter++;
    if (armijoFails(t, fNew) || fNew >= bracketF[low]!) {
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(gtdNew)) done = true;
      else if (math.ge(math.mul(gtdNew, math.sub(bracket[high]!, bracket[low]!)), 0)) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low]!, bracketF[low]!, bracketG[low]!, bracketGtd[low]!];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return { loss: bracketF[low]!, grad: bracketG[low]!, t: bracket[low]!, evals };
}
