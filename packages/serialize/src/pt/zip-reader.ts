import { inflateSync } from 'fflate';
import { CheckpointError } from '../checkpoint-error.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** DEFLATE never expands more than 1032-fold, so a larger claimed size is a lie. */
const MAX_DEFLATE_RATIO = 1032;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads every record of a zip archive (STORED or DEFLATE), checking each against the bytes
 * present and its CRC-32 before returning anything. Records are views into `bytes` when stored.
 *
 * Written here rather than with fflate's `unzipSync` (0.8.3), which trusts the archive: it loops
 * over however many entries a (zip64) header claims — 2^32 entries take minutes — silently cuts
 * records that run past the end of the file, and never checks CRCs, so a flipped byte in tensor
 * data would load as a wrong weight. fflate still inflates compressed records.
 */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => {
    const value = u32(at + 4) * 2 ** 32 + u32(at);
    if (!Number.isSafeInteger(value)) throw new CheckpointError(`zip: 64-bit field at byte ${at} is ${value}, larger than any file`);
    return value;
  };

  const end = findEnd(bytes, view);
  let count = u16(end + 10);
  let directorySize = u32(end + 12);
  let directoryStart = u32(end + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryStart === 0xffffffff) {
    if (end < 20 || u32(end - 20) !== ZIP64_LOCATOR) throw new CheckpointError('zip: the end record asks for zip64 but there is no zip64 locator');
    const zip64End = u64(end - 12);
    if (zip64End > end - 76 || u32(zip64End) !== ZIP64_END) throw new CheckpointError(`zip: no zip64 end record at byte ${zip64End}`);
    count = u64(zip64End + 32);
    directorySize = u64(zip64End + 40);
    directoryStart = u64(zip64End + 48);
  }
  const directoryEnd = directoryStart + directorySize;
  if (directoryEnd > end) throw new CheckpointError(`zip: central directory (bytes ${directoryStart}–${directoryEnd}) runs past its end record at byte ${end}`);
  if (count * 46 > directorySize) throw new CheckpointError(`zip: ${count} entries cannot fit in a central directory of ${directorySize} bytes`);

  const records = new Map<string, Uint8Array>();
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directoryEnd || u32(at) !== CENTRAL_HEADER) throw new CheckpointError(`zip: central directory entry ${i} at byte ${at} is missing or damaged`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    let localStart = u32(at + 42);
    const next = at + 46 + nameLength + extraLength + u16(at + 32);
    if (next > directoryEnd) throw new CheckpointError(`zip: central directory entry ${i} runs past the directory`);
    const name = decodeName(bytes.subarray(at + 46, at + 46 + nameLength), i);
    // Zip64 extra field: the 64-bit values of whichever of the three fields are saturated, in order.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localStart === 0xffffffff) {
      let field = at + 46 + nameLength;
      const extraEnd = field + extraLength;
      while (field + 4 <= extraEnd && u16(field) !== 0x0001) field += 4 + u16(field + 2);
      if (field + 4 > extraEnd) throw new CheckpointError(`zip: record ${name} has saturated sizes but no zip64 extra field`);
      let value = field + 4;
      const read = () => {
        if (value + 8 > extraEnd) throw new CheckpointError(`zip: record ${name}'s zip64 extra field is too short`);
        value += 8;
        return u64(value - 8);
      };
      if (size === 0xffffffff) size = read();
      if (compressedSize === 0xffffffff) compressedSize = read();
      if (localStart === 0xffffffff) localStart = read();
    }
    at = next;

    if (flags & 1) throw new CheckpointError(`zip: record ${name} is encrypted`);
    if (records.has(name)) throw new CheckpointError(`zip: record ${name} appears twice`);
    if (localStart + 30 > directoryStart || u32(localStart) !== LOCAL_HEADER) throw new CheckpointError(`zip: record ${name} has no local header at byte ${localStart}`);
    const dataStart = localStart + 30 + u16(localStart + 26) + u16(localStart + 28);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > directoryStart) throw new CheckpointError(`zip: record ${name} (bytes ${dataStart}–${dataEnd}) runs past the archive data, which ends at byte ${directoryStart}`);
    const stored = bytes.subarray(dataStart, dataEnd);
    const data = method === 0 ? checkStored(stored, size, name) : method === 8 ? inflate(stored, size, name) : unsupported(method, name);
    if (crc32(data) !== crc) throw new CheckpointError(`zip: record ${name} fails its CRC-32 check (the file is corrupted)`);
    records.set(name, data);
  }
  return records;
}

/** The end-of-central-directory record: the last one whose comment reaches exactly the file's end. */
function findEnd(bytes: Uint8Array, view: DataView): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY && at + 22 + view.getUint16(at + 20, true) === bytes.length) return at;
  }
  throw new CheckpointError(`zip: no end-of-central-directory record in ${bytes.length} bytes (not a zip archive, or truncated)`);
}

function decodeName(bytes: Uint8Array, index: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CheckpointError(`zip: the name of entry ${index} is not valid UTF-8`);
  }
}

function checkStored(data: Uint8Array, size: number, name: string): Uint8Array {
  if (data.length !== size) throw new CheckpointError(`zip: stored record ${name} is ${data.length} bytes but claims ${size}`);
  return data;
}

function inflate(data: Uint8Array, size: number, name: string): Uint8Array {
  if (size > data.length * MAX_DEFLATE_RATIO + 1024) throw new CheckpointError(`zip: record ${name} claims ${size} bytes from ${data.length} compressed bytes`);
  let out: Uint8Array;
  try {
    out = inflateSync(data, { out: new Uint8Array(size) });
  } catch (error) {
    throw new CheckpointError(`zip: record ${name} does not inflate: ${(error as Error).message}`);
  }
  if (out.length !== size) throw new CheckpointError(`zip: record ${name} inflates to ${out.length} bytes but claims ${size}`);
  return out;
}

function unsupported(method: number, name: string): never {
  throw new CheckpointError(`zip: record ${name} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
}

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip uses), table-driven. */
export function crc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
