import { describe, expect, it } from 'vitest';
import { Module } from './module.js';
import { ModuleError } from './nn-error.js';
import { Parameter } from './parameter.js';
import { ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential } from './modules/container.js';
import { type Tensor, ones, tensor, zeros } from '@torchlet/autograd';

/** y = x·scale + shift, with a persistent and a non-persistent buffer. */
class Affine extends Module {
  /** Registered with registerBuffer, which TypeScript cannot see. */
  declare readonly count: Tensor;
  scale: Parameter;
  shift: Parameter | null;
  constructor(features: number, bias = true) {
    super();
    this.scale = new Parameter(ones(features));
    this.shift = bias ? new Parameter(zeros(features)) : null;
    this.registerBuffer('count', zeros([], { dtype: 'int64' }));
    this.registerBuffer('scratch', zeros(features), { persistent: false });
  }
  override forward(x: Tensor): Tensor {
    const y = x.mul(this.scale);
    return this.shift === null ? y : y.add(this.shift);
  }
  override extraRepr(): string {
    return `features=${this.scale.shape[0]}`;
  }
}

class Net extends Module {
  first = new Affine(2);
  gain = new Parameter(tensor([2], { dtype: 'float32' }));
  second = new Affine(2, false);
  override forward(x: Tensor): Tensor {
    return this.second.call(this.first.call(x)).mul(this.gain);
  }
}

describe('Module registration', () => {
  it('orders the state dict as PyTorch: own parameters, persistent buffers, then children', () => {
    expect(Object.keys(new Net().stateDict())).toEqual(['gain', 'first.scale', 'first.shift', 'first.count', 'second.scale', 'second.count']);
  });

  it('finds parameters, buffers and children in assignment order', () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([n]) => n)).toEqual(['gain', 'first.scale', 'first.shift', 'second.scale']);
    expect([...net.namedBuffers()].map(([n]) => n)).toEqual(['first.count', 'first.scratch', 'second.count', 'second.scratch']);
    expect([...net.namedChildren()].map(([n]) => n)).toEqual(['first', 'second']);
    expect([...net.namedModules()].map(([n]) => n)).toEqual(['', 'first', 'second']);
  });

  it('yields a shared parameter once', () => {
    const a = new Affine(2);
    const seq = new Sequential(a, a);
    expect([...seq.parameters()]).toHaveLength(2);
  });

  it('rejects bad names and non-parameters', () => {
    const m = new Module();
    expect(() => m.registerParameter('a.b', null)).toThrow(ModuleError);
    expect(() => m.registerParameter('w', zeros(2) as unknown as Parameter)).toThrow(/cannot assign a Tensor as parameter 'w'/);
    expect(() => m.registerBuffer('p', new Parameter(zeros(1)))).toThrow(/use registerParameter/);
  });
});

describe('Module.call', () => {
  it('runs forward pre-hooks, forward and forward hooks, and removes them', () => {
    const m = new Affine(2);
    const seen: string[] = [];
    const pre = m.registerForwardPreHook((_, inputs) => {
      seen.push('pre');
      return [(inputs[0] as Tensor).mul(10)];
    });
    m.registerForwardHook((_, __, output) => {
      seen.push('post');
      return (output as Tensor).add(1);
    });
    expect(m.call(tensor([1, 2], { dtype: 'float32' })).tolist()).toEqual([11, 21]);
    expect(seen).toEqual(['pre', 'post']);
    pre.remove();
    expect(m.call(tensor([1, 2], { dtype: 'float32' })).tolist()).toEqual([2, 3]);
  });
});

describe('stateDict/loadStateDict', () => {
  it('returns detached tensors sharing storage', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(sd['gain']!.requiresGrad).toBe(false);
    expect(sd['gain']!.storage).toBe(net.gain.storage);
  });

  it('round-trips values into a fresh module', () => {
    const a = new Net();
    a.gain.detach().fill_(5);
    a.first.scale.detach().copy_(tensor([3, 4]));
    const b = new Net();
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.gain.tolist()).toEqual([5]);
    expect(b.first.scale.tolist()).toEqual([3, 4]);
    expect(b.gain.requiresGrad).toBe(true);
  });

  it('lists every missing, unexpected and mis-shaped key in one error and changes nothing', () => {
    const net = new Net();
    const sd = net.stateDict();
    const bad: Record<string, Tensor> = { ...sd, extra: zeros(1), gain: tensor([9], { dtype: 'float32' }), 'first.scale': zeros(3) };
    delete bad['second.count'];
    const before = JSON.stringify([...net.parameters()].map((p) => p.tolist()));
    let message = '';
    try {
      net.loadStateDict(bad);
    } catch (error) {
      expect(error).toBeInstanceOf(ModuleError);
      message = (error as Error).message;
    }
    expect(message).toContain('Error(s) in loading state_dict for Net');
    expect(message).toContain('Missing key(s) in state_dict: "second.count".');
    expect(message).toContain('Unexpected key(s) in state_dict: "extra".');
    expect(message).toContain('size mismatch for first.scale: copying a param with shape [3] from checkpoint, the shape in current model is [2].');
    expect(JSON.stringify([...net.parameters()].map((p) => p.tolist()))).toBe(before);
  });

  it('reports missing and unexpected keys without failing when not strict', () => {
    const net = new Net();
    const { gain, ...rest } = net.stateDict();
    expect(gain).toBeDefined();
    expect(net.loadStateDict({ ...rest, other: zeros(1) }, { strict: false })).toEqual({ missingKeys: ['gain'], unexpectedKeys: ['other'] });
  });
});

describe('modes and bulk operations', () => {
  it('train/eval reach every descendant', () => {
    const net = new Net().eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.second.training).toBe(true);
  });

  it('apply visits children before the parent', () => {
    const order: string[] = [];
    new Net().apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Affine', 'Affine', 'Net']);
  });

  it('zeroGrad clears or zeroes gradients', () => {
    const net = new Net();
    net.call(ones(2)).sum().backward();
    expect(net.gain.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(net.gain.grad!.tolist()).toEqual([0]);
    net.zeroGrad();
    expect(net.gain.grad).toBeNull();
  });

  it('to({ dtype }) converts floating parameters and buffers in place, keeping identities', () => {
    const net = new Net();
    const gain = net.gain;
    net.double();
    expect(net.gain).toBe(gain);
    expect(gain.dtype).toBe('float64');
    expect(net.first.count.dtype).toBe('int64');
    expect(net.call(ones(2, { dtype: 'float64' })).dtype).toBe('float64');
  });
});

describe('printing', () => {
  it('prints like PyTorch', () => {
    expect(new Net().toString()).toBe('Net(\n  (first): Affine(features=2)\n  (second): Affine(features=2)\n)');
    expect(new Sequential(new Affine(3), new Sequential(new Affine(1))).toString()).toBe(
      'Sequential(\n  (0): Affine(features=3)\n  (1): Sequential(\n    (0): Affine(features=1)\n  )\n)',
    );
    expect(new Parameter(ones(2)).toString()).toBe('Parameter containing:\ntensor([1., 1.], requires_grad=True)');
  });
});

describe('containers', () => {
  it('Sequential chains layers and names them by position or by key', () => {
    const seq = new Sequential(new Affine(2), new Affine(2, false));
    expect(seq.call(tensor([1, 2], { dtype: 'float32' })).tolist()).toEqual([1, 2]);
    expect(Object.keys(new Sequential({ enc: new Affine(1), dec: new Affine(1) }).stateDict())).toEqual([
      'enc.scale', 'enc.shift', 'enc.count', 'dec.scale', 'dec.shift', 'dec.count',
    ]);
    expect(seq.at(-1)).toBe([...seq][1]);
  });

  it('ModuleList and ModuleDict register children under their keys', () => {
    const list = new ModuleList([new Affine(1)]).append(new Affine(1)).insert(0, new Affine(1, false));
    expect(Object.keys(list.stateDict())).toEqual(['0.scale', '0.count', '1.scale', '1.shift', '1.count', '2.scale', '2.shift', '2.count']);
    const dict = new ModuleDict({ b: new Affine(1, false) }).set('a', new Affine(1, false));
    expect(Object.keys(dict.stateDict())).toEqual(['b.scale', 'b.count', 'a.scale', 'a.count']);
    expect(() => dict.set('train', new Affine(1))).toThrow(/cannot be used as a key/);
  });

  it('ParameterList and ParameterDict register parameters', () => {
    const list = new ParameterList([new Parameter(zeros(2))]).append(new Parameter(zeros(3)));
    expect(Object.keys(list.stateDict())).toEqual(['0', '1']);
    const dict = new ParameterDict({ w: new Parameter(zeros(1)) });
    expect([...dict.parameters()]).toHaveLength(1);
  });
});
