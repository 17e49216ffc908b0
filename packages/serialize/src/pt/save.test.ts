import { SparseTensor, Tensor, tensor } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { expectCheckpointError } from '../../test/helpers.js';
import { encodeElements } from '../dtypes.js';
import { unpickle } from '../pickle/unpickler.js';
import { PyDict, PyList, PyTuple } from '../pickle/values.js';
import { load } from './load.js';
import { save } from './save.js';
import { torchUnpickleHooks } from './torch-globals.js';
import { readZip } from './zip-reader.js';

/** The raw Python values of a saved file's data.pkl (dicts stay PyDicts, tuples PyTuples). */
function pythonValue(bytes: Uint8Array): unknown {
  const records = readZip(bytes);
  return unpickle(records.get('archive/data.pkl')!, torchUnpickleHooks((key) => records.get(`archive/data/${key}`), true));
}

describe('save', () => {
  it("writes PyTorch's records: data.pkl, one data/<key> per storage, version and byteorder", () => {
    const a = tensor([1, 2, 3], { dtype: 'float32' });
    const b = tensor([4, 5], { dtype: 'int64' });
    const records = readZip(save({ a, b, again: a.narrow(0, 1, 2) }));
    expect([...records.keys()]).toEqual(['archive/data.pkl', 'archive/data/0', 'archive/data/1', 'archive/version', 'archive/byteorder']);
    expect(records.get('archive/data/0')).toEqual(encodeElements(a.storage.data, 'float32'));
    expect(records.get('archive/data/1')).toEqual(encodeElements(b.storage.data, 'int64'));
    expect(new TextDecoder().decode(records.get('archive/version'))).toBe('3\n');
    expect(new TextDecoder().decode(records.get('archive/byteorder'))).toBe('little');
  });

  it('writes views of one storage once, with their offsets and strides', () => {
    const base = tensor([0, 1, 2, 3, 4, 5], { dtype: 'float64' });
    const loaded = load(save({ base, t: base.view(2, 3).t(), tail: base.narrow(0, 4, 2) })) as Record<string, Tensor>;
    expect(loaded['t']!.storage).toBe(loaded['base']!.storage);
    expect(loaded['t']!.strides).toEqual([1, 3]);
    expect(loaded['tail']!.offset).toBe(4);
    expect(loaded['t']!.tolist()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('writes the whole storage of a view, as PyTorch does', () => {
    const base = tensor([1, 2, 3, 4], { dtype: 'int32' });
    const records = readZip(save(base.narrow(0, 3, 1)));
    expect(records.get('archive/data/0')).toHaveLength(16);
  });

  it('writes tensors with requires_grad False', () => {
    const parameter = tensor([1], { dtype: 'float32', requiresGrad: true });
    expect((load(save(parameter)) as Tensor).requiresGrad).toBe(false);
  });

  it("gives an optimizer state dict int keys in state and tuples for betas, as PyTorch writes it", () => {
    const stateDict = { state: { 0: { step: tensor(1, { dtype: 'float32' }) }, 10: {} }, param_groups: [{ lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, params: [0, 10] }] };
    const python = pythonValue(save(stateDict)) as PyDict;
    const state = python.values[0] as PyDict;
    expect(state.keys).toEqual([0, 10]);
    const group = (python.values[1] as PyList).items[0] as PyDict;
    expect(group.values[group.keys.indexOf('betas')]).toBeInstanceOf(PyTuple);
    expect(group.values[group.keys.indexOf('eps')]).toBe(1e-8);
    expect(group.values[group.keys.indexOf('params')]).toBeInstanceOf(PyList);
    expect(load(save(stateDict))).toEqual(stateDict);
  });

  it('writes betas as a list outside an optimizer state dict', () => {
    const python = pythonValue(save({ betas: [0.9, 0.99] })) as PyDict;
    expect(python.values[0]).toBeInstanceOf(PyList);
  });

  it('writes an object carrying a non-enumerable _metadata as an OrderedDict with that _metadata', () => {
    const stateDict = { 'fc.weight': tensor([1], { dtype: 'float32' }) };
    Object.defineProperty(stateDict, '_metadata', { value: { '': { version: 1 }, fc: { version: 1 } }, enumerable: false });
    const python = pythonValue(save(stateDict)) as PyDict;
    expect(python.ordered).toBe(true);
    expect(python.attributes.get('_metadata')).toBeInstanceOf(PyDict);
    const loaded = load(save(stateDict)) as Record<string, unknown>;
    expect(Object.keys(loaded)).toEqual(['fc.weight']);
    expect(loaded['_metadata']).toEqual({ '': { version: 1 }, fc: { version: 1 } });
  });

  it('writes plain objects as plain dicts', () => {
    expect((pythonValue(save({ a: 1 })) as PyDict).ordered).toBe(false);
  });

  it('gives equal bytes for equal values', () => {
    const value = { w: tensor([1, 2], { dtype: 'float32' }), n: 3 };
    expect(save(value)).toEqual(save(value));
  });

  it('refuses sparse tensors and values with no pickle form, naming where they are', () => {
    const sparse = new SparseTensor(tensor([[0]], { dtype: 'int64' }), tensor([1], { dtype: 'float32' }), [2]);
    expectCheckpointError(() => save({ grad: sparse }), 'save: sparse tensors cannot be saved; save tensor.toDense()');
    expectCheckpointError(() => save({ model: { forward: () => 0 } }), 'save: obj.model.forward is a function, which has no pickle form');
    expectCheckpointError(() => save({ raw: new Float32Array(1) }), 'save: obj.raw is a Float32Array');
  });
});
