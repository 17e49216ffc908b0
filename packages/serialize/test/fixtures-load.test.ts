// Every checkpoint PyTorch wrote into test/fixtures loads to exactly the values its manifest
// records: integers and floats bit for bit (floats as stored, float16/bfloat16 as PyTorch widens
// them), dtypes mapped by load's rule, views sharing one storage.
import { readFileSync } from 'node:fs';
import { Adam, BatchNorm2d, Conv2d, Flatten, Linear, ReLU, Sequential, Tensor } from '@torchlet/optim';
import { assertClose, fromRecord, type TensorRecord } from '@torchlet/optim/testing';
import { describe, expect, it } from 'vitest';
import { type FileDType, LOADED_DTYPE } from '../src/dtypes.js';
import { load } from '../src/index.js';

interface Manifest {
  torch: string;
  files: Record<string, { value: unknown; dtypes?: Record<string, string>; eval_input?: TensorRecord; eval_output?: TensorRecord }>;
}

const DIRECTORIES = ['checkpoints', 'checkpoints-torch1.13'];
const fixture = (path: string) => new URL(`fixtures/${path}`, import.meta.url);

function isTensorRecord(value: unknown): value is TensorRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).join() === 'shape,dtype,data';
}

/** Asserts that `actual` (what load returned) is exactly `expected` (the manifest's JSON). */
function expectExactly(actual: unknown, expected: unknown, path: string, fileDType?: string): void {
  if (isTensorRecord(expected)) {
    expect(actual, path).toBeInstanceOf(Tensor);
    const tensor = actual as Tensor;
    expect(tensor.shape, `${path} shape`).toEqual(expected.shape);
    expect(tensor.dtype, `${path} dtype`).toBe(LOADED_DTYPE[(fileDType ?? expected.dtype) as FileDType]);
    const values = [...tensor.toTypedArray()].map((v) => (tensor.dtype === 'bool' ? v !== 0 : v));
    expect(values.length, `${path} numel`).toBe(expected.data.length);
    values.forEach((v, i) => expect(Object.is(v, expected.data[i]), `${path}[${i}]: ${v} vs ${expected.data[i]}`).toBe(true));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expectExactly((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(Object.getPrototypeOf(actual), `${path} is a plain object`).toBe(Object.prototype);
    expect(Object.keys(actual as object), `${path} keys`).toEqual(Object.keys(expected));
    for (const [key, e] of Object.entries(expected)) expectExactly((actual as Record<string, unknown>)[key], e, `${path}.${key}`);
  } else {
    expect(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`).toBe(true);
  }
}

for (const directory of DIRECTORIES) {
  const manifest = JSON.parse(readFileSync(fixture(`${directory}/manifest.json`), 'utf8')) as Manifest;
  const read = (file: string) => load(new Uint8Array(readFileSync(fixture(`${directory}/${file}`))), { name: file });

  describe(`load (fixtures written by PyTorch ${manifest.torch})`, () => {
    it.each(Object.keys(manifest.files))("loads %s to exactly the manifest's values", (file) => {
      const entry = manifest.files[file]!;
      const value = read(file);
      if (entry.dtypes) {
        for (const [key, expected] of Object.entries(entry.value as Record<string, unknown>)) {
          expectExactly((value as Record<string, unknown>)[key], expected, `${file}.${key}`, entry.dtypes[key]);
        }
        expect(Object.keys(value as object)).toEqual(Object.keys(entry.value as object));
      } else {
        expectExactly(value, entry.value, file);
      }
    });

    it('maps float16/bfloat16 to float32 and int8/int16 to int32', () => {
      const value = read('dtypes.pt') as Record<string, Tensor>;
      expect(Object.fromEntries(Object.entries(value).map(([k, t]) => [k, t.dtype]))).toEqual({
        f32: 'float32', f64: 'float64', f16: 'float32', bf16: 'float32', i64: 'int64', i32: 'int32',
        i16: 'int32', i8: 'int32', u8: 'uint8', bool: 'bool', scalar: 'float32', empty: 'float32',
      });
    });

    it('gives the views of views.pt one shared storage', () => {
      const views = read('views.pt') as Record<string, Tensor>;
      for (const t of Object.values(views)) expect(t.storage).toBe(views['base']!.storage);
      expect(views['t']!.strides).toEqual([1, 4]);
      expect(views['slice']!.offset).toBe(2);
      expect(views['strided']!.strides).toEqual([3]);
    });

    it("keeps the state dict's _metadata as a non-enumerable property", () => {
      const state = read('model_state.pt') as Record<string, unknown>;
      expect(Object.keys(state)).not.toContain('_metadata');
      expect(state['_metadata']).toEqual({ '': { version: 1 }, 0: { version: 1 }, 1: { version: 2 }, 2: { version: 1 }, 3: { version: 1 }, 4: { version: 1 } });
    });

    it("restores a torchlet model and Adam that reproduce PyTorch's eval output", () => {
      const model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(32, 3));
      const optimizer = new Adam(model.parameters(), { lr: 0.01 });
      model.loadStateDict(read('model_state.pt') as Record<string, Tensor>);
      optimizer.loadStateDict(read('adam_state.pt') as Parameters<typeof optimizer.loadStateDict>[0]);
      expect(optimizer.state.size).toBe(6);
      const entry = manifest.files['model_state.pt']!;
      model.eval();
      assertClose(model.call(Tensor.wrap(fromRecord(entry.eval_input!))) as Tensor, entry.eval_output!, { rtol: 1e-5, atol: 1e-6 });
    });
  });
}
