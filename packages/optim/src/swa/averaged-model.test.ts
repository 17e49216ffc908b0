import { readFileSync } from 'node:fs';
import { assertClose, type TensorRecord } from '@torchlet/optim/testing';
import { describe, expect, it } from 'vitest';
import { expectOptimError, floats } from '../../test/optimizer-checks.js';
import { buildProblem, type OptimCase } from '../../test/problems.js';
import { AveragedModel, BatchNorm1d, getEmaAvgFn, getEmaMultiAvgFn, getSwaAvgFn, getSwaMultiAvgFn, Linear, manualSeed, Module, noGrad, Parameter, scalarTensor, Sequential, SGD, swaUtils, type Tensor, tensor } from '../index.js';

/** One case of swa.json: SGD on linreg, with the averaged copy after each update. */
interface SwaCase {
  averaging: string;
  optimizer: { name: 'SGD'; lr: number };
  problem: 'linreg';
  problem_data: OptimCase['problem_data'];
  initial: Record<string, TensorRecord>;
  steps: { params: Record<string, TensorRecord>; averaged: Record<string, TensorRecord>; n_averaged: number }[];
  state_dict_keys: string[];
}

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/swa.json', import.meta.url), 'utf8')) as { torch: string; cases: SwaCase[] };

/** A module holding parameters `w` and `b`, like the fixture's `holder`. */
class Holder extends Module {
  w: Parameter;
  b: Parameter;
  constructor(w: Tensor, b: Tensor) {
    super();
    this.w = new Parameter(w.detach().clone());
    this.b = new Parameter(b.detach().clone());
  }
}

function makeAveraged(label: string, holder: Holder): AveragedModel<Holder> {
  if (label === 'AveragedModel (equal average)') return new AveragedModel(holder);
  if (label === 'AveragedModel (EMA decay 0.9)') return new AveragedModel(holder, { multiAvgFn: getEmaMultiAvgFn(0.9) });
  throw new Error(`unknown averaging ${label}`);
}

function values(t: Tensor): number[] {
  return [...t.toTypedArray()].map(Number);
}

describe(`swa.json (PyTorch ${fixture.torch})`, () => {
  for (const c of fixture.cases) {
    it(`${c.averaging} matches PyTorch's averaged parameters after every update`, () => {
      const { params, loss } = buildProblem({ ...c, optimizer: 'SGD', options: {}, param_order: ['w', 'b'], steps: [], state_dict_after: { state: {}, param_groups: [] } });
      const optimizer = new SGD([params['w']!, params['b']!], { lr: c.optimizer.lr });
      const holder = new Holder(params['w']!, params['b']!);
      const averaged = makeAveraged(c.averaging, holder);
      expect(Object.keys(averaged.stateDict())).toEqual(c.state_dict_keys);
      c.steps.forEach((step, k) => {
        optimizer.zeroGrad();
        loss().backward();
        optimizer.step();
        noGrad(() => {
          holder.w.copy_(params['w']!);
          holder.b.copy_(params['b']!);
        });
        averaged.updateParameters(holder);
        for (const name of ['w', 'b'] as const) {
          try {
            assertClose(params[name]!, step.params[name]!, { rtol: 1e-5, atol: 1e-6 });
            assertClose(averaged.module[name], step.averaged[name]!, { rtol: 1e-5, atol: 1e-5 });
          } catch (error) {
            throw new Error(`update ${k}, ${name}: ${(error as Error).message}`);
          }
        }
        expect(Number(averaged.n_averaged.item())).toBe(step.n_averaged);
      });
    });
  }
});

describe('AveragedModel', () => {
  it('holds a deep copy as `module` and an int64 `n_averaged`, with PyTorch state-dict keys', () => {
    manualSeed(0);
    const model = new Sequential(new Linear(2, 3), new BatchNorm1d(3));
    const averaged = new AveragedModel(model);
    expect(Object.keys(averaged.stateDict())).toEqual([
      'n_averaged',
      'module.0.weight',
      'module.0.bias',
      'module.1.weight',
      'module.1.bias',
      'module.1.running_mean',
      'module.1.running_var',
      'module.1.num_batches_tracked',
    ]);
    expect(averaged.n_averaged.dtype).toBe('int64');
    expect(averaged.n_averaged.shape).toEqual([]);
    expect(averaged.module).not.toBe(model);
    expect(values(averaged.module.at(0).stateDict()['weight']!)).toEqual(values((model.at(0) as Linear).weight));
    expect([...averaged.parameters()].every((p) => ![...model.parameters()].includes(p))).toBe(true);
  });

  it('copies on the first update and takes the equal-weight mean after', () => {
    const model = new Holder(floats([1, 2]), floats([0]));
    const averaged = new AveragedModel(model);
    const seen = [
      [3, 6],
      [5, 10],
      [10, 20],
    ];
    for (const [w0, w1] of seen) {
      noGrad(() => model.w.copy_(floats([w0!, w1!])));
      averaged.updateParameters(model);
    }
    expect(values(averaged.module.w)).toEqual([6, 12]);
    expect(Number(averaged.n_averaged.item())).toBe(3);
  });

  it('uses a per-tensor avgFn when given', () => {
    const model = new Holder(floats([0]), floats([0]));
    const calls: number[] = [];
    const averaged = new AveragedModel(model, {
      avgFn: (a, m, n) => {
        calls.push(Number((n as Tensor).item()));
        return a.add(m);
      },
    });
    for (const w of [1, 2, 4]) {
      noGrad(() => model.w.copy_(floats([w])));
      averaged.updateParameters(model);
    }
    expect(values(averaged.module.w)).toEqual([7]);
    expect(calls).toEqual([1, 1, 2, 2]);
  });

  it('averages buffers with useBuffers, and otherwise copies them from the model', () => {
    const model = new Sequential(new BatchNorm1d(2));
    const bn = model.at(0) as BatchNorm1d;
    const plain = new AveragedModel(model);
    const withBuffers = new AveragedModel(model, { useBuffers: true });
    for (const mean of [2, 4]) {
      noGrad(() => bn.running_mean!.fill_(mean));
      plain.updateParameters(model);
      withBuffers.updateParameters(model);
    }
    expect(values((plain.module.at(0) as BatchNorm1d).running_mean!)).toEqual([4, 4]);
    expect(values((withBuffers.module.at(0) as BatchNorm1d).running_mean!)).toEqual([3, 3]);
  });

  it('forwards to the averaged copy', () => {
    manualSeed(1);
    const model = new Linear(2, 1);
    const averaged = new AveragedModel(model);
    const x = floats([[1, 2]]);
    expect(values(averaged.call(x) as Tensor)).toEqual(values(model.call(x)));
  });

  it('round-trips its state dict, n_averaged included', () => {
    const model = new Holder(floats([1, 2]), floats([3]));
    const averaged = new AveragedModel(model);
    averaged.updateParameters(model);
    noGrad(() => model.w.copy_(floats([3, 4])));
    averaged.updateParameters(model);
    const fresh = new AveragedModel(new Holder(floats([0, 0]), floats([0])));
    fresh.loadStateDict(averaged.stateDict());
    expect(values(fresh.module.w)).toEqual([2, 3]);
    expect(Number(fresh.n_averaged.item())).toBe(2);
  });

  it('refuses both avgFn and multiAvgFn', () => {
    const model = new Holder(floats([1]), floats([1]));
    expectOptimError(() => new AveragedModel(model, { avgFn: getSwaAvgFn(), multiAvgFn: getSwaMultiAvgFn() }), 'Only one of avg_fn and multi_avg_fn should be provided');
  });
});

describe('averaging functions', () => {
  it('getSwaAvgFn and getSwaMultiAvgFn take the running mean', () => {
    const a = floats([1, 2]);
    const m = floats([4, 8]);
    expect(values(getSwaAvgFn()(a, m, scalarTensor(2, 'int64')))).toEqual([2, 4]);
    getSwaMultiAvgFn()([a], [m], 2);
    expect(values(a)).toEqual([2, 4]);
  });

  it('getEmaAvgFn and getEmaMultiAvgFn move by 1 − decay', () => {
    const a = floats([1, 2]);
    const m = floats([3, 6]);
    expect(values(getEmaAvgFn(0.75)(a, m, 1))).toEqual([1.5, 3]);
    getEmaMultiAvgFn(0.75)([a], [m], 1);
    expect(values(a)).toEqual([1.5, 3]);
  });

  it('averages integer tensors without a float lerp', () => {
    const a = tensor([10], { dtype: 'int64' });
    getEmaMultiAvgFn(0.5)([a], [tensor([20], { dtype: 'int64' })], 1);
    expect(values(a)).toEqual([15]);
  });

  it('validates decay with PyTorch messages', () => {
    expectOptimError(() => getEmaMultiAvgFn(1.5), 'Invalid decay value 1.5 provided. Please provide a value in [0,1] range.');
    expectOptimError(() => getEmaAvgFn(-0.1), 'Invalid decay value -0.1 provided. Please provide a value in [0,1] range.');
  });

  it('are reachable through the swaUtils namespace too', () => {
    expect(swaUtils.AveragedModel).toBe(AveragedModel);
    expect(swaUtils.getEmaMultiAvgFn).toBe(getEmaMultiAvgFn);
    expect(typeof swaUtils.SWALR).toBe('function');
    expect(typeof swaUtils.updateBn).toBe('function');
  });
});
