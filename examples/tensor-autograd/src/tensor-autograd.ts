import { Generator, grad, linspace, onesLike, randn, stack, type Tensor, tensor } from '@torchlet/autograd';

/** The quadratic the data come from: y = 1.5x² − 0.5x + 2 (+ noise). */
export const TRUE_COEFFICIENTS = [1.5, -0.5, 2];

/** `n` points on [−2, 2] with y = a·x² + b·x + c + noise·N(0, 1), float64, noise from a seeded generator. */
export function makeData(n: number, noise: number, seed: number): { x: Tensor; y: Tensor } {
  const [a, b, c] = TRUE_COEFFICIENTS as [number, number, number];
  const x = linspace(-2, 2, n, { dtype: 'float64' });
  const clean = x.pow(2).mul(a).add(x.mul(b)).add(c);
  return { x, y: clean.add(randn(n, { dtype: 'float64', generator: new Generator(seed) }).mul(noise)) };
}

/** Mean squared error of the quadratic with coefficients θ = [a, b, c] on (x, y). */
export function quadraticLoss(theta: Tensor, x: Tensor, y: Tensor): Tensor {
  const features = stack([x.pow(2), x, onesLike(x)], 1); // [n, 3]: x², x, 1
  return features.matmul(theta).sub(y).pow(2).mean();
}

/**
 * Gradient descent driven by the functional API: `grad(loss, θ)` returns ∂loss/∂θ instead of
 * accumulating it into `θ.grad`, so there is nothing to clear between steps, and θ is replaced
 * by a fresh leaf each step instead of updated in place.
 */
export function fitByGradientDescent(x: Tensor, y: Tensor, options: { steps?: number; lr?: number } = {}): { coefficients: number[]; losses: number[] } {
  const { steps = 2000, lr = 0.1 } = options;
  let theta = tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = quadraticLoss(theta, x, y);
    const [gradient] = grad(loss, theta);
    losses.push(Number(loss.item()));
    theta = theta.detach().sub(gradient!.mul(lr)).requiresGrad_();
  }
  return { coefficients: theta.detach().tolist() as number[], losses };
}

/**
 * The Hessian of a scalar `f(θ)`: the gradient with `createGraph: true` is itself differentiable,
 * so row i is the gradient of ∂f/∂θᵢ.
 */
export function hessian(f: (theta: Tensor) => Tensor, theta: Tensor): { gradient: Tensor; hessian: Tensor } {
  const [gradient] = grad(f(theta), theta, { createGraph: true });
  const rows = gradient!.unbind(0).map((component) => grad(component, theta, { retainGraph: true })[0]!);
  return { gradient: gradient!.detach(), hessian: stack(rows, 0).detach() };
}

/** Solves A·v = b for a small dense system by Gaussian elimination with partial pivoting. */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]!]);
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[pivot]![k]!)) pivot = i;
    [m[k], m[pivot]] = [m[pivot]!, m[k]!];
    for (let i = k + 1; i < n; i++) {
      const factor = m[i]![k]! / m[k]![k]!;
      for (let j = k; j <= n; j++) m[i]![j]! -= factor * m[k]![j]!;
    }
  }
  const v = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = m[i]![n]!;
    for (let j = i + 1; j < n; j++) sum -= m[i]![j]! * v[j]!;
    v[i] = sum / m[i]![i]!;
  }
  return v;
}

/**
 * Newton's method, θ ← θ − H⁻¹·∇loss, with H from {@link hessian}. The loss is quadratic in θ, so
 * one step lands on the least-squares solution; the rest only confirm it.
 */
export function fitByNewton(x: Tensor, y: Tensor, options: { steps?: number } = {}): { coefficients: number[]; gradientNorms: number[] } {
  const { steps = 3 } = options;
  let theta = tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true });
  const gradientNorms: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { gradient, hessian: H } = hessian((t) => quadraticLoss(t, x, y), theta);
    gradientNorms.push(Number(gradient.norm().item()));
    const delta = solve(H.tolist() as number[][], gradient.tolist() as number[]);
    theta = theta.detach().sub(tensor(delta, { dtype: 'float64' })).requiresGrad_();
  }
  gradientNorms.push(Number(grad(quadraticLoss(theta, x, y), theta)[0]!.norm().item()));
  return { coefficients: theta.detach().tolist() as number[], gradientNorms };
}

/** d²/dx² of x³ at each point of `x`, by differentiating the first derivative (made with `createGraph`). */
export function secondDerivativeOfCube(x: Tensor): Tensor {
  const input = x.detach().requiresGrad_();
  const [first] = grad(input.pow(3).sum(), input, { createGraph: true }); // 3x²
  const [second] = grad(first!.sum(), input); // 6x
  return second!;
}
