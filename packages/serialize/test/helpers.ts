// Helpers shared by the serialize tests: hand-assembled pickles and archives, and error checks.
import { expect } from 'vitest';
import { CheckpointError } from '../src/checkpoint-error.js';
import { writeAlignedZip } from '../src/pt/zip-writer.js';

/** Bytes from numbers (one byte each), strings (UTF-8) and byte arrays, in order. */
export function bytesOf(...parts: (number | string | Uint8Array | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'number' ? [p] : typeof p === 'string' ? [...new TextEncoder().encode(p)] : [...p]));
  return new Uint8Array(chunks.flat());
}

/** A little-endian uint32. */
export function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** BINUNICODE of `text`. */
export function str(text: string): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  return bytesOf('X', u32(encoded.length), encoded);
}

/** Bytes from a hex string (as CPython's `pickle.dumps(...).hex()` prints them). */
export function hex(text: string): Uint8Array {
  return new Uint8Array(text.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** A `.pt` archive holding `pickle` as `<root>/data.pkl`, the given `<root>/data/<key>` records and a version. */
export function archive(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, options: { root?: string; version?: string | null; extra?: Record<string, Uint8Array> } = {}): Uint8Array {
  const root = options.root ?? 'archive';
  const records: [string, Uint8Array][] = [[`${root}/data.pkl`, pickle]];
  for (const [key, data] of Object.entries(storages)) records.push([`${root}/data/${key}`, data]);
  if (options.version !== null) records.push([`${root}/version`, new TextEncoder().encode(options.version ?? '3\n')]);
  for (const [name, data] of Object.entries(options.extra ?? {})) records.push([`${root}/${name}`, data]);
  return writeAlignedZip(records);
}

/** The pickle opcodes of a tensor: `_rebuild_tensor_v2(('storage', torch.<cls>, key, 'cpu', numel), offset, size, stride, requires_grad, OrderedDict())`. */
export function tensorPickle(storageClass: string, key: string, numel: number, offset: number, size: number[], stride: number[], requiresGrad = false): Uint8Array {
  const ints = (values: number[]) => bytesOf('(', ...values.map(int), 't');
  return bytesOf(
    'ctorch._utils\n_rebuild_tensor_v2\n',
    '(',
    bytesOf('(', str('storage'), `ctorch\n${storageClass}\n`, str(key), str('cpu'), int(numel), 't', 'Q'),
    int(offset),
    ints(size),
    ints(stride),
    requiresGrad ? 0x88 : 0x89,
    'ccollections\nOrderedDict\n)R',
    't',
    'R',
  );
}

/** An int opcode: BININT within 32 bits, else LONG1 (little-endian two's complement). */
export function int(value: number): Uint8Array {
  if (value >= -(2 ** 31) && value < 2 ** 31) return bytesOf('J', u32(value));
  const digits: number[] = [];
  for (let rest = BigInt(value); ; rest >>= 8n) {
    digits.push(Number(BigInt.asUintN(8, rest)));
    if (rest >> 7n === 0n || rest >> 7n === -1n) break;
  }
  return bytesOf(0x8a, digits.length, digits);
}

/** Expects `run` to throw a CheckpointError whose message matches `pattern`. */
export function expectCheckpointError(run: () => unknown, pattern: RegExp | string): CheckpointError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a CheckpointError').toBeInstanceOf(CheckpointError);
  expect((thrown as Error).message).toMatch(pattern);
  return thrown as CheckpointError;
}
