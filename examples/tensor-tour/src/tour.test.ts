import { describe, expect, it } from 'vitest';
import { tour } from './tour.js';

// Printed by PyTorch 1.13 for the same steps (torch.manual_seed(0); torch.randn(4, 2); ...).
const SOFTMAX = 'tensor([[0.4440, 0.5560],\n        [0.2419, 0.7581],\n        [0.1131, 0.8869]])';

describe('tensor tour', () => {
  it('prints PyTorch-identical results', () => {
    const steps = tour();
    const text = (title: string) => steps.find((s) => s.title.startsWith(title))!.lines;
    expect(text('x = arange')[0]).toBe('tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]])');
    expect(text('reductions')[0]).toBe('tensor([ 33., 121., 209.])');
    expect(text('softmax')[0]).toBe(SOFTMAX);
    // torch.manual_seed(0); torch.randn(4, 2) in PyTorch 2.x
    expect(text('manualSeed(0)')[0]).toBe('tensor([[ 1.5410, -0.2934],\n        [-2.1788,  0.5684],\n        [-1.0845, -1.3986],\n        [ 0.4033,  0.8380]])');
    expect(text('conv2d')[1]).toBe('tensor([[[[ 5.,  7.],\n          [13., 15.]]]])');
  });
});
