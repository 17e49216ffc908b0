import { describe, expect, it } from 'vitest';
import { Generator, noGrad, randn, type Tensor, zeros } from '../src/index.js';

/** Heap in use after a full collection (needs node --expose-gc; see vitest.config.ts). */
function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Fails rather than passes without a collector to call.
  expect(gc, 'global.gc needs node --expose-gc (see vitest.config.ts)').toBeTypeOf('function');
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

describe('backward', () => {
  it('frees each step’s graph: the heap after 10,000 training steps stays within 2 MB of the heap after 1,000', () => {
    const generator = new Generator(0);
    const x = randn([16, 3], { generator });
    const y = x.matmul(randn([3, 1], { generator })).add(0.5);
    const w = zeros([3, 1], { requiresGrad: true });
    const b = zeros([1], { requiresGrad: true });
    const lr = 0.05;
    let loss: Tensor = zeros([]);
    const train = (steps: number) => {
      for (let i = 0; i < steps; i++) {
        loss = x.matmul(w).add(b).sub(y).square().mean();
        loss.backward();
        noGrad(() => {
          w.sub_(w.grad!.mul(lr));
          b.sub_(b.grad!.mul(lr));
        });
        w.grad = null;
        b.grad = null;
      }
    };

    train(1_000);
    const afterThousand = heapAfterGc();
    train(9_000);
    const afterTenThousand = heapAfterGc();
    const growth = afterTenThousand - afterThousand;
    console.info(`heap after 1,000 steps: ${(afterThousand / 2 ** 20).toFixed(2)} MB; after 10,000: ${(afterTenThousand / 2 ** 20).toFixed(2)} MB; growth ${(growth / 1024).toFixed(1)} kB`);

    expect(loss.item()).toBeLessThan(1e-6);
    expect(growth).toBeLessThan(2 * 2 ** 20);
  });
});
