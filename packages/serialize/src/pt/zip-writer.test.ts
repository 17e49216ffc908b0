import { describe, expect, it } from 'vitest';
import { RECORD_ALIGNMENT, writeAlignedZip } from './zip-writer.js';
import { readZip } from './zip-reader.js';

/** The offset of each record's data, read from the local headers in file order. */
function dataOffsets(zip: Uint8Array, count: number): number[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x04034b50);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    offsets.push(start);
    at = start + view.getUint32(at + 18, true);
  }
  return offsets;
}

describe('writeAlignedZip', () => {
  it('starts every record at a multiple of 64 bytes, whatever the name and data lengths', () => {
    for (let nameLength = 1; nameLength < 70; nameLength++) {
      const records: [string, Uint8Array][] = [
        ['a'.repeat(nameLength), new Uint8Array(nameLength % 7)],
        [`dir/${'b'.repeat(nameLength)}`, new Uint8Array(100 + nameLength)],
        ['c', new Uint8Array(3)],
      ];
      const zip = writeAlignedZip(records);
      for (const offset of dataOffsets(zip, records.length)) expect(offset % RECORD_ALIGNMENT).toBe(0);
      const read = readZip(zip);
      expect([...read.keys()]).toEqual(records.map(([name]) => name));
      for (const [name, data] of records) expect(read.get(name)).toEqual(data);
    }
  });

  it('writes records uncompressed, in the given order, with PyTorch\'s "FB" padding field', () => {
    const zip = writeAlignedZip([['archive/data.pkl', new Uint8Array([1, 2, 3])]]);
    const view = new DataView(zip.buffer);
    expect(view.getUint16(8, true)).toBe(0); // STORED
    expect(new TextDecoder().decode(zip.subarray(30 + 16, 30 + 18))).toBe('FB');
  });

  it('gives equal bytes for equal input', () => {
    const records: [string, Uint8Array][] = [['x/y', new Uint8Array([9])]];
    expect(writeAlignedZip(records)).toEqual(writeAlignedZip(records));
  });
});
