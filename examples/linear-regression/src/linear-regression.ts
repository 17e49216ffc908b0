import { functional as F, Generator, Linear, randn, SGD, type Tensor, tensor } from '@torchlet/optim';

/** The weights and bias the data are drawn from: y = 2x₀ − 3x₁ + 0.5x₂ + 1 + noise. */
export const TRUE_WEIGHTS = [2, -3, 0.5];
export const TRUE_BIAS = 1;

/** `n` points x ~ N(0, I₃) and y = x·w + b + noise·N(0, 1), shape [n, 3] and [n, 1], from a seeded generator. */
export function makeData(n: number, noise: number, seed: number): { x: Tensor; y: Tensor } {
  const generator = new Generator(seed);
  const x = randn(n, 3, { generator });
  const y = x.matmul(tensor(TRUE_WEIGHTS.map((w) => [w]))).add(TRUE_BIAS).add(randn(n, 1, { generator }).mul(noise));
  return { x, y };
}

/** What {@link fitLinear} returns. */
export interface FitResult {
  model: Linear;
  weights: number[];
  bias: number;
  /** Mean squared error before each step. */
  losses: number[];
}

/**
 * Fits `Linear(3, 1)` by full-batch SGD with momentum on the mean squared error. The layer's
 * initial weights come from the default generator, so seed it first (`manualSeed`).
 */
export function fitLinear(options: { n?: number; noise?: number; seed?: number; epochs?: number; lr?: number; momentum?: number; log?: (line: string) => void } = {}): FitResult {
  const { n = 256, noise = 0.1, seed = 0, epochs = 100, lr = 0.05, momentum = 0.9, log } = options;
  const { x, y } = makeData(n, noise, seed);
  const model = new Linear(3, 1);
  const optimizer = new SGD(model.parameters(), { lr, momentum });
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    optimizer.zeroGrad();
    const loss = F.mseLoss(model.call(x), y);
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
    if (log && (epoch === 1 || epoch % 20 === 0)) log(`epoch ${String(epoch).padStart(3)}  mse ${losses[losses.length - 1]!.toFixed(5)}`);
  }
  const weights = (model.weight.detach().tolist() as number[][])[0]!;
  const bias = Number(model.bias!.detach().item());
  return { model, weights, bias, losses };
}
