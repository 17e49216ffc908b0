// Checks against real PyTorch, where a Python with torch is installed: PyTorch reads what save
// writes (with torch.load(path) and torch.load(path, weights_only=True)), and load reads what
// torch.save writes at pickle protocols 2 to 5. Values are compared exactly: Python describes what
// it holds (floats as their IEEE-754 bytes, ints as decimal strings, container kinds by name) and
// the description is matched against the torchlet value.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, Linear, Sequential, StepLR, Storage, Tensor, functional, tensor } from '@torchlet/optim';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileDType, LOADED_DTYPE } from '../src/dtypes.js';
import { load, save } from '../src/index.js';
import { noteSkipped, runTorch, torchPython } from './python.js';

const directory = mkdtempSync(join(tmpdir(), 'torchlet-interop-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const SCRIPT = String.raw`
import json, struct, sys, collections, warnings
import torch
warnings.filterwarnings('ignore')
storages = {}

def storage_id(t):
    ptr = (t.untyped_storage() if hasattr(t, 'untyped_storage') else t.storage()).data_ptr()
    if ptr == 0:
        return None
    return storages.setdefault(ptr, len(storages))

def describe(v):
    if v is None: return None
    if isinstance(v, bool): return {'bool': v}
    if isinstance(v, int): return {'int': str(v)}
    if isinstance(v, float): return {'float': struct.pack('<d', v).hex()}
    if isinstance(v, str): return {'str': v}
    if isinstance(v, bytes): return {'bytes': v.hex()}
    if isinstance(v, torch.Tensor):
        flat = v.detach().reshape(-1).tolist()
        return {'tensor': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape), 'stride': list(v.stride()),
                'offset': v.storage_offset(), 'requires_grad': v.requires_grad, 'storage': storage_id(v),
                'data': [describe(x) for x in flat]}
    if isinstance(v, tuple): return {'tuple': [describe(x) for x in v]}
    if isinstance(v, list): return {'list': [describe(x) for x in v]}
    if isinstance(v, (set, frozenset)): return {'set': [describe(x) for x in sorted(v)]}
    if isinstance(v, dict):
        out = {type(v).__name__: [[describe(k), describe(x)] for k, x in v.items()]}
        if hasattr(v, '_metadata'): out['metadata'] = describe(v._metadata)
        return out
    raise TypeError(type(v))

def build():
    torch.manual_seed(0)
    base = torch.arange(12, dtype=torch.float32) + 0.5
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9))
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    floats = [0.0, -0.0, 1.5, 1e-40, float('inf'), float('-inf'), float('nan'), 3.4e38]
    shared = [1, 2]
    return {
        'dtypes': {'float32': torch.tensor(floats), 'float64': torch.tensor(floats + [1e-310, 0.1], dtype=torch.float64),
                   'float16': torch.tensor([0.0, -0.0, 1.5, 6e-8, 65504.0, float('inf'), float('nan')], dtype=torch.float16),
                   'bfloat16': torch.tensor([0.0, -1.5, 3.14, 1e38, float('-inf')], dtype=torch.bfloat16),
                   'int64': torch.tensor([0, -1, 2**53, -2**53, 3 * 10**12]), 'int32': torch.tensor([2**31 - 1, -2**31], dtype=torch.int32),
                   'int16': torch.tensor([32767, -32768], dtype=torch.int16), 'int8': torch.tensor([127, -128], dtype=torch.int8),
                   'uint8': torch.tensor([0, 255], dtype=torch.uint8), 'bool': torch.tensor([True, False])},
        'views': {'base': base, 't': base.view(3, 4).t(), 'slice': base[2:8], 'strided': base[::3], 'expanded': base[:1].expand(3), 'element': base[5]},
        'empty': torch.zeros(0, 3), 'parameter': torch.nn.Parameter(torch.tensor([1.0, 2.0])), 'leaf': torch.tensor([3.0], requires_grad=True),
        'model': model.state_dict(), 'optimizer': opt.state_dict(),
        'scalars': [0, -1, 2**31, 2**63, -2**100, 0.1, -0.0, float('inf'), float('nan'), 1e-310, True, False, None, 'h\u00e9llo \u2603 \U0001F600', b'\x00\xff'],
        'tuple': (1, (2, 3)), 'nested': {'a': [{'b': []}, {}]}, 'intkeys': {1: 'a', 2: 'b'}, 'set': {1, 2}, 'frozenset': frozenset([3]),
        'shared': [shared, shared],
    }

mode = sys.argv[1]
if mode == 'write':
    obj = build()
    torch.save(obj, sys.argv[2], pickle_protocol=int(sys.argv[3]))
    print(json.dumps({'torch': torch.__version__, 'value': describe(obj)}))
elif mode == 'read':
    try:
        obj = torch.load(sys.argv[2], weights_only=sys.argv[3] == 'True')
        print(json.dumps({'torch': torch.__version__, 'value': describe(obj)}))
    except Exception as e:
        print(json.dumps({'torch': torch.__version__, 'error': str(e)}))
elif mode == 'resume':
    ckpt = torch.load(sys.argv[2])
    model = torch.nn.Sequential(torch.nn.Linear(3, 2))
    model.load_state_dict(ckpt['model'])
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    opt.load_state_dict(ckpt['optimizer'])
    model(torch.ones(1, 3)).sum().backward()
    opt.step()
    group = opt.param_groups[0]
    print(json.dumps({'betas': str(type(group['betas']).__name__), 'lr': group['lr'], 'keys': sorted(opt.state_dict()['state'].keys()),
                      'steps': [float(s['step']) for s in opt.state.values()]}))
elif mode == 'save-float':
    torch.save({'lr': 0.5}, sys.argv[2])
    print('{}')
`;

function runPython(...args: string[]): Record<string, unknown> {
  return JSON.parse(runTorch(SCRIPT, args)) as Record<string, unknown>;
}

type Description = null | { [kind: string]: unknown };

/** Float bits as Python's struct.pack('<d', x).hex() prints them. */
function floatHex(value: number): string {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Asserts that the torchlet value `actual` is what load's mapping makes of the Python value that
 * `expected` describes (or, for values torchlet saved, what was saved).
 */
function expectMatches(actual: unknown, expected: Description, path: string, storages: Map<number, Storage>): void {
  const [kind, content] = expected === null ? ['None', null] : Object.entries(expected)[0]!;
  switch (kind) {
    case 'None':
      return void expect(actual, path).toBeNull();
    case 'bool':
    case 'str':
      return void expect(actual, path).toBe(content);
    case 'int': {
      const value = BigInt(content as string);
      return void expect(actual, path).toBe(Number.isSafeInteger(Number(value)) ? Number(value) : value);
    }
    case 'float':
      return void expect(floatHex(actual as number), `${path} = ${String(actual)}`).toBe(content);
    case 'bytes':
      return void expect([...(actual as Uint8Array)].map((b) => b.toString(16).padStart(2, '0')).join(''), path).toBe(content);
    case 'list':
    case 'tuple': {
      const items = content as Description[];
      expect(Array.isArray(actual), `${path} is an array`).toBe(true);
      expect((actual as unknown[]).length, path).toBe(items.length);
      return items.forEach((item, i) => expectMatches((actual as unknown[])[i], item, `${path}[${i}]`, storages));
    }
    case 'set':
      expect(actual, path).toBeInstanceOf(Set);
      return expectMatches([...(actual as Set<unknown>)].sort(), { list: content }, path, storages);
    case 'dict':
    case 'OrderedDict': {
      const entries = content as [Description, Description][];
      const strKeys = entries.every(([k]) => k !== null && 'str' in k);
      const optimizerState = path.endsWith('.state') && entries.every(([k]) => k !== null && 'int' in k);
      if (strKeys || optimizerState) {
        expect(Object.getPrototypeOf(actual), `${path} is a plain object`).toBe(Object.prototype);
        const keys = entries.map(([k]) => String(Object.values(k!)[0]));
        expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual([...keys].sort());
        entries.forEach(([, v], i) => expectMatches((actual as Record<string, unknown>)[keys[i]!], v, `${path}.${keys[i]}`, storages));
        if (expected!['metadata'] !== undefined) expectMatches((actual as Record<string, unknown>)['_metadata'], expected!['metadata'] as Description, `${path}._metadata`, storages);
      } else {
        expect(actual, `${path} is a Map`).toBeInstanceOf(Map);
        const map = actual as Map<unknown, unknown>;
        expect(map.size, path).toBe(entries.length);
        [...map].forEach(([k, v], i) => {
          expectMatches(k, entries[i]![0], `${path} key ${i}`, storages);
          expectMatches(v, entries[i]![1], `${path}.${String(k)}`, storages);
        });
      }
      return;
    }
    case 'tensor': {
      const e = expected as { tensor: string; shape: number[]; stride: number[]; offset: number; requires_grad: boolean; storage: number | null; data: Description[] };
      expect(actual, path).toBeInstanceOf(Tensor);
      const t = actual as Tensor;
      expect([t.dtype, t.shape, t.strides, t.offset, t.requiresGrad], path).toEqual([LOADED_DTYPE[e.tensor as FileDType], e.shape, e.stride, e.offset, e.requires_grad]);
      if (e.storage !== null) {
        if (!storages.has(e.storage)) storages.set(e.storage, t.storage);
        expect(t.storage === storages.get(e.storage), `${path} shares storage ${e.storage} as in Python`).toBe(true);
      }
      const values = [...t.toTypedArray()];
      expect(values.length, path).toBe(e.data.length);
      // Elements: floats bit for bit, ints as the double torchlet's storage holds, bools as 0/1.
      return e.data.forEach((item, i) => {
        const [elementKind, element] = Object.entries(item!)[0]!;
        const want = elementKind === 'float' ? element : elementKind === 'int' ? floatHex(Number(element)) : floatHex(element ? 1 : 0);
        expect(floatHex(values[i]!), `${path}[${i}]`).toBe(want);
      });
    }
    default:
      throw new Error(`unknown description kind ${kind} at ${path}`);
  }
}

/** A torchlet value holding every dtype and structure save writes; `floats` false leaves out Python floats. */
function torchletValue(floats: boolean): Record<string, unknown> {
  const model = new Sequential(new Linear(3, 2));
  const optimizer = new Adam(model.parameters(), { lr: 0.01, betas: [0.8, 0.9] });
  const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  optimizer.zeroGrad();
  functional.mseLoss(model.call(tensor([[1, 2, 3]], { dtype: 'float32' })) as Tensor, tensor([[0, 1]], { dtype: 'float32' })).backward();
  optimizer.step();
  scheduler.step();
  const base = tensor(Array.from({ length: 12 }, (_, i) => i + 0.5), { dtype: 'float32' });
  const fixtureModel = load(new Uint8Array(readFileSync(new URL('fixtures/checkpoints/model_state.pt', import.meta.url))));
  const shared = [1, 2];
  return {
    dtypes: {
      float32: tensor([0, -0, 1.5, 1e-40, Infinity, -Infinity, NaN, 3.4e38], { dtype: 'float32' }),
      float64: tensor([0.1, -0, 1e-310, NaN], { dtype: 'float64' }),
      int32: tensor([2147483647, -2147483648], { dtype: 'int32' }),
      int64: tensor([0, -1, 2 ** 53, -(2 ** 53), 3e12], { dtype: 'int64' }),
      bool: tensor([true, false], { dtype: 'bool' }),
      uint8: tensor([0, 255], { dtype: 'uint8' }),
    },
    views: { base, t: base.view(3, 4).t(), slice: base.narrow(0, 2, 6), expanded: base.narrow(0, 0, 1).expand(3), scalar: tensor(2, { dtype: 'int64' }) },
    empty: tensor([], { dtype: 'float32' }).reshape(0, 3),
    fixtureModel,
    model: model.stateDict(),
    ...(floats && { optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict() }),
    scalars: [0, -1, 2 ** 31, 2 ** 53 - 1, 2n ** 63n, -(2n ** 100n), true, false, null, 'héllo ☃ 😀', ...(floats ? [0.1, -0, Infinity, NaN, 1e-310] : [])],
    nested: { a: [{ b: [] }, {}] },
    intkeys: new Map([[1, 'a'], [2, 'b']]),
    shared: [shared, shared],
  };
}

describe('PyTorch', () => {
  it('reads what save writes, with torch.load(path) and (where it can) torch.load(path, weights_only=True)', () => {
    if (torchPython === null) return noteSkipped();
    const value = torchletValue(true);
    const path = join(directory, 'torchlet.pt');
    writeFileSync(path, save(value));
    const plain = runPython('read', path, 'False');
    expect(plain['error']).toBeUndefined();
    expectMatches(value, plain['value'] as Description, 'obj', new Map());
    // What PyTorch sees: tuples for betas, int keys in state, an OrderedDict with _metadata.
    const described = plain['value'] as { dict: [Description, Description][] };
    const entry = (d: { dict: [Description, Description][] }, key: string) => d.dict.find(([k]) => k !== null && k['str'] === key)![1] as { dict: [Description, Description][] };
    const optimizer = entry(described, 'optimizer');
    expect(entry(optimizer, 'state').dict.map(([k]) => k)).toEqual([{ int: '0' }, { int: '1' }]);
    const group = (entry(optimizer, 'param_groups') as unknown as { list: { dict: [Description, Description][] }[] }).list[0]!;
    expect(Object.keys(entry(group, 'betas'))).toEqual(['tuple']);
    expect(Object.keys(entry(described, 'fixtureModel'))).toEqual(['OrderedDict', 'metadata']);

    const weightsOnly = runPython('read', path, 'True');
    if (!String(weightsOnly['torch']).startsWith('1.')) {
      expect(weightsOnly['error']).toBeUndefined();
      expectMatches(value, weightsOnly['value'] as Description, 'obj', new Map());
    } else {
      // PyTorch 1.13's weights_only unpickler has no BINFLOAT opcode, so no file holding a Python
      // float loads that way: it refuses PyTorch 1.13's own files alike.
      expect(weightsOnly['error']).toMatch(/Unsupported operand 71/);
      const own = join(directory, 'own-float.pt');
      runTorch(SCRIPT, ['save-float', own]);
      expect(runPython('read', own, 'True')['error']).toMatch(/Unsupported operand 71/);
      const floatless = torchletValue(false);
      writeFileSync(path, save(floatless));
      const result = runPython('read', path, 'True');
      expect(result['error']).toBeUndefined();
      expectMatches(floatless, result['value'] as Description, 'obj', new Map());
    }
  });

  it('resumes training from a checkpoint torchlet saved', () => {
    if (torchPython === null) return noteSkipped();
    const value = torchletValue(true);
    const path = join(directory, 'resume.pt');
    writeFileSync(path, save({ model: value['model'], optimizer: value['optimizer'] }));
    expect(runPython('resume', path)).toEqual({ betas: 'tuple', lr: 0.01, keys: [0, 1], steps: [2, 2] });
  });

  it.each([2, 3, 4, 5])('writes files load reads exactly (pickle protocol %i)', (protocol) => {
    if (torchPython === null) return noteSkipped();
    const path = join(directory, `pytorch-${protocol}.pt`);
    const written = runPython('write', path, String(protocol));
    const value = load(new Uint8Array(readFileSync(path)));
    expectMatches(value, written['value'] as Description, 'obj', new Map());
  });
});
