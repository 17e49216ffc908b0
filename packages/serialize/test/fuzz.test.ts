// Bad input never crashes, hangs or half-loads: every mutated file either loads or throws a
// CheckpointError, within a time bound. Seeded fast-check runs (2,500 mutated files per run) plus
// hand-written cases for each kind of damage.
import { readdirSync, readFileSync } from 'node:fs';
import { Adam, Linear, Sequential, Tensor, functional, tensor } from '@torchlet/optim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError, load, loadSafetensors, save, saveSafetensors } from '../src/index.js';
import { readZip } from '../src/pt/zip-reader.js';
import { writeAlignedZip } from '../src/pt/zip-writer.js';
import { archive, bytesOf, expectCheckpointError, str, tensorPickle } from './helpers.js';

const SEED = 20_240_611;
/** Generous: a load of these few-kilobyte files takes well under a millisecond. */
const TIME_LIMIT_MS = 250;

// ---- the files to damage ------------------------------------------------------------------------

const fixtures = ['checkpoints', 'checkpoints-torch1.13'].flatMap((directory) => {
  const dir = new URL(`fixtures/${directory}/`, import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pt'))
    .map((f) => new Uint8Array(readFileSync(new URL(f, dir))));
});

function freshCheckpoint(): Uint8Array {
  const model = new Sequential(new Linear(3, 2));
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  functional.mseLoss(model.call(tensor([[1, 2, 3]], { dtype: 'float32' })) as Tensor, tensor([[0, 1]], { dtype: 'float32' })).backward();
  optimizer.step();
  return save({ epoch: 1, model: model.stateDict(), optimizer: optimizer.stateDict(), best: 0.5, tags: ['a', null, true], big: 2n ** 70n });
}

const base = tensor([1, 2, 3, 4, 5, 6], { dtype: 'float32' });
const ptFiles = [
  ...fixtures,
  freshCheckpoint(),
  save({ base, t: base.view(2, 3).t(), i: tensor([1, -2], { dtype: 'int64' }), b: tensor([true], { dtype: 'bool' }), m: new Map([[1, 'x']]) }),
];
const safetensorsFiles = [
  saveSafetensors({ w: base, i: tensor([7, 8], { dtype: 'int32' }), l: tensor([1], { dtype: 'int64' }), u: tensor([3], { dtype: 'uint8' }) }, { format: 'pt' }),
  saveSafetensors({ s: tensor(1.5, { dtype: 'float64' }), e: tensor([], { dtype: 'float32' }), b: tensor([true, false], { dtype: 'bool' }) }),
];

// ---- mutations ------------------------------------------------------------------------------------

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'length'; field: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 32 }) }),
  fc.record({
    kind: fc.constant('length' as const),
    field: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0xfffffffe, 0xffffffff, 0x7fffffff, 100_000_001), fc.nat()),
  }),
);

/** Offsets and widths of the length, count and offset fields of a zip archive (its headers' numbers). */
function zipLengthFields(zip: Uint8Array): [number, number][] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  const fields: [number, number][] = [[end + 8, 2], [end + 10, 2], [end + 12, 4], [end + 16, 4], [end + 20, 2]];
  if (view.getUint32(end - 20, true) === 0x07064b50) {
    const zip64 = Number(view.getBigUint64(end - 12, true));
    fields.push([end - 12, 4], [zip64 + 24, 4], [zip64 + 32, 4], [zip64 + 40, 4], [zip64 + 48, 4]);
  }
  let at = view.getUint32(end + 16, true);
  for (let i = 0; i < view.getUint16(end + 10, true); i++) {
    const local = view.getUint32(at + 42, true);
    fields.push([at + 20, 4], [at + 24, 4], [at + 28, 2], [at + 30, 2], [at + 32, 2], [at + 42, 4], [local + 18, 4], [local + 22, 4], [local + 26, 2], [local + 28, 2]);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return fields;
}

function mutate(original: Uint8Array, mutations: Mutation[], lengthFields: [number, number][]): Uint8Array {
  let bytes = original.slice();
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.kind === 'length' ? 0 : m.at % bytes.length;
    switch (m.kind) {
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'flip':
        if (bytes.length > 0) bytes[at] ^= 1 << m.bit;
        break;
      case 'set':
        if (bytes.length > 0) bytes[at] = m.value;
        break;
      case 'insert':
        bytes = new Uint8Array([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]);
        break;
      case 'length': {
        const [offset, width] = lengthFields[m.field % lengthFields.length]!;
        if (offset + width > bytes.length) break;
        const view = new DataView(bytes.buffer);
        if (width === 2) view.setUint16(offset, m.value & 0xffff, true);
        else view.setUint32(offset, m.value >>> 0, true);
        break;
      }
    }
  }
  return bytes;
}

/** Loads `bytes`, which must succeed or throw a CheckpointError of a detected problem, in time. */
function loadsOrRefuses(read: (bytes: Uint8Array) => unknown, bytes: Uint8Array): unknown {
  const started = performance.now();
  let result: unknown;
  try {
    result = read(bytes);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    // The boundary wraps what no check caught as "unexpected": that would be a missing check.
    expect(error.message).not.toMatch(/: unexpected /);
  }
  expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
  return result;
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

describe('load on damaged files', () => {
  it('loads or throws CheckpointError for 1,200 mutated .pt files', () => {
    const fields = ptFiles.map(zipLengthFields);
    fc.assert(
      fc.property(fc.nat({ max: ptFiles.length - 1 }), mutations, (index, ms) => {
        loadsOrRefuses(load, mutate(ptFiles[index]!, ms, fields[index]!));
      }),
      { seed: SEED, numRuns: 1200 },
    );
  });

  it('loads or throws CheckpointError for 600 archives whose data.pkl is mutated (with valid CRCs)', () => {
    const archives = ptFiles.map((file) => [...readZip(file)]);
    const noFields: [number, number][] = [[0, 4]];
    fc.assert(
      fc.property(fc.nat({ max: archives.length - 1 }), mutations, (index, ms) => {
        const records = archives[index]!.map(([name, data]) => [name, name.endsWith('/data.pkl') ? mutate(data, ms, noFields) : data] as [string, Uint8Array]);
        loadsOrRefuses(load, writeAlignedZip(records));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });
});

describe('loadSafetensors on damaged files', () => {
  it('loads or throws CheckpointError for 400 mutated files', () => {
    const fields: [number, number][] = [[0, 4], [4, 4]];
    fc.assert(
      fc.property(fc.nat({ max: safetensorsFiles.length - 1 }), mutations, (index, ms) => {
        loadsOrRefuses(loadSafetensors, mutate(safetensorsFiles[index]!, ms, fields));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('loads or throws CheckpointError for 300 files whose JSON header is mutated (with a correct length)', () => {
    const parts = safetensorsFiles.map((file) => {
      const length = new DataView(file.buffer).getUint32(0, true);
      return { header: file.subarray(8, 8 + length), data: file.subarray(8 + length) };
    });
    fc.assert(
      fc.property(fc.nat({ max: parts.length - 1 }), mutations, (index, ms) => {
        const header = mutate(parts[index]!.header, ms, [[0, 4]]);
        const file = new Uint8Array(8 + header.length + parts[index]!.data.length);
        new DataView(file.buffer).setUint32(0, header.length, true);
        file.set(header, 8);
        file.set(parts[index]!.data, 8 + header.length);
        loadsOrRefuses(loadSafetensors, file);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('bad input', () => {
  const views = fixtures[4]!.length < 2000 ? fixtures[4]! : ptFiles[ptFiles.length - 1]!;

  it('refuses every truncation of a checkpoint and of a safetensors file', () => {
    for (let n = 0; n < views.length; n++) expectCheckpointError(() => load(views.subarray(0, n)), /^load: /);
    const file = safetensorsFiles[0]!;
    for (let n = 0; n < file.length; n++) expectCheckpointError(() => loadSafetensors(file.subarray(0, n)), /^loadSafetensors: /);
  });

  it('refuses or loads unchanged a checkpoint with any one bit flipped: the CRCs catch damaged records', () => {
    const original = load(views);
    for (let at = 0; at < views.length; at++) {
      const flipped = views.slice();
      flipped[at] ^= 0x04;
      const result = loadsOrRefuses(load, flipped);
      if (result !== undefined) expect(result, `byte ${at}`).toEqual(original);
    }
  });

  it('refuses files with the wrong magic numbers', () => {
    const zip = views.slice();
    zip.set(bytesOf('XX'), 0);
    expectCheckpointError(() => load(zip), 'no local header at byte 0');
    const end = views.slice();
    end.set(bytesOf('XX'), end.length - 22);
    expectCheckpointError(() => load(end), 'no end-of-central-directory record');
    expectCheckpointError(() => load(safetensorsFiles[0]!), 'no end-of-central-directory record');
    expectCheckpointError(() => loadSafetensors(views), /header length \d+ (exceeds|runs past)|does not start with/);
  });

  it('refuses headers claiming 10^12 elements, without allocating them', () => {
    const started = performance.now();
    expectCheckpointError(() => load(archive(bytesOf(0x80, 2, tensorPickle('FloatStorage', '0', 1e12, 0, [1e6, 1e6], [1e6, 1]), '.'), { 0: new Uint8Array(8) })), 'storage 0 claims 1000000000000 float32 elements');
    expectCheckpointError(() => load(archive(bytesOf(0x80, 2, tensorPickle('FloatStorage', '0', 2, 0, [1e6, 1e6], [0, 0]), '.'), { 0: new Uint8Array(8) })), 'more than 2^32 elements');
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [1e6, 1e6], data_offsets: [0, 4e12] } });
    expectCheckpointError(() => loadSafetensors(new Uint8Array([...new Uint8Array(new Uint32Array([header.length, 0]).buffer), ...new TextEncoder().encode(header), 0, 0, 0, 0])), 'needs more than the 4 bytes');
    expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
  });

  it('refuses pickles nested thousands deep, lists and tuples alike, quickly', () => {
    const depth = 50_000;
    const lists = new Uint8Array(2 + 2 * depth);
    lists.set([0x80, 2]);
    lists.fill(0x5d, 2, 2 + depth); // EMPTY_LIST
    lists.fill(0x61, 2 + depth, 1 + 2 * depth); // APPEND
    lists[1 + 2 * depth] = 0x2e;
    const tuples = bytesOf(0x80, 2, '('.repeat(depth), 'N', 't'.repeat(depth), '.');
    for (const pickle of [lists, tuples]) {
      const started = performance.now();
      expectCheckpointError(() => load(archive(pickle)), 'containers are nested more than 1000 deep');
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('refuses unknown globals by name, however they are reached', () => {
    expectCheckpointError(() => load(archive(bytesOf(0x80, 2, 'cbuiltins\nexec\n', str('1'), 0x85, 'R.'))), "global 'builtins.exec' is not allowed");
    expectCheckpointError(() => load(archive(bytesOf(0x80, 4, 0x8c, 9, 'posixpath', 0x8c, 4, 'join', 0x93, '.'))), "global 'posixpath.join' is not allowed");
    expectCheckpointError(() => load(archive(bytesOf(0x80, 2, 'c__main__\nEvil\n)', 0x81, '.'))), "global '__main__.Evil' is not allowed");
  });
});
