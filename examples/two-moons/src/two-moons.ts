import { functional as F, Generator, Linear, noGrad, ReLU, Sequential, type Tensor, tensor } from '@torchlet/nn';

/**
 * The two-moons dataset: two interleaved half circles with Gaussian noise, labels 0 and 1
 * (scikit-learn's `make_moons`), drawn from a seeded generator.
 */
export function makeMoons(n: number, noise: number, seed: number): { x: Tensor; y: Tensor } {
  const generator = new Generator(seed);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const angle = Math.PI * generator.nextFloat64();
    const [cx, cy] = label === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
    points.push([cx + noise * generator.nextNormal(), cy + noise * generator.nextNormal()]);
    labels.push(label);
  }
  return { x: tensor(points, { dtype: 'float32' }), y: tensor(labels, { dtype: 'int64' }) };
}

/** A 2 → 16 → 16 → 2 MLP. */
export function makeModel(): Sequential {
  return new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 16), new ReLU(), new Linear(16, 2));
}

/** Fraction of points whose arg-max class matches the label. */
export function accuracy(model: Sequential, x: Tensor, y: Tensor): number {
  return noGrad(() => {
    const predicted = model.call(x).argmax(1);
    return Number(predicted.eq(y).float().mean().item());
  });
}

/**
 * Trains with full-batch gradient descent written by hand (no optimizer package): forward,
 * cross-entropy, backward, then `p -= lr · p.grad` under noGrad for every parameter.
 */
export function train(options: { epochs?: number; lr?: number; seed?: number; log?: (line: string) => void } = {}): { model: Sequential; trainAccuracy: number; testAccuracy: number; losses: number[] } {
  const { epochs = 300, lr = 0.5, seed = 0, log } = options;
  const data = makeMoons(400, 0.1, seed);
  const test = makeMoons(200, 0.1, seed + 1);
  const model = makeModel();
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const loss = F.crossEntropy(model.call(data.x), data.y);
    model.zeroGrad();
    loss.backward();
    noGrad(() => {
      for (const p of model.parameters()) p.sub_(p.grad!.mul(lr));
    });
    losses.push(Number(loss.item()));
    if (log && (epoch % 50 === 0 || epoch === 1)) log(`epoch ${String(epoch).padStart(3)}  loss ${losses[losses.length - 1]!.toFixed(4)}  train accuracy ${(accuracy(model, data.x, data.y) * 100).toFixed(1)}%`);
  }
  return { model, trainAccuracy: accuracy(model, data.x, data.y), testAccuracy: accuracy(model, test.x, test.y), losses };
}
