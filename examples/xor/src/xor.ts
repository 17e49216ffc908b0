import { Generator, noGrad, randn, type Tensor, tensor, zeros } from '@torchlet/autograd';

/** The four XOR cases: inputs [4, 2] and targets [4, 1]. */
export const INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]];
export const TARGETS = [0, 1, 1, 0];

/** The weights of the 2 → 4 → 1 network, each a leaf tensor that requires grad. */
export interface XorParameters {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

/** Draws the weights from a seeded generator (standard normal) and zeros the biases. */
export function initParameters(seed: number): XorParameters {
  const generator = new Generator(seed);
  return {
    w1: randn(2, 4, { generator, requiresGrad: true }),
    b1: zeros(4, { requiresGrad: true }),
    w2: randn(4, 1, { generator, requiresGrad: true }),
    b2: zeros(1, { requiresGrad: true }),
  };
}

/** P(y = 1 | x): sigmoid(tanh(x·W1 + b1)·W2 + b2), shape [n, 1]. */
export function forward(p: XorParameters, x: Tensor): Tensor {
  return x.matmul(p.w1).add(p.b1).tanh().matmul(p.w2).add(p.b2).sigmoid();
}

/** Binary cross-entropy, −mean(y·log p + (1 − y)·log(1 − p)), composed from primitive ops. */
export function binaryCrossEntropy(probability: Tensor, target: Tensor): Tensor {
  const positive = target.mul(probability.log());
  const negative = target.neg().add(1).mul(probability.neg().add(1).log());
  return positive.add(negative).mean().neg();
}

/** What {@link train} returns. */
export interface XorResult {
  parameters: XorParameters;
  /** The loss before each update. */
  losses: number[];
  /** P(y = 1) for the four cases after training. */
  probabilities: number[];
  /** The probabilities rounded to 0 or 1. */
  predictions: number[];
  /** How many updates ran. */
  epochs: number;
}

/**
 * Full-batch gradient descent written by hand: forward, loss, `backward()`, then
 * `p -= lr · p.grad` under `noGrad` and clear the gradient. Stops once all four cases are
 * right with loss below `targetLoss`, or after `maxEpochs`.
 */
export function train(options: { seed?: number; lr?: number; maxEpochs?: number; targetLoss?: number; log?: (line: string) => void } = {}): XorResult {
  const { seed = 1, lr = 1, maxEpochs = 5000, targetLoss = 0.05, log } = options;
  const x = tensor(INPUTS, { dtype: 'float32' });
  const y = tensor(TARGETS.map((t) => [t]), { dtype: 'float32' });
  const parameters = initParameters(seed);
  const all = [parameters.w1, parameters.b1, parameters.w2, parameters.b2];
  const losses: number[] = [];
  let epochs = 0;
  while (epochs < maxEpochs) {
    const probability = forward(parameters, x);
    const loss = binaryCrossEntropy(probability, y);
    const value = Number(loss.item());
    const solved = predict(probability).every((prediction, i) => prediction === TARGETS[i]);
    if (solved && value < targetLoss) break;
    losses.push(value);
    loss.backward();
    noGrad(() => {
      for (const p of all) {
        p.sub_(p.grad!.mul(lr));
        p.grad = null;
      }
    });
    epochs++;
    if (log && epochs % 20 === 0) log(`epoch ${String(epochs).padStart(4)}  loss ${value.toFixed(4)}`);
  }
  const probabilities = noGrad(() => (forward(parameters, x).tolist() as number[][]).map((row) => row[0]!));
  return { parameters, losses, probabilities, predictions: probabilities.map((q) => (q > 0.5 ? 1 : 0)), epochs };
}

function predict(probability: Tensor): number[] {
  return (probability.tolist() as number[][]).map((row) => (row[0]! > 0.5 ? 1 : 0));
}
