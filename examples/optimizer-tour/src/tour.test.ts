import { load, Parameter, save, SGD, type Tensor, tensor } from '@torchlet/serialize';
import { describe, expect, it } from 'vitest';
import { basics, compareOptimizers, momentumTrace, stateDictRoundTrip, tour, weightDecayDemo } from './tour.js';

describe('basics', () => {
  it('subtracts lr · grad = 1 from every element', () => {
    const { weight } = basics();
    expect(weight.tolist()).toEqual([[0, 0], [0, 0]]);
  });

  it('keeps the very tensor passed in, in the param group', () => {
    const { weight, optimizer } = basics();
    expect(optimizer.paramGroups[0]!.params[0]).toBe(weight);
  });

  it('leaves the gradient null after zeroGrad()', () => {
    expect(basics().weight.grad).toBeNull();
  });

  it('fills the added group from the defaults, with its own lr', () => {
    const { optimizer, weight2 } = basics();
    expect(optimizer.paramGroups).toHaveLength(2);
    const { params, ...options } = optimizer.paramGroups[1]!;
    expect(params).toEqual([weight2]);
    expect(options).toEqual({ lr: 0.0001, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
  });
});

describe('stateDictRoundTrip', () => {
  it('loads lr 0.1 and momentum 0.9 into an SGD built with lr 0.2, and continues the same trajectory', () => {
    const { loadedLr, loadedMomentum, sameNextStep } = stateDictRoundTrip();
    expect(loadedLr).toBe(0.1);
    expect(loadedMomentum).toBe(0.9);
    expect(sameNextStep).toBe(true);
  });

  it('round-trips the state dict through a .pt file with dtypes, shapes and values', () => {
    const p = new Parameter(tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
    const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([[0.1, 0.2], [0.3, 0.4]], { dtype: 'float32' });
    optimizer.step();
    const loaded = load(save(optimizer.stateDict())) as ReturnType<SGD['stateDict']>;
    const buffer = loaded.state[0]!['momentum_buffer'] as Tensor;
    expect(buffer.dtype).toBe('float32');
    expect(buffer.shape).toEqual([2, 2]);
    expect(buffer.tolist()).toEqual(p.grad.tolist());
    expect(loaded.param_groups[0]).toEqual({ lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0] });
  });
});

describe('momentumTrace', () => {
  it('follows v ← 0.9·v + 1 and p ← p − 0.1·v', () => {
    const { buffers, weights } = momentumTrace(3);
    [1, 1.9, 2.71].forEach((v, i) => expect(buffers[i]).toBeCloseTo(v, 6));
    [0.9, 0.71, 0.439].forEach((p, i) => expect(weights[i]).toBeCloseTo(p, 6));
  });
});

describe('weightDecayDemo', () => {
  it('adds wd·p to the gradient, as the L2 penalty (wd/2)·‖p‖² in the loss does', () => {
    const { decayed, penalized } = weightDecayDemo();
    expect(decayed[0]).toBeCloseTo(0.85, 6);
    expect(decayed[1]).toBeCloseTo(-2, 6);
    expect(penalized).toEqual(decayed);
  });
});

describe('compareOptimizers', () => {
  const results = compareOptimizers(10);

  it('runs every optimizer of the tutorial', () => {
    expect(results.map((r) => r.name)).toEqual(['SGD', 'Adagrad', 'RMSprop', 'Adadelta', 'Adam', 'AdamW', 'Adamax', 'ASGD', 'Rprop', 'LBFGS', 'NAdam', 'RAdam', 'SparseAdam']);
  });

  it('starts every optimizer from the same loss', () => {
    expect(new Set(results.map((r) => r.before)).size).toBe(1);
  });

  it.each(['SGD', 'Adagrad', 'RMSprop', 'Adadelta', 'Adam', 'AdamW', 'Adamax', 'ASGD', 'Rprop', 'LBFGS', 'NAdam', 'RAdam', 'SparseAdam'])('lowers the loss with %s', (name) => {
    const { before, after } = results.find((r) => r.name === name)!;
    expect(after).toBeLessThan(before);
  });

  it('solves the quadratic with LBFGS', () => {
    expect(results.find((r) => r.name === 'LBFGS')!.after).toBeLessThan(1e-6);
  });

  it('moves SparseAdam exactly as Adam: the rows not looked up have zero moments in Adam too', () => {
    const adam = results.find((r) => r.name === 'Adam')!;
    const sparse = results.find((r) => r.name === 'SparseAdam')!;
    expect(sparse.after).toBeCloseTo(adam.after, 6);
  });
});

describe('tour', () => {
  it('prints the steps as PyTorch prints them', () => {
    const steps = tour();
    const lines = (start: string) => steps.find((s) => s.title.startsWith(start))!.lines;
    expect(lines('new SGD([weight], { lr: 1 })')[0]).toBe('Parameter containing:\ntensor([[0., 0.],\n        [0., 0.]], requires_grad=True)');
    expect(lines('optimizer.zeroGrad()')).toEqual(['null']);
    expect(lines('new SGD([weight], { lr: 0.1, momentum: 0.9 })')[0]).toBe(
      '{state: {0: {momentum_buffer: tensor([[1., 1.],\n        [1., 1.]])}}, param_groups: [{lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0]}]}',
    );
    expect(lines('momentum')[3]).toBe('        optimizer: momentum_buffer = tensor([1.9000]), weight = tensor([0.7100])');
  });
});
