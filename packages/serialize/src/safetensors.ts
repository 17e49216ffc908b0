import { contiguousStrides, type DType, RawTensor, Storage, Tensor } from '@torchlet/optim';
import { CheckpointError } from './checkpoint-error.js';
import { decodeElements, encodeElements, type FileDType, ITEM_SIZE, LOADED_DTYPE } from './dtypes.js';

/** What {@link loadSafetensors} returns. */
export interface SafetensorsContents {
  /** The tensors by name, each with its own contiguous storage. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (empty when absent). */
  metadata: Record<string, string>;
}

/** The safetensors dtype strings torchlet reads, and the file dtype each is. */
const READ_DTYPES: Readonly<Record<string, FileDType>> = {
  BOOL: 'bool',
  U8: 'uint8',
  I8: 'int8',
  I16: 'int16',
  U16: 'uint16',
  I32: 'int32',
  U32: 'uint32',
  I64: 'int64',
  U64: 'uint64',
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
  F8_E4M3: 'float8_e4m3fn',
  F8_E5M2: 'float8_e5m2',
};

const WRITE_DTYPES: Readonly<Record<DType, string>> = { bool: 'BOOL', uint8: 'U8', int32: 'I32', int64: 'I64', float32: 'F32', float64: 'F64' };

/** The reference implementation's limit on the JSON header. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';

interface Entry {
  name: string;
  dtype: FileDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file, with every check of the reference implementation: the 8-byte header
 * length is at most 100 MB and inside the file, the header is a JSON object starting with `{`
 * without duplicate names, each tensor's byte range holds exactly numel · itemsize bytes, the
 * ranges together are contiguous, non-overlapping, start at 0 and end at the end of the file, and
 * `__metadata__` maps strings to strings. All of it is checked before any tensor is decoded.
 * Dtypes load as {@link load} maps them: F16/BF16/F8_* → float32, I8/I16/U16 → int32, U32/U64 →
 * int64, the rest as they are.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = loadSafetensors(bytes);
 * model.loadStateDict(tensors);
 * ```
 */
export function loadSafetensors(bytes: Uint8Array): SafetensorsContents {
  try {
    if (!(bytes instanceof Uint8Array)) throw new CheckpointError(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    return readSafetensors(bytes);
  } catch (error) {
    if (CheckpointError.isInstance(error)) throw new CheckpointError(`loadSafetensors: ${error.message}`);
    const wrapped = new CheckpointError(`loadSafetensors: unexpected ${(error as Error)?.name ?? 'error'}: ${(error as Error)?.message ?? String(error)}`);
    Object.defineProperty(wrapped, 'cause', { value: error });
    throw wrapped;
  }
}

function readSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) throw new CheckpointError(`the file has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) throw new CheckpointError(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  if (headerLength > bytes.length - 8) throw new CheckpointError(`header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes follow the length)`);
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) throw new CheckpointError("the header does not start with '{'");
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    header = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`the header is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CheckpointError('the header is not a JSON object');
  checkUniqueKeys(text);

  const buffer = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA) {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) throw new CheckpointError('__metadata__ is not an object');
      for (const [key, value] of Object.entries(info as object)) {
        if (typeof value !== 'string') throw new CheckpointError(`__metadata__[${JSON.stringify(key)}] is not a string`);
        define(metadata, key, value);
      }
      continue;
    }
    entries.push(parseEntry(name, info, buffer.length));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const entry of entries) {
    if (entry.begin !== expected) {
      throw new CheckpointError(`tensor ${JSON.stringify(entry.name)} starts at byte ${entry.begin} of the data, expected ${expected} (${entry.begin > expected ? 'a hole' : 'an overlap'})`);
    }
    expected = entry.end;
  }
  if (expected !== buffer.length) throw new CheckpointError(`the tensors cover ${expected} bytes of data but the file holds ${buffer.length}`);

  const tensors: Record<string, Tensor> = {};
  for (const { name, dtype, shape, begin, end } of entries) {
    const storage = new Storage(decodeElements(buffer.subarray(begin, end), dtype));
    define(tensors, name, new Tensor(storage, shape, contiguousStrides(shape), 0, LOADED_DTYPE[dtype]));
  }
  return { tensors, metadata };
}

function parseEntry(name: string, info: unknown, available: number): Entry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new CheckpointError(`${what} is not an object`);
  const { dtype: dtypeName, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const dtype = typeof dtypeName === 'string' && Object.hasOwn(READ_DTYPES, dtypeName) ? READ_DTYPES[dtypeName]! : undefined;
  if (dtype === undefined) throw new CheckpointError(`${what} has dtype ${JSON.stringify(dtypeName)}; supported: ${Object.keys(READ_DTYPES).join(', ')}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new CheckpointError(`${what} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new CheckpointError(`${what} has data_offsets ${JSON.stringify(offsets)}, not [begin, end] with 0 ≤ begin ≤ end`);
  }
  const [begin, end] = offsets as [number, number];
  // Counted against the bytes present, so a shape claiming 10^12 elements fails here.
  let numel = shape.includes(0) ? 0 : 1;
  for (const size of shape as number[]) {
    if (numel === 0) break;
    numel *= size;
    if (numel * ITEM_SIZE[dtype] > available) throw new CheckpointError(`${what} of shape [${shape.join(', ')}] needs more than the ${available} bytes of data in the file`);
  }
  if (end - begin !== numel * ITEM_SIZE[dtype]) {
    throw new CheckpointError(`${what} of shape [${shape.join(', ')}] and dtype ${dtypeName} needs ${numel * ITEM_SIZE[dtype]} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: [...(shape as number[])], begin, end };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** JSON.parse keeps the last of duplicate keys silently; the format forbids them, so scan for them. */
function checkUniqueKeys(text: string): void {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (/\s/.test(text[j]!)) j++;
      if (text[j] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) throw new CheckpointError(`the header names ${JSON.stringify(key)} twice`);
      seen.add(key);
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

/**
 * Writes `tensors` (and optional string `metadata`) as a safetensors file: the header has
 * `__metadata__` first and is padded with spaces so the data starts at a multiple of 8 bytes;
 * the data holds each tensor's elements contiguously in row-major order (views are copied out),
 * ordered like the reference writer (larger dtypes first, then by name), so every tensor is
 * aligned to its element size. Dtypes are written as they are (F32, F64, I32, I64, BOOL, U8).
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 * ```
 */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null) throw new CheckpointError(`saveSafetensors: tensors must be an object of tensors, got ${tensors === null ? 'null' : typeof tensors}`);
  const named = Object.entries(tensors).map(([name, tensor]) => {
    if (name === METADATA) throw new CheckpointError(`saveSafetensors: ${METADATA} is reserved and cannot name a tensor`);
    if (!(tensor instanceof RawTensor) || (tensor as { isSparse?: boolean }).isSparse === true) {
      throw new CheckpointError(`saveSafetensors: tensors[${JSON.stringify(name)}] is not a dense tensor`);
    }
    return { name, tensor, size: ITEM_SIZE[tensor.dtype] };
  });
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null)) {
    throw new CheckpointError(`saveSafetensors: metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  }
  const meta = Object.entries(metadata ?? {});
  for (const [key, value] of meta) {
    if (typeof value !== 'string') throw new CheckpointError(`saveSafetensors: metadata[${JSON.stringify(key)}] is ${typeof value}, not a string`);
  }
  named.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const parts: string[] = meta.length > 0 ? [`${JSON.stringify(METADATA)}:${JSON.stringify(Object.fromEntries(meta))}`] : [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    const data = encodeElements(tensor.toTypedArray(), tensor.dtype);
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: WRITE_DTYPES[tensor.dtype], shape: tensor.shape, data_offsets: [offset, offset + data.length] })}`);
    chunks.push(data);
    offset += data.length;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setUint32(0, headerLength, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** `object[key] = value`, safe for the key `__proto__`. */
function define<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
