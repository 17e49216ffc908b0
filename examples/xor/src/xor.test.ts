import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, TARGETS, train } from './xor.js';

describe('binaryCrossEntropy', () => {
  it('is ln 2 when every probability is one half', () => {
    const loss = binaryCrossEntropy(tensor([[0.5], [0.5]]), tensor([[0], [1]]));
    expect(Number(loss.item())).toBeCloseTo(Math.LN2, 6);
  });
});

describe('train', () => {
  it('gets all four XOR cases right with a confident margin', () => {
    const { predictions, probabilities } = train({ seed: 1 });
    expect(predictions).toEqual(TARGETS);
    probabilities.forEach((p, i) => expect(Math.abs(p - TARGETS[i]!)).toBeLessThan(0.2));
  });

  it('drives the loss down from near ln 2 to below 0.05', () => {
    const { losses, epochs } = train({ seed: 1 });
    expect(losses[0]!).toBeGreaterThan(0.5);
    expect(losses[losses.length - 1]!).toBeLessThan(0.06);
    expect(epochs).toBeLessThan(200);
  });
});
