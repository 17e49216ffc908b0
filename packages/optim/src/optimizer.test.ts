import { describe, expect, it } from 'vitest';
import { expectOptimError } from '../test/optimizer-checks.js';
import { Adam, Parameter, registerOptimizerStepPostHook, registerOptimizerStepPreHook, SGD, type Tensor, tensor, zeros } from './index.js';

const param = (values: number[] = [1, 2]) => new Parameter(tensor(values, { dtype: 'float32' }));

describe('Optimizer construction and addParamGroup', () => {
  it('fills groups from defaults, user keys first, holding the very tensors passed in', () => {
    const a = param();
    const b = param();
    const optimizer = new SGD([{ params: [a] }, { params: b, lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(optimizer.paramGroups[0]!.params[0]).toBe(a);
    expect(optimizer.paramGroups[1]!.params).toEqual([b]);
    expect(optimizer.paramGroups[1]!.lr).toBe(0.5);
    expect(optimizer.paramGroups[1]!.momentum).toBe(0.9);
    expect(Object.keys(optimizer.paramGroups[1]!)).toEqual(['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize', 'params']);
    expect(optimizer.defaults).toEqual({ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
  });

  it("raises PyTorch's errors", () => {
    expectOptimError(() => new SGD(param() as never), 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got Parameter');
    expectOptimError(() => new SGD([]), 'optimizer got an empty parameter list');
    const p = param();
    const optimizer = new SGD([p]);
    expectOptimError(() => optimizer.addParamGroup({ params: [p] }), 'some parameters appear in more than one parameter group');
    expectOptimError(() => optimizer.addParamGroup({ params: new Set([param()]) as never }), 'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    expectOptimError(() => optimizer.addParamGroup({ params: [5 as never] }), 'optimizer can only optimize Tensors, but one of the params is number');
    const nonLeaf = param().mul(2);
    expectOptimError(() => optimizer.addParamGroup({ params: [nonLeaf] }), "can't optimize a non-leaf Tensor");
    expectOptimError(() => optimizer.addParamGroup({ params: [param()], lr: -1 }), 'Invalid learning rate: -1');
  });
});

describe('Optimizer.step', () => {
  it('runs the closure with grad enabled first and returns its loss', () => {
    const w = param([3]);
    const optimizer = new SGD([w], { lr: 0.1 });
    const loss = optimizer.step(() => {
      optimizer.zeroGrad();
      const l = w.pow(2).sum();
      l.backward();
      return l;
    });
    expect(loss).toBe(9);
    expect(w.tolist()).toEqual([Math.fround(3 - 0.1 * 6)]);
    expect(optimizer.stepCount).toBe(1);
  });

  it('skips parameters without a gradient and gives them no state', () => {
    const [a, b] = [param(), param()];
    const optimizer = new Adam([a, b]);
    a.grad = tensor([1, 1], { dtype: 'float32' });
    optimizer.step();
    expect(b.tolist()).toEqual([1, 2]);
    expect(optimizer.state.has(b)).toBe(false);
    expect(optimizer.state.has(a)).toBe(true);
  });

  it('runs step pre- and post-hooks, which can be removed', () => {
    const optimizer = new SGD([param()]);
    const seen: string[] = [];
    const pre = optimizer.registerStepPreHook(() => seen.push(`pre ${optimizer.stepCount}`));
    optimizer.registerStepPostHook(() => seen.push(`post ${optimizer.stepCount}`));
    optimizer.step();
    pre.remove();
    optimizer.step();
    expect(seen).toEqual(['pre 0', 'post 1', 'post 2']);
  });

  it('zeroGrad sets grads to null, or to zeros', () => {
    const w = param();
    const optimizer = new SGD([w]);
    w.grad = tensor([1, 1], { dtype: 'float32' });
    optimizer.zeroGrad({ setToNone: false });
    expect(w.grad!.tolist()).toEqual([0, 0]);
    optimizer.zeroGrad();
    expect(w.grad).toBeNull();
  });
});

describe('Optimizer.stateDict/loadStateDict', () => {
  function stepped(): { optimizer: Adam; params: Parameter[] } {
    const params = [param(), param([3])];
    const optimizer = new Adam([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.5 }], { lr: 0.1 });
    params.forEach((p) => (p.grad = tensor(p.tolist() as number[], { dtype: 'float32' })));
    optimizer.step();
    return { optimizer, params };
  }

  it("has PyTorch's structure: int-indexed state, snake_case groups, params last", () => {
    const sd = stepped().optimizer.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(Object.keys(sd.state[0]!)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(sd.param_groups[1]).toEqual({ lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, decoupled_weight_decay: false, params: [1] });
  });

  it('loads deep copies, casting floating state to the parameter dtype', () => {
    const { optimizer } = stepped();
    const sd = optimizer.stateDict();
    const fresh = new Adam([{ params: [new Parameter(zeros(2, { dtype: 'float64' }))] }, { params: [param([0])] }]);
    fresh.loadStateDict(sd);
    const [p0] = fresh.paramGroups[0]!.params;
    const expAvg = fresh.state.get(p0!)!['exp_avg'] as Tensor;
    expect(expAvg.dtype).toBe('float64');
    expect(fresh.state.get(p0!)!['step']).not.toBe(sd.state[0]!['step']);
    expect(fresh.paramGroups[1]!.lr).toBe(0.5);
    // Later steps never change the dict that was loaded.
    const before = (sd.state[1]!['exp_avg'] as Tensor).tolist();
    fresh.paramGroups[1]!.params[0]!.grad = tensor([5], { dtype: 'float32' });
    fresh.step();
    expect((sd.state[1]!['exp_avg'] as Tensor).tolist()).toEqual(before);
  });

  it("rejects mismatched groups with PyTorch's messages and changes nothing", () => {
    const { optimizer } = stepped();
    const sd = optimizer.stateDict();
    const other = new Adam([param()]);
    expectOptimError(() => other.loadStateDict(sd), 'loaded state dict has a different number of parameter groups');
    const sizes = new Adam([{ params: [param(), param()] }, { params: [param()] }]);
    expectOptimError(() => sizes.loadStateDict(sd), "loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    expect(sizes.state.size).toBe(0);
    expect(sizes.paramGroups[0]!.lr).toBe(0.001);
  });
});

describe('Optimizer hooks', () => {
  it('runs global step hooks around every optimizer, until removed', () => {
    const seen: string[] = [];
    const pre = registerOptimizerStepPreHook((o) => seen.push(`pre ${o.constructor.name}`));
    const post = registerOptimizerStepPostHook((o) => seen.push(`post ${o.stepCount}`));
    try {
      new SGD([param()]).step();
      new Adam([param()]).step();
    } finally {
      pre.remove();
      post.remove();
    }
    new SGD([param()]).step();
    expect(seen).toEqual(['pre SGD', 'post 1', 'pre Adam', 'post 1']);
  });

  it('lets state-dict hooks observe and replace the dicts', () => {
    const optimizer = new SGD([param()], { lr: 0.1 });
    const order: string[] = [];
    optimizer.registerStateDictPreHook(() => order.push('pre'));
    optimizer.registerStateDictPostHook((_, sd) => {
      order.push('post');
      return { ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, lr: 0.5 })) };
    });
    expect(optimizer.stateDict().param_groups[0]!['lr']).toBe(0.5);
    optimizer.registerLoadStateDictPreHook((_, sd) => ({ ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, lr: 0.25 })) }));
    optimizer.registerLoadStateDictPostHook(() => order.push('loaded'));
    optimizer.loadStateDict(optimizer.stateDict());
    expect(optimizer.paramGroups[0]!.lr).toBe(0.25);
    expect(order).toEqual(['pre', 'post', 'pre', 'post', 'loaded']);
  });
});
