import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Adam, CosineAnnealingLR, functional as F, Linear, manualSeed, randint, randn, ReLU, Sequential, type Tensor } from '../src/index.js';

/**
 * Memory in use after full collections: the JS heap plus ArrayBuffer backing stores (where typed
 * arrays over 64 bytes keep their elements, outside `heapUsed`). The collector is reached without
 * `node --expose-gc` by setting the flag at run time and reading `gc` from a new context.
 */
function memoryAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  // Fails rather than passes without a collector to call.
  expect(gc, 'gc exposed by --expose-gc').toBeTypeOf('function');
  for (let i = 0; i < 3; i++) (gc as () => void)();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('a training loop', () => {
  // 20-64-64-3 MLP, Adam and a cosine schedule on a fixed batch. Measured on Node 20: the memory
  // grows by about 0.2 MB between step 1,000 and step 10,000 (compiled code and type feedback
  // settling; from step 10,000 to 20,000 it does not grow at all), while keeping one extra scalar
  // tensor per step (say, `losses.push(loss.detach())`) grows it by 4 MB.
  it('reaches a steady state: the memory after 10,000 steps stays within 1.5 MB of the memory after 1,000', () => {
    manualSeed(0);
    const model = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 3));
    const x = randn(16, 20);
    const y = randint(0, 3, [16]);
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const scheduler = new CosineAnnealingLR(optimizer, { tMax: 100 });
    let loss: Tensor | null = null;
    const train = (steps: number) => {
      for (let i = 0; i < steps; i++) {
        optimizer.zeroGrad();
        loss = F.crossEntropy(model.call(x), y);
        loss.backward();
        optimizer.step();
        scheduler.step();
      }
    };

    const initialLoss = Number(F.crossEntropy(model.call(x), y).item());
    train(1_000);
    const afterThousand = memoryAfterGc();
    train(9_000);
    const afterTenThousand = memoryAfterGc();
    const growth = afterTenThousand - afterThousand;
    console.info(`memory after 1,000 steps: ${(afterThousand / 2 ** 20).toFixed(2)} MB; after 10,000: ${(afterTenThousand / 2 ** 20).toFixed(2)} MB; growth ${(growth / 1024).toFixed(1)} kB`);

    expect(optimizer.stepCount).toBe(10_000);
    expect(Number(loss!.item())).toBeLessThan(initialLoss / 10);
    expect(growth).toBeLessThan(1.5 * 2 ** 20);
  });
});
